package io.kubeexec.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.kubeexec.controller.config.Flag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The controller's pod: locked down, wired to the controller's real port, paths, flags and files. */
class PodPolicyTest {

    static final List<String> TARGETS = Kustomize.TARGETS;

    @ParameterizedTest(name = "{0}: runs as non-root with a read-only root filesystem, no capabilities, seccomp RuntimeDefault")
    @FieldSource("TARGETS")
    void thePodIsLockedDown(String target) {
        Controller controller = Controller.in(target);
        PodSecurityContext pod = controller.pod().getSecurityContext();
        assertThat(pod.getRunAsNonRoot()).isTrue();
        assertThat(pod.getRunAsUser()).isNotNull().isPositive();
        assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(controller.pod().getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(controller.pod().getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(controller.pod().getHostIPC()).isNotEqualTo(Boolean.TRUE);
        assertThat(controller.pod().getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
        assertThat(controller.pod().getInitContainers()).isNullOrEmpty();

        Container container = controller.container();
        SecurityContext security = container.getSecurityContext();
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(security.getCapabilities().getDrop()).contains("ALL");
        assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(security.getRunAsNonRoot()).isNotEqualTo(Boolean.FALSE);
        assertThat(security.getRunAsUser()).satisfiesAnyOf(u -> assertThat(u).isNull(), u -> assertThat(u).isPositive());
        assertThat(security.getSeccompProfile() == null ? "RuntimeDefault" : security.getSeccompProfile().getType())
                .isEqualTo("RuntimeDefault");
    }

    @ParameterizedTest(name = "{0}: /tmp is a writable emptyDir, since the root filesystem is read-only")
    @FieldSource("TARGETS")
    void tmpIsWritable(String target) {
        Controller controller = Controller.in(target);
        VolumeMount tmp = controller.mountAt("/tmp");
        assertThat(tmp.getReadOnly()).isNotEqualTo(Boolean.TRUE);
        assertThat(controller.volume(tmp.getName()).getEmptyDir()).isNotNull();
    }

    @ParameterizedTest(name = "{0}: CPU and memory requests and limits are set")
    @FieldSource("TARGETS")
    void resourcesAreBounded(String target) {
        var resources = Controller.in(target).container().getResources();
        assertThat(resources.getRequests()).containsKeys("cpu", "memory");
        assertThat(resources.getLimits()).containsKeys("cpu", "memory");
    }

    @ParameterizedTest(name = "{0}: Service 443 reaches the container port the controller listens on")
    @FieldSource("TARGETS")
    void theServicePortReachesTheControllersPort(String target) {
        Controller controller = Controller.in(target);
        List<ServicePort> ports = controller.service().getSpec().getPorts();
        assertThat(ports).hasSize(1);
        assertThat(ports.get(0).getPort()).isEqualTo(ControllerInterface.SERVICE_PORT);
        assertThat(controller.containerPort(ports.get(0).getTargetPort())).isEqualTo(ControllerInterface.PORT);
        assertThat(controller.args().getOrDefault(Flag.PORT.flagName(), "8443"))
                .isEqualTo(String.valueOf(ControllerInterface.PORT));
        assertThat(controller.envValue(Flag.PORT.envName())).isEmpty();
        // The probes' and metrics' port is the pod's alone: no Service port leads to it.
        assertThat(ports).allSatisfy(p -> assertThat(controller.containerPort(p.getTargetPort()))
                .isNotEqualTo(ControllerInterface.HEALTH_PORT));
        // The Service and the Deployment select the pods the template creates.
        Map<String, String> labels = controller.podLabels();
        assertThat(labels).containsAllEntriesOf(controller.service().getSpec().getSelector());
        assertThat(Selectors.matches(controller.deployment().getSpec().getSelector(), labels)).isTrue();
    }

    @ParameterizedTest(name = "{0}: a fail-closed webhook is scheduled first and preempted last")
    @FieldSource("TARGETS")
    void runsWithTheClustersCriticalPriority(String target) {
        assertThat(Controller.in(target).pod().getPriorityClassName()).isEqualTo("system-cluster-critical");
    }

    @ParameterizedTest(name = "{0}: liveness and readiness probes hit the health paths over plain HTTP on the health port")
    @FieldSource("TARGETS")
    void probesHitTheHealthPaths(String target) {
        Controller controller = Controller.in(target);
        Container container = controller.container();
        assertProbe(controller, container.getLivenessProbe(), ControllerInterface.LIVENESS_PATH);
        assertProbe(controller, container.getReadinessProbe(), ControllerInterface.READINESS_PATH);
        if (container.getStartupProbe() != null) {
            assertProbe(controller, container.getStartupProbe(), ControllerInterface.LIVENESS_PATH);
        }
    }

    private static void assertProbe(Controller controller, Probe probe, String path) {
        assertThat(probe).as(path).isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get.getPath()).isEqualTo(path);
        assertThat(get.getScheme()).isEqualTo("HTTP");
        assertThat(controller.containerPort(get.getPort())).isEqualTo(ControllerInterface.HEALTH_PORT);
        assertThat(controller.args().getOrDefault(Flag.HEALTH_PORT.flagName(), "8080"))
                .isEqualTo(String.valueOf(ControllerInterface.HEALTH_PORT));
        assertThat(controller.envValue(Flag.HEALTH_PORT.envName())).isEmpty();
    }

    @ParameterizedTest(name = "{0}: every flag and KEC_ variable given to the controller is one it has")
    @FieldSource("TARGETS")
    void everyFlagAndVariableExists(String target) {
        Controller controller = Controller.in(target);
        assertThat(controller.args().keySet()).allSatisfy(flag ->
                assertThat(Flag.byName(flag)).as("flag -" + flag).isPresent());
        List<String> env = Optional.ofNullable(controller.container().getEnv()).orElse(List.of()).stream()
                .map(EnvVar::getName).toList();
        assertThat(env).doesNotHaveDuplicates();
        assertThat(env.stream().filter(n -> n.startsWith("KEC_"))).allSatisfy(name ->
                assertThat(List.of(Flag.values())).as(name).anyMatch(f -> f.envName().equals(name)));
        // A flag set both ways would silently ignore the variable (flags win).
        assertThat(controller.args().keySet()).allSatisfy(flag ->
                assertThat(controller.env(Flag.byName(flag).orElseThrow().envName())).as(flag).isEmpty());
    }

    @ParameterizedTest(name = "{0}: self-managed certificates in the shipped Secret, nothing mounted, no files given")
    @FieldSource("TARGETS")
    void theControllerKeepsItsCertificateInTheShippedSecret(String target) {
        Controller controller = Controller.in(target);
        assertThat(controller.envValue(Flag.CERTIFICATE_SECRET.envName()))
                .contains(ControllerInterface.CERTIFICATE_SECRET);
        Secret secret = controller.manifests().named(Secret.class, ControllerInterface.CERTIFICATE_SECRET)
                .orElseThrow(() -> new AssertionError("the Secret is not shipped"));
        assertThat(secret.getMetadata().getNamespace()).isEqualTo(controller.namespace());
        assertThat(secret.getData()).as("filled by the controller; an apply must not overwrite it").isNullOrEmpty();
        assertThat(secret.getStringData()).isNullOrEmpty();
        assertThat(secret.getType()).as("kubernetes.io/tls would need the keys at creation").isEqualTo("Opaque");
        assertThat(controller.args()).doesNotContainKeys(Flag.CERT_PATH.flagName(), Flag.KEY_PATH.flagName());
        assertThat(controller.pod().getVolumes()).noneMatch(v -> v.getSecret() != null);
        // The webhook configuration and the Service the controller assumes by default are the ones shipped.
        assertThat(controller.webhooks().getMetadata().getName()).isEqualTo(ControllerInterface.NAME);
        assertThat(controller.service().getMetadata().getName()).isEqualTo(ControllerInterface.NAME);
        assertThat(controller.envValue(Flag.WEBHOOK_CONFIGURATION.envName())).isEmpty();
        assertThat(controller.envValue(Flag.SERVICE_NAME.envName())).isEmpty();
    }

    @ParameterizedTest(name = "{0}: the built-in routes are the image's own: one copy, no -routes-dir")
    @FieldSource("TARGETS")
    void theBuiltInRoutesAreTheImagesOwn(String target) {
        Controller controller = Controller.in(target);
        assertThat(controller.args()).doesNotContainKey(Flag.ROUTES_DIR.flagName());
        assertThat(controller.envValue(Flag.ROUTES_DIR.envName())).isEmpty();
    }

    @ParameterizedTest(name = "{0}: the operator's routes come from an optional ConfigMap, passed with -routes-extra-dir")
    @FieldSource("TARGETS")
    void operatorRoutesComeFromAnOptionalConfigMap(String target) {
        Controller controller = Controller.in(target);
        assertThat(controller.args())
                .containsEntry(Flag.ROUTES_EXTRA_DIR.flagName(), ControllerInterface.EXTRA_ROUTES_DIR);
        VolumeMount mount = controller.mountAt(ControllerInterface.EXTRA_ROUTES_DIR);
        assertThat(mount.getReadOnly()).isTrue();
        var configMap = controller.volume(mount.getName()).getConfigMap();
        assertThat(configMap.getName()).startsWith(ControllerInterface.EXTRA_ROUTES_CONFIGMAP);
        assertThat(configMap.getOptional()).as("the controller starts without operator routes").isTrue();
    }

    @ParameterizedTest(name = "{0}: POD_NAMESPACE comes from the downward API, and several replicas elect a leader")
    @FieldSource("TARGETS")
    void leaderElectionIsWired(String target) {
        Controller controller = Controller.in(target);
        EnvVar podNamespace = controller.env("POD_NAMESPACE").orElseThrow();
        assertThat(podNamespace.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
        int replicas = Optional.ofNullable(controller.deployment().getSpec().getReplicas()).orElse(1);
        if (replicas > 1) {
            assertThat(controller.envValue(Flag.LEADER_ELECT.envName())).as("two replicas would both evict")
                    .contains("true");
        }
    }
}
