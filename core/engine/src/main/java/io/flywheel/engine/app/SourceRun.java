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

    /**
     * What the run did, as {@code run --once}, {@code /sources run} and a running bot's log say it:
     * {@code N found, N new, N already known[, N without a title] in N ms}, or {@code not modified
     * since its last run (N ms)}, or {@code failed: ERROR}.
     *
     * @param failedBefore the source's failures in a row before this run: a run that succeeds after
     *     some adds {@code ; working again after N failure(s) in a row}
     */
    public String summary(int failedBefore) {
        if (failed()) {
            return "failed: " + error;
        }
        String did = unchanged
                ? "not modified since its last run (" + took.toMillis() + " ms)"
                : found + " found, " + stored + " new, " + duplicates + " already known"
                        + (rejected > 0 ? ", " + rejected + " without a title" : "") + " in " + took.toMillis() + " ms";
        return failedBefore > 0 ? did + "; working again after " + failedBefore + " failure(s) in a row" : did;
    }
}
