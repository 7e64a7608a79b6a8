package io.flywheel.engine.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT start a graceful stop instead of killing the JVM, so the process can finish
 * its batch and exit 0. A second one stops at once (exit 128 + the signal's number): the store
 * keeps every change whose call returned, as after a kill. Falls back to a shutdown hook where
 * signals cannot be handled.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    @SuppressWarnings("restriction")
    static void onTermination(Runnable action) {
        Stages stages = new Stages(action, status -> Runtime.getRuntime().halt(status));
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> stages.signal(s.getName(), s.getNumber()));
            }
        } catch (IllegalArgumentException | LinkageError e) {
            log.debug("Signal handlers unavailable ({}); using a shutdown hook", e.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(action, "flywheel-shutdown"));
        }
    }

    /** The first signal asks for a graceful stop; any later one forces the exit. */
    static final class Stages {
        private final Runnable graceful;
        private final IntConsumer exit;
        private final AtomicBoolean asked = new AtomicBoolean();

        Stages(Runnable graceful, IntConsumer exit) {
            this.graceful = graceful;
            this.exit = exit;
        }

        void signal(String name, int number) {
            if (asked.compareAndSet(false, true)) {
                graceful.run();
                return;
            }
            // Printed, not logged: the exit that follows does not wait for an asynchronous appender.
            System.err.println("flywheel: SIG" + name + " again: stopping now (stored leads and queued posts are kept)");
            exit.accept(128 + number);
        }
    }
}
