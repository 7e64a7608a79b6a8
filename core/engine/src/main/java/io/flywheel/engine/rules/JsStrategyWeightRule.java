package io.flywheel.engine.rules;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link StrategyWeightRule} backed by the live {@code strategy-weights.js}. Throws
 * {@link RuleException} (naming the script, line or offending entry) when the rule fails or
 * returns invalid weights; the caller then keeps the weights in force.
 */
public final class JsStrategyWeightRule implements StrategyWeightRule {
    private final LiveRule live;

    JsStrategyWeightRule(LiveRule live) {
        this.live = live;
    }

    @Override
    public Map<String, Double> update(Map<String, List<Double>> periodReturns, Map<String, Double> current) {
        Set<String> known = new LinkedHashSet<>(current.keySet());
        known.addAll(periodReturns.keySet());
        String input = Json.returns(periodReturns);
        return live.apply(version -> WeightRules.call(version, input, current, known));
    }

    /** SHA-256 of the version in force, to record with the weights it produced. */
    public String scriptHash() {
        return live.get().hash();
    }
}
