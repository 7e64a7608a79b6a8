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

    /**
     * As {@link #update(Map, Map)}, with each strategy's longer record for rules that need more than
     * the latest returns (a volatility estimate). The allocator calls this one; by default it ignores
     * {@code history}.
     *
     * @param history per strategy id, its per-period returns up to and including those in
     *     {@code periodReturns}, oldest first, at most {@link #HISTORY_PERIODS}
     */
    default Map<String, Double> update(Map<String, List<Double>> periodReturns, Map<String, Double> current, Map<String, List<Double>> history) {
        return update(periodReturns, current);
    }

    /** The most period returns per strategy the allocator keeps for {@code history}. */
    int HISTORY_PERIODS = 260;

    /** What guarded the last {@link #update} (a freeze, too little feedback, a clamp), for the weight history; empty when nothing did. */
    default String lastNote() {
        return "";
    }
}
