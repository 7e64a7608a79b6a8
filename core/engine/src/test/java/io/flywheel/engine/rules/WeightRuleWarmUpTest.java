package io.flywheel.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A fresh engine, as in a new process: before Truffle compiles the bundled keyword rule, one update
 * over a deployment's windows took 300-500 ms of CPU, over the default 200 ms call limit, so the
 * first update (or the replay of an edited version) failed. The warm-up at load takes that.
 */
class WeightRuleWarmUpTest {
    @Test
    void theBundledKeywordRulesFirstUpdateAfterLoadFitsTheDefaultCallLimit() {
        Map<String, List<KeywordStats.Counts>> per = new LinkedHashMap<>();
        Map<String, Double> current = new LinkedHashMap<>();
        for (int k = 0; k < 10; k++) {
            per.put("keyword" + k, Collections.nCopies(14, new KeywordStats.Counts(20, 20, 2 + k % 5, k % 2, 0)));
            current.put("keyword" + k, 1.0 + k % 3);
        }
        String stats = new KeywordStats(DefaultRulesTest.CLOCK.instant(), Duration.ofDays(1), 14, per, 7).json();
        try (JsRuntime fresh = JsRuntime.start();
                CompiledScript rule = fresh.compile(ScriptSource.bundled(RuleKind.KEYWORD_WEIGHTS), RuleKind.KEYWORD_WEIGHTS, RuleLimits.DEFAULT)) {
            assertThat(WeightRules.call(rule, stats, current, current.keySet())).hasSize(10);
        }
    }

    /**
     * 50 keywords over a week of hourly windows: warmed up on 16 keywords over 30 windows, the first
     * updates in a new process could still run over 200 ms; the warm-up now runs on the deployment's
     * size. (Timing-dependent: on a warm test JVM it passed without the change too.)
     */
    @Test
    void aLargeDeploymentsFirstUpdatesFitTheDefaultCallLimit() {
        Map<String, List<KeywordStats.Counts>> per = new LinkedHashMap<>();
        Map<String, Double> current = new LinkedHashMap<>();
        for (int k = 0; k < 50; k++) {
            List<KeywordStats.Counts> windows = new java.util.ArrayList<>();
            for (int w = 0; w < 168; w++) {
                windows.add(new KeywordStats.Counts(6, 6, (k + w) % 4, (k * w) % 3 == 0 ? 1 : 0, w % 7 == 0 ? 1 : 0));
            }
            per.put("keyword" + k, windows);
            current.put("keyword" + k, 1.0 + k % 3);
        }
        String stats = new KeywordStats(DefaultRulesTest.CLOCK.instant(), Duration.ofHours(1), 168, per, 7).json();
        try (JsRuntime fresh = JsRuntime.start();
                CompiledScript rule = fresh.compile(ScriptSource.bundled(RuleKind.KEYWORD_WEIGHTS), RuleKind.KEYWORD_WEIGHTS, RuleLimits.DEFAULT,
                        new CompiledScript.WarmUpSize(50, 168))) {
            for (int call = 0; call < 3; call++) {
                assertThat(WeightRules.call(rule, stats, current, current.keySet())).hasSize(50);
            }
        }
    }
}
