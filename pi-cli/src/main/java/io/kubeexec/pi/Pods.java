package io.kubeexec.pi;

import io.kubeexec.pi.kube.PodApi.PodMeta;
import java.util.List;

/** The pod calls the commands make; {@link io.kubeexec.pi.kube.PodApi} in production, a fake in unit tests. */
public interface Pods {

    PodMeta get(String namespace, String name);

    /** All pods of the namespace, or of every namespace when it is null. */
    List<PodMeta> list(String namespace);

    void annotate(String namespace, String name, String key, String value);
}
