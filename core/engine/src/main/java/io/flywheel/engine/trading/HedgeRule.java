package io.flywheel.engine.trading;

import io.flywheel.engine.rules.StrategyWeightRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exponential weights (Hedge): each strategy's weight is multiplied by {@code exp(rate * r)} for
 * each period return {@code r}, on raw returns and without a step cap (the bundled
 * {@code scripts/strategy-weights.js} divides each return by the strategy's volatility and caps
 * each step); used by tests and benchmarks.
 */
public final class HedgeRule implements StrategyWeightRule {
    private final double rate;

    /** @param rate how fast weights follow returns: a 1% better period multiplies the weight ratio by {@code exp(rate / 100)} */
    public HedgeRule(double rate) {
        if (!(rate >= 0) || !Double.isFinite(rate)) {
            throw new IllegalArgumentException("learning rate must be finite and non-negative, found " + rate);
        }
        this.rate = rate;
    }

    @Override
    public Map<String, Double> update(Map<String, List<Double>> periodReturns, Map<String, Double> current) {
        Map<String, Double> next = new LinkedHashMap<>();
        double max = Double.NEGATIVE_INFINITY;
        Map<String, Double> logs = new LinkedHashMap<>();
        for (var e : current.entrySet()) {
            double sum = 0;
            for (double r : periodReturns.getOrDefault(e.getKey(), List.of())) {
                sum += r;
            }
            double log = Math.log(e.getValue()) + rate * sum;
            logs.put(e.getKey(), log);
            max = Math.max(max, log);
        }
        for (var e : logs.entrySet()) {
            next.put(e.getKey(), Math.exp(e.getValue() - max));
        }
        return next;
    }
}
