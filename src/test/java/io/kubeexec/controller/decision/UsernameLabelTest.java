package io.kubeexec.controller.decision;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The interactor username label: a valid label value derived from any username. */
class UsernameLabelTest {

    /** What Kubernetes accepts as a label value (apimachinery's IsValidLabelValue). */
    private static final String VALID_LABEL_VALUE = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";

    @ParameterizedTest(name = "\"{0}\" is labelled \"{1}\"")
    @CsvSource(delimiter = '|', textBlock = """
            alice                                         | alice
            system:serviceaccount:ns:sa                   | system_serviceaccount_ns_sa
            system:admin                                  | system_admin
            kubernetes-admin                              | kubernetes-admin
            alice@example.com                             | alice_example.com
            Alice.Smith_99                                | Alice.Smith_99
            oidc:https://issuer.example.com#alice         | oidc_https___issuer.example.com_alice
            CN=alice,O=devs                               | CN_alice_O_devs
            jürgen                                        | j_rgen
            bob smith                                     | bob_smith
            :alice:                                       | alice
            --alice--                                     | alice
            ..alice..                                     | alice
            _alice_                                       | alice
            @alice@                                       | alice
            '  alice  '                                   | alice
            system:serviceaccount:                        | system_serviceaccount
            """)
    void replacesEveryCharacterALabelCannotHoldAndTrimsTheEnds(String username, String label) {
        assertThat(UsernameLabel.of(username)).isEqualTo(label).matches(VALID_LABEL_VALUE);
    }

    @ParameterizedTest(name = "\"{0}\" has nothing usable and is labelled empty")
    @ValueSource(strings = {"", ":", ":::", "@", "---", "___", "...", "äöü", "  "})
    void aUsernameWithoutAnyLetterOrDigitGivesAnEmptyValue(String username) {
        assertThat(UsernameLabel.of(username)).isEmpty();
    }

    @Test
    void aMissingUsernameGivesAnEmptyValue() {
        assertThat(UsernameLabel.of(null)).isEmpty();
    }

    @Test
    void aHundredCharacterNameIsTrimmedTo63AndEndsAlphanumeric() {
        String username = "a".repeat(100);

        assertThat(UsernameLabel.of(username)).isEqualTo("a".repeat(63));
    }

    @Test
    void aLongNameCutAtAPunctuationMarkEndsOnTheLastAlphanumericBeforeIt() {
        // Character 63 is the '@': cutting at 63 would end the value with '_'.
        String username = "x".repeat(62) + "@example.com" + "y".repeat(30);

        String label = UsernameLabel.of(username);

        assertThat(label).isEqualTo("x".repeat(62)).matches(VALID_LABEL_VALUE);
    }

    @ParameterizedTest(name = "a {0}-character service account name is a valid label value")
    @ValueSource(ints = {62, 63, 64, 100, 253})
    void aLongServiceAccountNameIsAValidLabelValue(int length) {
        String username = ("system:serviceaccount:" + "team-a:".repeat(40)).substring(0, length - 2) + "sa";
        assertThat(username).hasSize(length);

        String label = UsernameLabel.of(username);

        assertThat(label).hasSizeLessThanOrEqualTo(63).matches(VALID_LABEL_VALUE).startsWith("system_serviceaccount_");
    }

    @Test
    void anEMailAddressOfExactly63CharactersIsKeptWhole() {
        String username = "a".repeat(51) + "@example.com";

        assertThat(UsernameLabel.of(username)).isEqualTo("a".repeat(51) + "_example.com").hasSize(63);
    }
}
