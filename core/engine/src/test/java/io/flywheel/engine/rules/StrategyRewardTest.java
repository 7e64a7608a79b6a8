package io.flywheel.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * strategy-weights.js's optional reward(returns, past) as simulate calls it: within the same limits
 * as every call, a failure names the script and line, and the rule goes on working afterwards.
 */
@ExtendWith(SharedJsRuntime.class)
class StrategyRewardTest {
    private static final Map<String, List<Double>> RETURNS = Map.of("a", List.of(0.01), "b", List.of(-0.02));
    private static final Map<String, List<Double>> PAST = Map.of("a", List.of(0.03, 0.01), "b", List.of(0.0, -0.02));
    static JsRuntime runtime;

    @BeforeAll
    static void start(JsRuntime shared) {
        runtime = shared;
    }

    private static CompiledScript script(String reward, RuleLimits limits) {
        return runtime.compile(new ScriptSource("scripts/strategy-weights.js", null, """
                function updateStrategyWeights(performance, current, history) { return current; }
                function reward(returns, past) {
                  if (past.length > 1) { %s }
                  return returns[0];
                }
                """.formatted(reward)), RuleKind.STRATEGY_WEIGHTS, limits);
    }

    /** The rule still updates and rewards after the failure (called on input that does not trip it). */
    private static void stillWorks(JsStrategyWeightRule rule) {
        assertThat(rule.update(Map.of("a", List.of(0.01), "b", List.of(0.0)), Map.of("a", 0.5, "b", 0.5))).containsEntry("a", 0.5);
        assertThat(rule.rewards(RETURNS, Map.of()).orElseThrow()).containsEntry("a", 0.01).containsEntry("b", -0.02);
    }

    @Test
    void aRewardThatThrowsNamesTheScriptAndLine() {
        try (CompiledScript s = script("throw new Error('no volatility yet');", RuleLimits.DEFAULT.withTimeLimit(Duration.ofSeconds(2)))) {
            JsStrategyWeightRule rule = new JsStrategyWeightRule(new LiveRule(RuleKind.STRATEGY_WEIGHTS, s));
            assertThatThrownBy(() -> rule.rewards(RETURNS, PAST)).isInstanceOf(RuleException.class)
                    .hasMessage("scripts/strategy-weights.js:3: reward() threw Error: no volatility yet")
                    .satisfies(e -> assertThat(((RuleException) e).line()).isEqualTo(3));
            stillWorks(rule);
        }
    }

    @Test
    void aRewardThatLoopsIsStoppedAtTheStatementLimit() {
        try (CompiledScript s = script("for (;;) {}", RuleLimits.DEFAULT.withTimeLimit(Duration.ofSeconds(5)).withStatementLimit(200_000))) {
            JsStrategyWeightRule rule = new JsStrategyWeightRule(new LiveRule(RuleKind.STRATEGY_WEIGHTS, s));
            assertThatThrownBy(() -> rule.rewards(RETURNS, PAST)).isInstanceOf(RuleException.class)
                    .hasMessageStartingWith("scripts/strategy-weights.js")
                    .hasMessageContaining(": reward() was stopped: it ran more than 200,000 statements (rules.statement-limit)");
            stillWorks(rule);
        }
    }

    @Test
    void aRewardThatIsNaNIsRejectedNamingTheStrategy() {
        try (CompiledScript s = script("return Math.sqrt(-1);", RuleLimits.DEFAULT.withTimeLimit(Duration.ofSeconds(2)))) {
            JsStrategyWeightRule rule = new JsStrategyWeightRule(new LiveRule(RuleKind.STRATEGY_WEIGHTS, s));
            assertThatThrownBy(() -> rule.rewards(RETURNS, PAST)).isInstanceOf(RuleException.class)
                    .hasMessage("scripts/strategy-weights.js: reward() returned NaN for \"a\"; expected a finite number");
            stillWorks(rule);
        }
    }

    @Test
    void aScriptWithoutRewardSaysSoAndOneWithItDoes() {
        try (CompiledScript none = runtime.compile(new ScriptSource("scripts/strategy-weights.js", null,
                "function updateStrategyWeights(p, c) { return c; }\n"), RuleKind.STRATEGY_WEIGHTS, RuleLimits.DEFAULT);
                CompiledScript some = script("return 1;", RuleLimits.DEFAULT)) {
            JsStrategyWeightRule without = new JsStrategyWeightRule(new LiveRule(RuleKind.STRATEGY_WEIGHTS, none));
            assertThat(without.definesReward()).isFalse();
            assertThat(without.rewards(RETURNS, PAST)).isEmpty();
            assertThat(new JsStrategyWeightRule(new LiveRule(RuleKind.STRATEGY_WEIGHTS, some)).definesReward()).isTrue();
        }
    }
}
