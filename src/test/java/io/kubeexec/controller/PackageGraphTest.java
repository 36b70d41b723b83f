package io.kubeexec.controller;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** tools/package-graph.sh on the working tree: the controller's packages import each other in layers, with no cycle. */
class PackageGraphTest {

    @Test
    void noPackageImportsOneAboveItAndNoneImportsItselfThroughOthers() throws IOException, InterruptedException {
        Process graph = new ProcessBuilder("tools/package-graph.sh").redirectErrorStream(true).start();
        String output = new String(graph.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(graph.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("admission -> work").endsWith("no cycle, no upward arrow\n");
        assertThat(graph.exitValue()).as(output).isZero();
    }
}
