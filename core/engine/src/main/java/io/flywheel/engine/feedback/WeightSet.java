package io.flywheel.engine.feedback;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A set of weights that was applied.
 *
 * @param kind keyword weights or strategy (capital) weights
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

    public enum Kind { KEYWORD, STRATEGY }
}
