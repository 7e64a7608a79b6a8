package io.flywheel.engine.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** Switches the log level at startup. */
public final class Logging {
    private Logging() {}

    public static void verbose(boolean on) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(on ? Level.DEBUG : Level.INFO);
            ctx.getLogger("io.flywheel").setLevel(on ? Level.DEBUG : null);
        }
    }

    /** Logs only warnings and errors of {@code type} (a simulation's thousands of routine updates). */
    public static void quiet(Class<?> type) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger(type.getName()).setLevel(Level.WARN);
        }
    }
}
