package io.flywheel.engine.app;

import java.time.Duration;

/** Waits that double at each failure in a row, up to a cap: a market's retry and a failing source's pause. */
final class Backoff {
    private Backoff() {}

    /** {@code first} doubled {@code times} times, at most {@code cap} (it stops doubling there, so it cannot overflow). */
    static Duration doubled(Duration first, int times, Duration cap) {
        Duration d = first;
        for (int i = 0; i < times && d.compareTo(cap) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(cap) > 0 ? cap : d;
    }
}
