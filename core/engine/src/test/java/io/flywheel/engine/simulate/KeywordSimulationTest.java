package io.flywheel.engine.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.engine.config.Settings;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.rules.JsRuntime;
import io.flywheel.engine.rules.RuleEvaluation;
import io.flywheel.engine.rules.RuleHistory;
import io.flywheel.engine.rules.RuleKind;
import io.flywheel.engine.rules.RulesConfig;
import io.flywheel.engine.rules.ScriptSource;
import io.flywheel.engine.rules.SharedJsRuntime;
import io.flywheel.engine.store.MapDbStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The keywords simulation end to end, small: the real pipeline, rules and store, then off-policy evaluation of its log. */
@ExtendWith(SharedJsRuntime.class)
class KeywordSimulationTest {
    static JsRuntime runtime;

    @TempDir
    Path dir;

    @BeforeAll
    static void start(JsRuntime shared) {
        runtime = shared;
    }

    static KeywordSimulation.Setup small(int rounds, double explore) {
        return new KeywordSimulation.Setup(rounds, 10, 12, Duration.ofHours(1), Duration.ofHours(12), 14, explore, 8);
    }

    KeywordSimulation.Result run(KeywordSimulation.Audience audience, KeywordSimulation.Setup setup, Path where) {
        return new KeywordSimulation(runtime, KeywordLearning.direct()).run(audience, setup, Settings.Rules.defaults(), dir, where, null);
    }

    @Test
    void postsOneLeadPerRoundAndTheUpdatesRaiseTheKeywordsPeopleEngageWith() throws Exception {
        KeywordSimulation.Result r = run(Scenarios.stationary(), small(480, 0.05), Files.createDirectories(dir.resolve("a")));
        assertThat(r.posts()).isEqualTo(480);
        assertThat(r.engaged()).isBetween(20, 200);
        assertThat(r.weights()).hasSize(40).allSatisfy(w -> assertThat(w.kind()).isEqualTo(WeightSet.Kind.KEYWORD));
        Map<String, Double> w = r.finalWeights();
        double best = (w.get("rust") + w.get("kotlin") + w.get("scala")) / 3;
        double worst = (w.get("typescript") + w.get("clojure") + w.get("swift")) / 3;
        assertThat(best).isGreaterThan(worst);
        RegretSummary s = RegretSummary.of(r);
        assertThat(s.checkpoints()).containsExactly(100, 300, 480);
        assertThat(s.regretAt().getLast()).isLessThan(s.uniformAt().getLast());
        assertThat(s.recoveryRounds()).isNull();
        List<Path> charts = SimulationReport.charts(SimulationReport.Outcome.of(r), dir.resolve("out"));
        assertThat(charts).hasSize(3).allSatisfy(p -> assertThat(Files.size(p)).isGreaterThan(1000));
        assertThat(SimulationReport.lines(SimulationReport.Outcome.of(r))).anySatisfy(l -> assertThat(l).contains("regret / uniform weights' regret at 480 rounds"));
    }

    @Test
    void theSameSeedGivesTheSameRun() throws Exception {
        KeywordSimulation.Result a = run(Scenarios.drift(120), small(120, 0.1), Files.createDirectories(dir.resolve("a")));
        KeywordSimulation.Result b = run(Scenarios.drift(120), small(120, 0.1), Files.createDirectories(dir.resolve("b")));
        assertThat(a.regret()).containsExactly(b.regret());
        assertThat(a.finalWeights()).isEqualTo(b.finalWeights());
    }

    @Test
    void offPolicyEvaluationOfTheSimulatedLogTellsAGoodRuleFromABadOne() throws Exception {
        int rounds = 960; // enough logged exploration for the interval to separate the rules
        Path where = Files.createDirectories(dir.resolve("log"));
        KeywordSimulation.Result r = run(Scenarios.stationary(), small(rounds, 0.5), where);
        Path bad = Files.writeString(dir.resolve("bad.js"), """
                // Ranks the keywords people engage with least first.
                function updateKeywordWeights(stats, current) {
                  const rates = {rust: 0.30, kotlin: 0.26, scala: 0.22, elixir: 0.19, haskell: 0.16, golang: 0.13, python: 0.10,
                      typescript: 0.08, clojure: 0.06, swift: 0.04};
                  const out = {};
                  for (const k of Object.keys(current)) out[k] = 0.5 - rates[k];
                  return out;
                }
                """);
        RulesConfig config = RulesConfig.of(new Settings.Rules(null, null, null, null, null, null, Duration.ofHours(12), 14, false, null), dir);
        Map<String, Double> initial = new LinkedHashMap<>();
        Scenarios.KEYWORDS.forEach(k -> initial.put(k, 1.0));
        Instant end = KeywordSimulation.START.plus(Duration.ofHours(rounds));
        try (MapDbStore store = MapDbStore.open(where.resolve("sim.db"))) {
            RuleHistory history = new RuleHistory(store, store, store);
            RuleEvaluation.Report good = RuleEvaluation.run(config, runtime, history, initial, where, ScriptSource.bundled(RuleKind.KEYWORD_WEIGHTS), end);
            RuleEvaluation.Report worse = RuleEvaluation.run(config, runtime, history, initial, where, ScriptSource.read(bad, "bad.js"), end);
            assertThat(good.problem()).isNull();
            assertThat(good.runs()).isEqualTo(rounds);
            assertThat(good.posts()).isEqualTo(rounds);
            assertThat(good.updates()).isEqualTo(rounds / 12);
            assertThat(good.loggedRate()).isCloseTo(r.engaged() / (double) rounds, org.assertj.core.api.Assertions.within(1e-9));
            assertThat(good.estimate().n()).isEqualTo(rounds);
            assertThat(worse.estimate().high()).isLessThan(good.estimate().estimate());
            assertThat(worse.estimate().estimate()).as("the bad rule is estimated below what the live rule earned").isBetween(0.0, good.loggedRate());
            assertThat(RuleEvaluation.describe(worse)).anySatisfy(l -> assertThat(l).startsWith("Verdict: worse than the live rule"));
        }
    }

    @Test
    void evaluationOnALogWithoutExplorationSaysIpsCannotBeEstimated() throws Exception {
        Path where = Files.createDirectories(dir.resolve("log"));
        run(Scenarios.stationary(), small(48, 0.0), where);
        RulesConfig config = RulesConfig.of(new Settings.Rules(null, null, null, null, null, null, Duration.ofHours(12), 14, false, null), dir);
        try (MapDbStore store = MapDbStore.open(where.resolve("sim.db"))) {
            RuleEvaluation.Report r = RuleEvaluation.run(config, runtime, new RuleHistory(store, store, store), Map.of("rust", 1.0), where,
                    ScriptSource.bundled(RuleKind.KEYWORD_WEIGHTS), KeywordSimulation.START.plus(Duration.ofDays(3)));
            assertThat(r.estimate()).isNull();
            assertThat(r.runs()).isEqualTo(48);
            assertThat(r.problem()).contains("the log has no exploration").contains("IPS cannot tell");
            assertThat(RuleEvaluation.describe(r)).anySatisfy(l -> assertThat(l).startsWith("Candidate: no estimate."));
        }
    }

    @Test
    void recoveryIsTheFirstRoundTheMovingMeanIsBackWithinTheToleranceOfThePreDriftLevel() {
        int n = 3000;
        int drift = 1500;
        double[] regret = new double[n];
        double[] uniform = new double[n];
        java.util.Arrays.fill(uniform, 0.1);
        for (int i = 0; i < n; i++) {
            regret[i] = i < drift ? 0.01 : i < drift + 300 ? 0.08 : 0.01;
        }
        var audience = new KeywordSimulation.Audience("drift", List.of("a", "b"), List.of(0.1, 0.2), List.of(0.2, 0.1), drift);
        var result = new KeywordSimulation.Result(audience, small(n, 0.05), regret, uniform, n, 0, List.of(), Map.of(), Duration.ZERO);
        RegretSummary s = RegretSummary.of(result);
        assertThat(s.preDriftLevel()).isCloseTo(0.01, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(s.threshold()).isCloseTo(0.02, org.assertj.core.api.Assertions.within(1e-12));
        // The 200-round mean is at most 0.02 once at most 28 of its rounds are in the bad stretch: s = 1500 + 300 + 172.
        assertThat(s.recoveryRounds()).isEqualTo(472);
        assertThat(s.ratio()).isCloseTo((1500 * 0.01 + 300 * 0.08 + 1200 * 0.01) / 300.0, org.assertj.core.api.Assertions.within(1e-9));
    }
}
