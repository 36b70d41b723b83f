package io.kubeexec.controller.decision;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether whoever interacts is exempt from tracking by name (-exempt-users) or by group (-exempt-groups): a backup
 * job's service account, CI. Their interactions are logged and counted, never recorded on the pod. Names and groups
 * match exactly, as the API server reports them ({@code system:serviceaccount:ci:runner}).
 */
public final class ExemptInteractors {

    /** Which flag exempted an interactor: the metric's label value. */
    public enum By {
        USER, GROUP;

        public String label() {
            return this == USER ? "user" : "group";
        }
    }

    /** Why: the flag, and the name or group it matched. */
    public record Exemption(By by, String matched) {

        @Override
        public String toString() {
            return by == By.USER ? "-exempt-users lists " + matched : "-exempt-groups lists " + matched;
        }
    }

    private final Set<String> users;
    private final Set<String> groups;

    public ExemptInteractors(Set<String> users, Set<String> groups) {
        this.users = Set.copyOf(users);
        this.groups = Set.copyOf(groups);
    }

    /** The exemption of this user, by name first, then by the first of its groups listed in alphabetical order. */
    public Optional<Exemption> exemption(String username, Collection<String> userGroups) {
        if (username != null && users.contains(username)) {
            return Optional.of(new Exemption(By.USER, username));
        }
        return new TreeSet<>(userGroups).stream().filter(groups::contains).findFirst()
                .map(g -> new Exemption(By.GROUP, g));
    }

    public boolean isEmpty() {
        return users.isEmpty() && groups.isEmpty();
    }
}
