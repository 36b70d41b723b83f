package io.kubeexec.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The controller's objects in one rendered target, with the lookups the assertions share. */
record Controller(Manifests manifests, Deployment deployment, Service service,
                  ValidatingWebhookConfiguration webhooks) {

    /** {@code service}: the one the webhooks call (production also has the replicas' headless peers Service). */
    static Controller in(String target) {
        Manifests manifests = Manifests.of(target);
        ValidatingWebhookConfiguration webhooks = manifests.one(ValidatingWebhookConfiguration.class);
        String called = webhooks.getWebhooks().get(0).getClientConfig().getService().getName();
        Service service = manifests.named(Service.class, called)
                .orElseThrow(() -> new AssertionError(target + ": no Service " + called + " for the webhooks"));
        return new Controller(manifests, manifests.one(Deployment.class), service, webhooks);
    }

    String namespace() {
        return deployment.getMetadata().getNamespace();
    }

    PodSpec pod() {
        return deployment.getSpec().getTemplate().getSpec();
    }

    Container container() {
        if (pod().getContainers().size() != 1) {
            throw new AssertionError("expected the controller's one container, found " + pod().getContainers().size());
        }
        return pod().getContainers().get(0);
    }

    /** A port given by number or by name, resolved to the container port number. */
    int containerPort(IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container().getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
    }

    /** {@code -flag=value} arguments by flag name. */
    Map<String, String> args() {
        Map<String, String> args = new LinkedHashMap<>();
        for (String arg : Optional.ofNullable(container().getArgs()).orElse(java.util.List.of())) {
            String flag = arg.replaceFirst("^--?", "");
            int eq = flag.indexOf('=');
            if (!arg.startsWith("-") || eq < 0) {
                throw new AssertionError("write controller flags as -flag=value: " + arg);
            }
            if (args.put(flag.substring(0, eq), flag.substring(eq + 1)) != null) {
                throw new AssertionError("flag given twice: " + arg);
            }
        }
        return args;
    }

    Optional<EnvVar> env(String name) {
        return Optional.ofNullable(container().getEnv()).orElse(java.util.List.of()).stream()
                .filter(e -> e.getName().equals(name)).findFirst();
    }

    Optional<String> envValue(String name) {
        return env(name).map(EnvVar::getValue);
    }

    VolumeMount mountAt(String path) {
        return container().getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
    }

    Volume volume(String name) {
        return pod().getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    Map<String, String> podLabels() {
        return deployment.getSpec().getTemplate().getMetadata().getLabels();
    }
}
