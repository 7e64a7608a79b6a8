package io.flywheel.engine.app;

import java.time.Duration;
import java.time.Instant;

/**
 * One run of one source.
 *
 * @param error why it failed, or {@code null}
 * @param unchanged every page it read answered "not modified" (so nothing was listed, which is not finding nothing)
 */
public record SourceRun(String sourceId, Instant started, Duration took, int found, int rejected, int duplicates, int stored, String error,
        boolean unchanged) {
    public SourceRun(String sourceId, Instant started, Duration took, int found, int rejected, int duplicates, int stored, String error) {
        this(sourceId, started, took, found, rejected, duplicates, stored, error, false);
    }

    public boolean failed() {
        return error != null;
    }
}
