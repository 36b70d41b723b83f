package io.kubeexec.controller.kube;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The Eviction's URL names the pod by path segments, percent-encoded as a path wants, not as a form. */
class EvictorTest {

    @ParameterizedTest(name = "{0} is the segment {1}")
    @CsvSource(delimiter = '|', textBlock = """
            web-5d4f8.x   | web-5d4f8.x
            a b           | a%20b
            a+b           | a%2Bb
            ../kube-system | ..%2Fkube-system
            café          | caf%C3%A9
            """)
    void aNameIsOnePathSegment(String name, String segment) {
        assertThat(Evictor.encode(name)).isEqualTo(segment);
    }
}
