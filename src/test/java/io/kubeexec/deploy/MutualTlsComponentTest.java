package io.kubeexec.deploy;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.kubeexec.controller.config.Flag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mutual-tls component on the base, as an operator of a self-managed cluster adds it: the controller reads the
 * client CA from the Secret it mounts, the mount is one the kubelet keeps up to date, and nothing else changes.
 */
class MutualTlsComponentTest {

    private static final String TARGET = Kustomize.baseWith("mutual-tls");

    @Test
    void theControllerIsGivenTheMountedClientCa() {
        Controller controller = Controller.in(TARGET);

        String caPath = controller.envValue(Flag.CLIENT_CA_PATH.envName()).orElseThrow();
        Path file = Path.of(caPath);
        VolumeMount mount = controller.mountAt(file.getParent().toString());
        assertThat(mount.getReadOnly()).isTrue();
        assertThat(mount.getSubPath()).as("a subPath mount never sees the Secret change").isNull();
        Volume volume = controller.volume(mount.getName());
        assertThat(volume.getSecret().getSecretName()).isEqualTo("kube-exec-controller-client-ca");
        assertThat(volume.getSecret().getOptional()).as("never start without the CA that was asked for")
                .isNotEqualTo(Boolean.TRUE);
        assertThat(file.getFileName()).hasToString("ca.crt");
    }

    @Test
    void everythingElseIsTheBase() {
        Controller base = Controller.in("base");
        Controller withComponent = Controller.in(TARGET);

        assertThat(withComponent.args()).isEqualTo(base.args());
        assertThat(withComponent.container().getPorts()).isEqualTo(base.container().getPorts());
        assertThat(withComponent.pod().getVolumes()).hasSize(base.pod().getVolumes().size() + 1);
        assertThat(base.envValue(Flag.CLIENT_CA_PATH.envName())).as("off by default").isEmpty();
    }
}
