package io.flywheel.discord;

import java.time.Duration;

/**
 * Exponential backoff for server errors: {@code base}, doubled per attempt, capped at
 * {@code max}, for at most {@code attempts} retries.
 */
public record Backoff(Duration base, Duration max, int attempts) {
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 4);

    public Backoff {
        if (base.isNegative() || max.isNegative() || attempts < 0) {
            throw new IllegalArgumentException("backoff must not be negative");
        }
    }

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public Duration delay(int retry) {
        Duration d = base.multipliedBy(1L << Math.min(Math.max(retry - 1, 0), 20));
        return d.compareTo(max) > 0 ? max : d;
    }
}
