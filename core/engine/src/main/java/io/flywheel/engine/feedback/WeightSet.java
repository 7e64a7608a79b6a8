package io.flywheel.engine.feedback;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A set of weights that was applied.
 *
 * @param kind keyword weights, strategy (capital) weights, or the would-be keyword weights of a
 *     shadow rule (stored for comparison, never applied)
 * @param scriptHash SHA-256 of the rule that produced them, or {@code "config"} for configured ones
 * @param note why (rule update, rollback, operator)
 */
public record WeightSet(Instant time, Kind kind, Map<String, Double> weights, String scriptHash, String note) {
    public WeightSet {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        weights = Map.copyOf(weights);
        Objects.requireNonNull(scriptHash, "scriptHash");
        note = note == null ? "" : note;
    }

    /** Stored by ordinal: append new kinds at the end. */
    public enum Kind { KEYWORD, STRATEGY, KEYWORD_SHADOW }
}
