package io.flywheel.engine.app;

import java.time.Instant;

/**
 * How a source has been doing, for {@code flywheel status} and {@code /status}.
 *
 * @param lastRun when its last run started, or {@code null} before any
 * @param lastSuccess when its last good run started, or {@code null}
 * @param consecutiveFailures failed runs since the last good one
 * @param lastError why the last run failed, or {@code null}
 * @param lastFound items found by the last good run that listed anything (not "unchanged"), or -1 before any
 * @param pausedUntil when a failing source may run again, or {@code null}
 * @param warning a standing warning (its selectors may be stale), kept until a run finds items again, or {@code null}
 */
public record SourceHealth(String sourceId, Instant lastRun, Instant lastSuccess, int consecutiveFailures, String lastError, int lastFound,
        Instant pausedUntil, String warning) {

    /** How an operator should read a source's health. */
    public enum State {
        /** Configured, not run yet. */
        NEW,
        /** Its last run worked. */
        OK,
        /** Its last run worked but found nothing where it used to: selectors may be stale. */
        STALE,
        /** Its last run failed; it runs again at its interval. */
        FAILING,
        /** It failed repeatedly and waits out a growing pause. */
        PAUSED
    }

    public static SourceHealth fresh(String sourceId) {
        return new SourceHealth(sourceId, null, null, 0, null, -1, null, null);
    }

    public boolean healthy() {
        return consecutiveFailures == 0;
    }

    public State state(Instant now) {
        if (lastRun == null) {
            return State.NEW;
        }
        if (consecutiveFailures > 0) {
            return pausedUntil != null && pausedUntil.isAfter(now) ? State.PAUSED : State.FAILING;
        }
        return warning != null ? State.STALE : State.OK;
    }
}
