package io.kubeexec.controller.handover;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** -handover-peers: URLs as given, names looked up at hand-over time, this process always left out. */
class HandoverPeersTest {

    private static final int OWN_PORT = 8443;

    @Test
    void urlsAreKeptInOrderAndThisProcessIsLeftOut() {
        HandoverPeers peers = HandoverPeers.parse(
                " https://127.0.0.1:8443 , https://127.0.0.1:9443/, https://10.1.2.3:8443,,", OWN_PORT);

        assertThat(peers.resolve()).containsExactly(URI.create("https://127.0.0.1:9443"),
                URI.create("https://10.1.2.3:8443"));
    }

    @Test
    void aNameBecomesEveryAddressItHasOnThePortGivenOrOurs() {
        // localhost is this machine: on our port it is us, on another port it is a peer.
        assertThat(HandoverPeers.parse("localhost", OWN_PORT).resolve()).isEmpty();
        assertThat(HandoverPeers.parse("localhost:9443", OWN_PORT).resolve())
                .isNotEmpty().allMatch(uri -> uri.getPort() == 9443 && uri.getScheme().equals("https"));
    }

    @Test
    void aNameThatDoesNotResolveIsSkippedNotFatal() {
        assertThat(HandoverPeers.parse("no-such-peer.invalid,https://127.0.0.1:9443", OWN_PORT).resolve())
                .containsExactly(URI.create("https://127.0.0.1:9443"));
    }

    @Test
    void emptyMeansNoPeers() {
        assertThat(HandoverPeers.parse("", OWN_PORT).isEmpty()).isTrue();
        assertThat(HandoverPeers.parse(" , ", OWN_PORT).isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "\"{0}\" is refused: {1}")
    @CsvSource(delimiter = '|', value = {
            "http://127.0.0.1:8443              | is not an https://host:port URL",
            "https://127.0.0.1:8443/admit-pod-update | must be https://host:port only",
            "https://user@127.0.0.1:8443        | must be https://host:port only",
            "peers.example:http                 | has no valid port",
            "peers.example:70000                | has no valid port",
            "peers example                      | is neither an https:// URL nor a DNS name",
            "https://[::1                       | is not a URL",
    })
    void aMistakeIsRefusedWithTheEntryNamed(String value, String problem) {
        assertThatThrownBy(() -> HandoverPeers.parse(value, OWN_PORT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + value + "\"").hasMessageContaining(problem);
    }
}
