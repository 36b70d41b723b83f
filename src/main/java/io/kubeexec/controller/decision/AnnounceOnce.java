package io.kubeexec.controller.decision;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether something about a pod (a skipped eviction, an unreadable label) is news: true the first time only, so a scan
 * every few seconds never repeats an Event or a log line. Keys start with the pod's UID; a pod that left the scan's
 * list is forgotten, so a new pod with the same name is news again.
 */
public final class AnnounceOnce {

    private final Set<String> announced = ConcurrentHashMap.newKeySet();

    /** {@code uid} alone, or {@code uid + "/" + what} for several kinds of news about one pod. */
    public boolean isNews(String key) {
        return announced.add(key);
    }

    public void forgetAllBut(Set<String> uids) {
        announced.removeIf(key -> !uids.contains(key.split("/", 2)[0]));
    }
}
