package io.kubeexec.controller.decision;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** kube-system and the controller's namespace are never tracked, whatever the flags say; the allowlist adds to them. */
class NamespaceExemptionTest {

    private static final NamespaceExemption EXEMPTION = new NamespaceExemption("kec-home", Set.of("infra"));

    @ParameterizedTest(name = "{0}: exempt={1}, exempt by the controller itself: {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            kube-system          | true  | a namespace the shipped webhooks exempt
            kec-home             | true  | the controller's own namespace
            kube-exec-controller | true  | a namespace the shipped webhooks exempt
            infra                | true  | -
            shop                 | false | -
            KUBE-SYSTEM          | false | -
            kube-public          | false | -
            ''                   | false | -
            """)
    void theBuiltInNamespacesAreExemptWithoutAnyFlag(String namespace, boolean exempt, String builtIn) {
        assertThat(EXEMPTION.isExempt(namespace)).isEqualTo(exempt);
        assertThat(EXEMPTION.builtInReason(namespace).orElse(null)).isEqualTo(builtIn);
    }

    @ParameterizedTest(name = "an empty allowlist still exempts {0}")
    @CsvSource({"kube-system", "kube-exec-controller"})
    void anEmptyAllowlistStillExemptsTheShippedNamespaces(String namespace) {
        assertThat(new NamespaceExemption(Set.of()).isExempt(namespace)).isTrue();
        assertThat(new NamespaceExemption(Set.of()).isExempt("default")).isFalse();
    }
}
