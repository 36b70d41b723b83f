package io.kubeexec.controller.kube;

import org.apache.camel.component.quartz.QuartzComponent;

import java.util.Map;

/** The {@code quartz:} component the eviction scan's route (routes/eviction-scan.camel.yaml) runs on. */
public final class ScanScheduler {

    private ScanScheduler() {
    }

    /**
     * Quartz's defaults (its own quartz.properties), but one worker thread instead of ten, since the scan is its only
     * job and never runs twice at once; and not registered in JMX (which nothing reads; it started the platform MBean
     * server).
     */
    public static QuartzComponent quartz() {
        QuartzComponent quartz = new QuartzComponent();
        quartz.setProperties(Map.of(
                "org.quartz.scheduler.instanceName", "DefaultQuartzScheduler",
                "org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool",
                "org.quartz.threadPool.threadCount", "1",
                "org.quartz.threadPool.threadsInheritContextClassLoaderOfInitializingThread", "true",
                "org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore",
                "org.quartz.jobStore.misfireThreshold", "60000"));
        quartz.setEnableJmx(false);
        return quartz;
    }
}
