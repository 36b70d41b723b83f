package io.kubeexec.controller.decision;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Exempt users and groups: matched exactly, by name first; everyone else is tracked. */
class ExemptInteractorsTest {

    private static final ExemptInteractors EXEMPT = new ExemptInteractors(
            Set.of("system:serviceaccount:backup:velero"), Set.of("ci", "sre:oncall"));

    @ParameterizedTest(name = "user {0} in groups [{1}] -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            system:serviceaccount:backup:velero | system:serviceaccounts          | -exempt-users lists system:serviceaccount:backup:velero
            system:serviceaccount:backup:velero | ci                              | -exempt-users lists system:serviceaccount:backup:velero
            alice                               | system:authenticated,ci         | -exempt-groups lists ci
            alice                               | sre:oncall,ci                   | -exempt-groups lists ci
            alice                               | system:authenticated            | -
            alice                               | CI                              | -
            system:serviceaccount:backup:other  | system:serviceaccounts          | -
            -                                   | -                               | -
            """)
    void onlyAListedUserOrAMemberOfAListedGroupIsExempt(String user, String groups, String exemption) {
        assertThat(EXEMPT.exemption(user, list(groups)).map(Object::toString).orElse(null)).isEqualTo(exemption);
    }

    @ParameterizedTest(name = "with no flag set, {0} is tracked")
    @CsvSource({"alice", "system:serviceaccount:backup:velero"})
    void withNoFlagSetEveryoneIsTracked(String user) {
        ExemptInteractors none = new ExemptInteractors(Set.of(), Set.of());

        assertThat(none.isEmpty()).isTrue();
        assertThat(none.exemption(user, List.of("ci", "system:masters"))).isEmpty();
    }

    private static List<String> list(String groups) {
        return groups == null ? List.of() : Arrays.asList(groups.split(","));
    }
}
