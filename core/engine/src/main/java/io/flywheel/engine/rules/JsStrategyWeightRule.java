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
public final class JsStrategyWeightRule implements StrategyWeightRule, AutoCloseable {
    private final LiveRule live;
    private final boolean owned;

    JsStrategyWeightRule(LiveRule live) {
        this(live, false);
    }

    private JsStrategyWeightRule(LiveRule live, boolean owned) {
        this.live = live;
        this.owned = owned;
    }

    /**
     * The configured {@code strategy-weights.js} on its own, without reloads or history: what a
     * backtest uses, so it weighs strategies with the same rule as the live paper book. Close it
     * when done (the runtime stays the caller's).
     *
     * @throws RuleException naming the script when it does not load
     */
    public static JsStrategyWeightRule standalone(RulesConfig config, JsRuntime runtime) {
        CompiledScript script = CompiledScript.load(runtime, config.source(RuleKind.STRATEGY_WEIGHTS), RuleKind.STRATEGY_WEIGHTS, config.limits());
        return new JsStrategyWeightRule(new LiveRule(RuleKind.STRATEGY_WEIGHTS, script), true);
    }

    @Override
    public Map<String, Double> update(Map<String, List<Double>> periodReturns, Map<String, Double> current) {
        return update(periodReturns, current, Map.of());
    }

    /** {@code history} reaches the script as its third argument; an empty one as {@code undefined}. */
    @Override
    public Map<String, Double> update(Map<String, List<Double>> periodReturns, Map<String, Double> current, Map<String, List<Double>> history) {
        Set<String> known = new LinkedHashSet<>(current.keySet());
        known.addAll(periodReturns.keySet());
        String input = Json.returns(periodReturns);
        String record = history.isEmpty() ? null : Json.returns(history);
        return live.apply(version -> WeightRules.call(version, input, current, known, record));
    }

    /**
     * The script's own reward for each strategy's {@code returns} given its record {@code past}
     * (as {@code history} in {@link #update(Map, Map, Map)}): its {@code reward(returns, past)}, the
     * one formula its weights follow; empty when the script defines no {@code reward}.
     *
     * @throws RuleException naming the script and strategy when a reward is not a finite number
     */
    public java.util.Optional<Map<String, Double>> rewards(Map<String, List<Double>> returns, Map<String, List<Double>> past) {
        String input = Json.returns(returns);
        String record = Json.returns(past);
        return java.util.Optional.ofNullable(live.apply(version -> WeightRules.rewards(version, input, record)));
    }

    /** Whether the script defines {@code reward(returns, past)} (asked with no strategies, so nothing of it runs). */
    public boolean definesReward() {
        return rewards(Map.of(), Map.of()).isPresent();
    }

    /** SHA-256 of the version in force, to record with the weights it produced. */
    public String scriptHash() {
        return live.get().hash();
    }

    /** Unloads the script of a {@link #standalone} rule; the live rules' own is closed by {@link Rules}. */
    @Override
    public void close() {
        if (owned) {
            live.get().close();
        }
    }
}
