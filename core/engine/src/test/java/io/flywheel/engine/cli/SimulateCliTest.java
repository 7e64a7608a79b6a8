package io.flywheel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.lead.RawLead;
import io.flywheel.engine.lead.KeywordMatcher;
import io.flywheel.engine.lead.KeywordScorer;
import io.flywheel.engine.lead.LeadNormalizer;
import io.flywheel.engine.lead.LeadPipeline;
import io.flywheel.engine.lead.UrlCanonicalizer;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flywheel simulate} and {@code flywheel rules evaluate} as an operator runs them. */
class SimulateCliTest {
    @TempDir
    Path dir;
    ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        FlywheelCli.Io io = new FlywheelCli.Io(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), clock, () -> new ManualScheduler(clock), new Random(5));
        return FlywheelCli.commandLine(io).execute(args);
    }

    @Test
    void simulatePrintsATablePerScenarioWritesChartsAndSkipsStrategiesWithoutAConfig() throws Exception {
        Path charts = dir.resolve("charts");
        // 240 rounds are too few to judge the stationary regret goal (or a recovery that has not come): they do not fail the run
        assertThat(run("--config", dir.resolve("none.yml").toString(), "simulate", "--rounds", "240", "--update-every", "12", "--window", "12h",
                "--out", charts.toString())).isEqualTo(FlywheelCli.OK);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("Scenario keywords: 240 rounds of 10 candidate leads").contains("Scenario drift: 240 rounds")
                .contains("turn round after round 120").contains("recovery after the drift").contains("regret / uniform weights' regret at 240 rounds")
                .contains("Scenario strategies: skipped; the strategies scenario runs the strategies configured in");
        assertThat(charts.resolve("keywords-regret.png")).exists();
        assertThat(charts.resolve("drift-per-round.png")).exists();
        assertThat(charts.resolve("drift-weights.png")).exists();
    }

    @Test
    void aShortRunSaysWhatItCouldNotJudgeAndHowManyRoundsItNeedsAndDoesNotFail() {
        String none = dir.resolve("none.yml").toString();
        assertThat(run("--config", none, "simulate", "--scenario", "keywords", "--rounds", "50", "--out", dir.resolve("a").toString()))
                .isEqualTo(FlywheelCli.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("NOT met").doesNotContain("goal was not met")
                .contains("(goal <= 0.15 at 10,000 rounds: too few rounds to judge; run --rounds 10000 or more)")
                .contains("The run was too short to judge every goal (see above for the rounds each needs); none it could judge was missed.")
                .contains("regret growth: too few rounds to judge").doesNotContain("NaN");
        out.reset();
        assertThat(run("--config", none, "simulate", "--scenario", "drift", "--rounds", "1", "--out", dir.resolve("b").toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("recovery after the drift: too few rounds to judge").doesNotContain("NaN")
                .doesNotContain("goal was not met");
    }

    @Test
    void theStrategiesScenarioAskedForWithoutAConfigIsAConfigProblem() {
        assertThat(run("--config", dir.resolve("none.yml").toString(), "simulate", "--scenario", "strategies")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("none.yml, which does not exist");
    }

    @Test
    void aMissingPricesFileIsABadOptionNamingIt() throws Exception {
        String none = dir.resolve("none.yml").toString();
        Path missing = dir.resolve("missing.csv");
        assertThat(run("--config", none, "simulate", "--scenario", "strategies", "--prices", missing.toString())).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("flywheel simulate: --prices " + missing + ": no such file" + System.lineSeparator());
    }

    @Test
    void simulateRefusesABadOption() {
        assertThat(run("--config", dir.resolve("none.yml").toString(), "simulate", "--rounds", "0")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--rounds: must be at least 1, found 0");
    }

    @Test
    void evaluateOnALogWithoutALimitSaysThereIsNoExploration() throws Exception {
        Files.writeString(dir.resolve("config.yml"), "store:\n  path: data/flywheel.db\nplugins:\n  dir: plugins\nkeywords:\n  rust: 2\n  java: 1\n");
        Files.createDirectories(dir.resolve("plugins"));
        try (MapDbStore store = MapDbStore.open(dir.resolve("data/flywheel.db"))) {
            LeadPipeline pipeline = new LeadPipeline(new LeadNormalizer(new UrlCanonicalizer(), new KeywordMatcher(List.of("rust", "java"))), store,
                    new KeywordScorer(), () -> Map.of("rust", 2.0, "java", 1.0), List.of("console"), clock);
            pipeline.ingest("s", "p", List.of(RawLead.of("Rust developer", "https://example.org/1"), RawLead.of("Java developer", "https://example.org/2")));
        }
        Path candidate = Files.writeString(dir.resolve("candidate.js"), "function updateKeywordWeights(stats, current) { return current; }\n");
        assertThat(run("--config", dir.resolve("config.yml").toString(), "rules", "evaluate", candidate.toString())).isEqualTo(FlywheelCli.FAILED);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("1 source run(s) with posting decisions, 2 post(s), 0 run(s) that could explore")
                .contains("Candidate: no estimate. the log has no exploration (posting: has no max-per-run, or explore is 0)");
    }
}
