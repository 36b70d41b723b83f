package io.kubeexec.controller.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The controller's SLF4J backend: {@link ConsoleLogger} lines on standard output at the levels of
 * {@link LogThresholds}. A general logging framework loaded some 700 classes and read its configuration on the
 * start-up's critical path (about 0.4 s); the controller needs one format, one destination and a level.
 * Undertow and XNIO log through jboss-logging, which is pointed here too: on its own it would only pick SLF4J
 * together with Logback and otherwise write to java.util.logging's console, in another format.
 */
public final class ConsoleLogging implements SLF4JServiceProvider {

    private static final String JBOSS_LOGGING_PROVIDER = "org.jboss.logging.provider";

    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory loggerFactory = name -> loggers.computeIfAbsent(name, ConsoleLogger::new);
    private final IMarkerFactory markerFactory = new BasicMarkerFactory();
    private final MDCAdapter mdcAdapter = new BasicMDCAdapter();

    @Override
    public void initialize() {
        if (System.getProperty(JBOSS_LOGGING_PROVIDER) == null) {
            System.setProperty(JBOSS_LOGGING_PROVIDER, "slf4j");
        }
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }
}
