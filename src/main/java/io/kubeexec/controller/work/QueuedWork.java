package io.kubeexec.controller.work;

/** What a webhook hands to a worker: an interaction to record, or an extension. Each knows its queue and pod. */
public sealed interface QueuedWork permits Interaction, ExtensionRequest {

    WorkQueue queue();

    String namespace();

    String pod();
}
