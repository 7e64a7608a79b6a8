package io.flywheel.engine.app;

import java.time.Instant;

/**
 * How a source has been doing, for {@code flywheel status} and {@code /status}.
 *
 * @param consecutiveFailures failed runs since the last good one
 * @param lastFound items found by the last good run, or -1 before any
 * @param pausedUntil when a failing source may run again, or {@code null}
 */
public record SourceHealth(String sourceId, Instant lastRun, Instant lastSuccess, int consecutiveFailures, String lastError, int lastFound, Instant pausedUntil) {
    public boolean healthy() {
        return consecutiveFailures == 0;
    }
}
