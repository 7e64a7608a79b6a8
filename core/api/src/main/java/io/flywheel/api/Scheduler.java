package io.flywheel.api;

import java.time.Duration;

/** Time-based waiting, driven by the host's clock so that tests can advance time instantly. */
public interface Scheduler {

    /** Runs {@code task} once after {@code delay}; the returned handle cancels it. */
    Cancellable schedule(Duration delay, Runnable task);

    /** Blocks the calling thread for {@code duration} of the host's clock. */
    void sleep(Duration duration) throws InterruptedException;

    /** A scheduled task that has not run yet can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
