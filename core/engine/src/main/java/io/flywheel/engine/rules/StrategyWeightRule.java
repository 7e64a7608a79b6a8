package io.flywheel.engine.rules;

import java.util.List;
import java.util.Map;

/**
 * Turns each strategy's recent per-period returns into its next capital weight. The trading
 * allocator calls it once per rebalance period; {@code scripts/strategy-weights.js} is the
 * operator-editable implementation.
 */
@FunctionalInterface
public interface StrategyWeightRule {

    /**
     * @param periodReturns per strategy id, its returns for the periods since the last update,
     *     oldest first (0.01 is +1%)
     * @param current the weights in force, per strategy id, summing to 1
     * @return the next weights per strategy id (finite, non-negative, not all zero); the caller
     *     normalizes them to sum to 1
     */
    Map<String, Double> update(Map<String, List<Double>> periodReturns, Map<String, Double> current);

    /** What guarded the last {@link #update} (a freeze, too little feedback, a clamp), for the weight history; empty when nothing did. */
    default String lastNote() {
        return "";
    }
}
