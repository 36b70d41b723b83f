package io.kubeexec.controller.decision;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** News about a pod is announced once, however often the scan sees the pod. */
class AnnounceOnceTest {

    @Test
    void theFirstTimeIsNewsAndTheNextTimesAreNot() {
        AnnounceOnce once = new AnnounceOnce();

        assertThat(once.isNews("uid-1")).isTrue();
        assertThat(once.isNews("uid-1")).isFalse();
        assertThat(once.isNews("uid-1")).isFalse();
    }

    @Test
    void eachKindOfNewsAboutAPodAndEachPodIsSeparate() {
        AnnounceOnce once = new AnnounceOnce();
        once.isNews("uid-1");

        assertThat(once.isNews("uid-1/extension")).isTrue();
        assertThat(once.isNews("uid-1/unreadable")).isTrue();
        assertThat(once.isNews("uid-2")).isTrue();
        assertThat(once.isNews("uid-1/extension")).isFalse();
    }

    @Test
    void aPodThatLeftTheListIsForgottenWithAllItsNews() {
        AnnounceOnce once = new AnnounceOnce();
        once.isNews("gone");
        once.isNews("gone/extension");
        once.isNews("kept/extension");

        once.forgetAllBut(Set.of("kept"));

        assertThat(once.isNews("gone")).isTrue();
        assertThat(once.isNews("gone/extension")).isTrue();
        assertThat(once.isNews("kept/extension")).isFalse();
    }
}
