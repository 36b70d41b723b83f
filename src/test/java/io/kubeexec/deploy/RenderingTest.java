package io.kubeexec.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every kustomization renders with the real kubectl, and everything it renders validates strictly. */
class RenderingTest {

    static final List<String> TARGETS = Kustomize.TARGETS;

    @ParameterizedTest(name = "{0} renders with kubectl kustomize")
    @FieldSource("TARGETS")
    void renders(String target) {
        assertThat(Kustomize.render(target)).contains("kind: Deployment");
    }

    @ParameterizedTest(name = "every object {0} renders is valid against its typed schema, with no unknown field")
    @FieldSource("TARGETS")
    void validatesStrictly(String target) {
        assertThat(Manifests.of(target).objects).isNotEmpty();
    }

    @Test
    void aTargetThatDoesNotRenderFailsTheBuild() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Kustomize.render("overlays/no-such-overlay"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("kubectl kustomize overlays/no-such-overlay failed");
    }
}
