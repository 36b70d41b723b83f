package io.kubeexec.deploy;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Least privilege: the controller's ServiceAccount can do exactly what the controller calls, and nothing more. */
class RbacPolicyTest {

    static final List<String> TARGETS = Kustomize.TARGETS;

    @ParameterizedTest(name = "{0}: cluster-wide, only pods get/list/watch/patch, pods/eviction create, namespaces get/list/watch, events create, the webhook configuration get/patch")
    @FieldSource("TARGETS")
    void clusterPermissionsAreExactlyWhatTheControllerCalls(String target) {
        Controller controller = Controller.in(target);
        Set<String> granted = new HashSet<>();
        for (ClusterRoleBinding binding : controller.manifests().all(ClusterRoleBinding.class)) {
            assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
            ClusterRole role = controller.manifests().named(ClusterRole.class, binding.getRoleRef().getName())
                    .orElseThrow(() -> new AssertionError("binding to a ClusterRole that is not rendered"));
            assertThat(role.getAggregationRule()).as("aggregated roles grow behind your back").isNull();
            granted.addAll(permissions(role.getRules()));
        }
        assertThat(granted).containsExactlyInAnyOrderElementsOf(ControllerInterface.CLUSTER_PERMISSIONS);
    }

    @ParameterizedTest(name = "{0}: get, patch and update name their object: the Lease, the certificate's Secret, the webhook configuration")
    @FieldSource("TARGETS")
    void everyReadAndWriteOfTheControllersOwnObjectsNamesThem(String target) {
        Manifests manifests = Manifests.of(target);
        List<PolicyRule> rules = new java.util.ArrayList<>();
        manifests.all(ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));
        manifests.all(Role.class).forEach(r -> rules.addAll(r.getRules()));
        for (PolicyRule rule : rules) {
            for (String resource : rule.getResources()) {
                String name = ControllerInterface.NAMED_RESOURCES.get(resource);
                if (name != null && rule.getVerbs().stream().anyMatch(v -> Set.of("get", "patch", "update").contains(v))) {
                    assertThat(rule.getResourceNames()).as(resource).containsExactly(name);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}: leases get/create/patch and the certificate's Secret get/update, in the controller's namespace only")
    @FieldSource("TARGETS")
    void namespacedPermissionsAreConfinedToTheOwnNamespace(String target) {
        Controller controller = Controller.in(target);
        Set<String> granted = new HashSet<>();
        for (RoleBinding binding : controller.manifests().all(RoleBinding.class)) {
            assertThat(binding.getMetadata().getNamespace()).isEqualTo(controller.namespace());
            assertThat(binding.getRoleRef().getKind()).as("a RoleBinding to a ClusterRole").isEqualTo("Role");
            Role role = controller.manifests().named(Role.class, binding.getRoleRef().getName())
                    .orElseThrow(() -> new AssertionError("binding to a Role that is not rendered"));
            assertThat(role.getMetadata().getNamespace()).isEqualTo(controller.namespace());
            granted.addAll(permissions(role.getRules()));
        }
        assertThat(granted).containsExactlyInAnyOrderElementsOf(ControllerInterface.NAMESPACE_PERMISSIONS);
    }

    @ParameterizedTest(name = "{0}: every rule is explicit: no wildcard, no non-resource URL")
    @FieldSource("TARGETS")
    void noRuleUsesWildcards(String target) {
        Manifests manifests = Manifests.of(target);
        List<PolicyRule> rules = new java.util.ArrayList<>();
        manifests.all(ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));
        manifests.all(Role.class).forEach(r -> rules.addAll(r.getRules()));
        assertThat(rules).isNotEmpty().allSatisfy(rule -> {
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getResources()).isNotEmpty().doesNotContain("*").noneMatch(r -> r.endsWith("/*"));
            assertThat(rule.getVerbs()).isNotEmpty().doesNotContain("*");
        });
    }

    @ParameterizedTest(name = "{0}: the bindings name only the Deployment's own ServiceAccount")
    @FieldSource("TARGETS")
    void bindingsNameOnlyTheControllersServiceAccount(String target) {
        Controller controller = Controller.in(target);
        String serviceAccount = controller.pod().getServiceAccountName();
        assertThat(serviceAccount).isEqualTo(ControllerInterface.NAME);
        assertThat(controller.pod().getAutomountServiceAccountToken()).isNotEqualTo(Boolean.FALSE);
        List<Subject> subjects = new java.util.ArrayList<>();
        controller.manifests().all(ClusterRoleBinding.class).forEach(b -> subjects.addAll(b.getSubjects()));
        controller.manifests().all(RoleBinding.class).forEach(b -> subjects.addAll(b.getSubjects()));
        assertThat(subjects).isNotEmpty().allSatisfy(subject -> {
            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
            assertThat(subject.getName()).isEqualTo(serviceAccount);
            assertThat(subject.getNamespace()).isEqualTo(controller.namespace());
        });
    }

    /** "group resource verb" triples. */
    static Set<String> permissions(List<PolicyRule> rules) {
        Set<String> permissions = new HashSet<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        permissions.add(group + " " + resource + " " + verb);
                    }
                }
            }
        }
        return permissions;
    }
}
