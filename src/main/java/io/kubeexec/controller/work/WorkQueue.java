package io.kubeexec.controller.work;

/**
 * The two queues between the webhooks and the workers. The names are those of their {@code seda:} endpoints in the
 * routes and of the {@code queue} label of the metrics, hence lower case; a route compares
 * {@code ${exchangeProperty.reply.queue} == 'interact'}.
 */
public enum WorkQueue {
    /** Interactions to record: routes/interaction.camel.yaml. */
    interact,
    /** Extensions to record: routes/extension.camel.yaml. */
    extend
}
