package io.flywheel.engine.app;

import java.time.Duration;
import java.time.Instant;

/**
 * One run of one source.
 *
 * @param error why it failed, or {@code null}
 */
public record SourceRun(String sourceId, Instant started, Duration took, int found, int rejected, int duplicates, int stored, String error) {
    public boolean failed() {
        return error != null;
    }
}
