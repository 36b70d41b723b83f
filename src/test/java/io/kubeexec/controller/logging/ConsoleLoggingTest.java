package io.kubeexec.controller.logging;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleLoggingTest {

    private final PrintStream original = System.out;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void captureStandardOutput() {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(original);
        LogThresholds.setLevel("info");
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void slf4jIsBoundToTheControllersLogger() {
        assertThat(LoggerFactory.getLogger("io.kubeexec.x")).isInstanceOf(ConsoleLogger.class);
    }

    @Test
    void anEventIsOneLineWithUtcTimeLevelThreadShortNameAndMessage() {
        LoggerFactory.getLogger("io.kubeexec.controller.kube.Evictor").info("evicted {}/{} after {}s", "ns", "p", 600);
        LoggerFactory.getLogger("io.kubeexec.controller.kube.Evictor").error("gone");

        assertThat(output().lines()).satisfiesExactly(
                line -> assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\["
                        + Thread.currentThread().getName() + "] Evictor - evicted ns/p after 600s"),
                line -> assertThat(line).endsWith(" ERROR [" + Thread.currentThread().getName() + "] Evictor - gone"));
    }

    @Test
    void anExceptionFollowsItsLineWithItsStackTrace() {
        LoggerFactory.getLogger("a.B").warn("failed for {}", "pod", new IllegalStateException("boom"));

        assertThat(output().lines().toList()).first().asString().endsWith(" WARN  [" + Thread.currentThread().getName()
                + "] B - failed for pod");
        assertThat(output()).contains("java.lang.IllegalStateException: boom" + System.lineSeparator()
                + "\tat io.kubeexec.controller.logging.ConsoleLoggingTest.");
    }

    @Test
    void theLevelOfLogLevelAppliesToEveryLogger() {
        Logger controller = LoggerFactory.getLogger("io.kubeexec.controller.X");
        controller.debug("hidden at info");
        LogThresholds.setLevel("debug");
        controller.debug("shown at debug");
        LogThresholds.setLevel("error");
        controller.warn("hidden at error");

        assertThat(output()).doesNotContain("hidden").contains("DEBUG [").contains("shown at debug");
        assertThat(controller.isErrorEnabled()).isTrue();
        assertThat(controller.isWarnEnabled()).isFalse();
    }

    @Test
    void theChattyLibrariesWriteWarningsOnlyEvenAtDebug() {
        LogThresholds.setLevel("debug");
        for (String name : LogThresholds.WARN_AT_LEAST) {
            Logger logger = LoggerFactory.getLogger(name + ".Child");
            logger.info("{} info", name);
            logger.warn("{} warning", name);
            assertThat(output()).doesNotContain(name + " info").contains(name + " warning");
        }
        // A name that merely starts like one of them is not one of them.
        LoggerFactory.getLogger("io.undertowing.Child").info("neighbour info");
        assertThat(output()).contains("neighbour info");
    }

    @Test
    void theWebSocketUnderTheDenyLabelsWatchWritesErrorsOnly() {
        LogThresholds.setLevel("debug");
        Logger webSocket = LoggerFactory.getLogger("io.fabric8.kubernetes.client.jdkhttp.JdkWebSocketImpl");
        webSocket.warn("queued close did not succeed");
        webSocket.error("a real failure");

        assertThat(output()).doesNotContain("queued close").contains("a real failure");
        // Its neighbours keep their warnings.
        LoggerFactory.getLogger("io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientImpl").warn("neighbour warning");
        assertThat(output()).contains("neighbour warning");
    }

    @Test
    void undertowAndXnioLogThroughJbossLoggingIntoTheSameLines() {
        // SLF4J starts first, as in the controller, where Camel logs long before Undertow starts.
        LoggerFactory.getILoggerFactory();
        org.jboss.logging.Logger.getLogger("org.xnio.Probe").warnf("listener %s failed", "x");

        assertThat(output()).contains(" WARN  [" + Thread.currentThread().getName() + "] Probe - listener x failed");
    }
}
