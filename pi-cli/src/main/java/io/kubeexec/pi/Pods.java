package io.kubeexec.pi;

import java.util.List;
import java.util.function.BiConsumer;

/** The pod calls the commands make; {@link PodApi} in production, a fake in unit tests. */
public interface Pods {

    PodMeta get(String namespace, String name);

    /** The pods of the namespace (of every namespace when it is null) that match the label selector (if any). */
    List<PodMeta> list(String namespace, String selector);

    /** The names of the namespaces (for completion). */
    List<String> namespaces();

    void annotate(String namespace, String name, String key, String value);

    /**
     * Watches the pods {@link #list} would return: first each existing one as {@code ADDED}, then every change as
     * it happens, with the event's type ({@code ADDED}, {@code MODIFIED}, {@code DELETED}); returns when the server
     * ends the watch.
     */
    void watch(String namespace, String selector, BiConsumer<String, PodMeta> events);
}
