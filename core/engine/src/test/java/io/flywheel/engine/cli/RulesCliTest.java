package io.flywheel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.rules.RuleArchive;
import io.flywheel.engine.rules.RuleKind;
import io.flywheel.engine.rules.Rules;
import io.flywheel.engine.rules.ScriptSource;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.store.WriteBatch;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flywheel check}, {@code rules test}, {@code rules rollback} and {@code status} as an operator runs them. */
class RulesCliTest {
    @TempDir
    Path dir;
    ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void config() throws IOException {
        Files.writeString(dir.resolve("config.yml"), """
                store:
                  path: data/flywheel.db
                plugins:
                  dir: plugins
                rules:
                  time-limit: 2s
                keywords:
                  rust: 2
                  java: 1
                  python: 1.5
                """);
        Files.createDirectories(dir.resolve("scripts"));
        Files.createDirectories(dir.resolve("plugins"));
    }

    int run(String... args) {
        out.reset();
        err.reset();
        FlywheelCli.Io io = new FlywheelCli.Io(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), clock, () -> new ManualScheduler(clock), new Random(5));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", dir.resolve("config.yml").toString()));
        return FlywheelCli.commandLine(io).execute(all.toArray(String[]::new));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void checkReportsTheRuntimeAndThatEveryRuleLoads() {
        assertThat(run("check")).isZero();
        assertThat(out()).contains("rules:   JavaScript optimized").contains("lead-score        bundled:lead-score.js loads (sha ");
    }

    @Test
    void checkNamesTheScriptAndLineThatDoesNotLoad() throws IOException {
        Files.writeString(dir.resolve("scripts/keyword-weights.js"), "function updateKeywordWeights(s, c) {\n  return c +;\n}\n");
        assertThat(run("check")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("keyword-weights.js:2:1: error: scripts/keyword-weights.js:2: syntax error");
        assertThat(out()).contains("keyword-weights   scripts/keyword-weights.js does not load");
    }

    @Test
    void rulesTestShowsWeightsDiffAndRankChangesWithoutApplyingAnything() throws IOException {
        Files.writeString(dir.resolve("config.yml"), Files.readString(dir.resolve("config.yml")) + "learning: {max-change: 10, min-feedback: 0}\n");
        try (MapDbStore store = MapDbStore.open(dir.resolve("data/flywheel.db"))) {
            Instant t = clock.instant().minus(Duration.ofHours(3));
            store.write(new WriteBatch(List.of(lead("Rust engineer", t, "rust"), lead("Java developer", t, "java"), lead("Python and Java", t, "python", "java")),
                    List.of(), List.of()));
            List<FeedbackEvent> events = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                events.add(new FeedbackEvent(t, FeedbackEvent.Type.POSTED, "p" + i, "hn", "hn", List.of("java"), null, 0, Map.of(), null));
            }
            store.append(events);
        }
        Files.writeString(dir.resolve("my-weights.js"), "function updateKeywordWeights(stats, current) {\n  return { java: 9, rust: 0.5 };\n}\n");
        assertThat(run("rules", "test", dir.resolve("my-weights.js").toString())).isZero();
        assertThat(out()).contains("(keyword-weights, sha ").contains("Replay:  passes on the last 14 feedback window(s) of 1d")
                .containsPattern("java\\s+1\\.000\\s+9\\.000\\s+9\\.000\\s+\\+8\\.000")
                .containsPattern("rust\\s+2\\.000\\s+0\\.500\\s+0\\.500\\s+-1\\.500")
                .doesNotContain("clamped")
                .contains("Ranking of the newest 3 stored lead(s): 2 would move.")
                .contains("Rust engineer");
        try (MapDbStore store = MapDbStore.open(dir.resolve("data/flywheel.db"))) {
            assertThat(store.latest(io.flywheel.engine.feedback.WeightSet.Kind.KEYWORD)).as("nothing applied").isEmpty();
        }
    }

    @Test
    void rulesTestShowsTheKeywordWeightsAsLearningMaxChangeWouldClampThem() throws IOException {
        // before, it showed java 1 -> 9 while `rules update` would set 1.375: the dry run ignored learning.max-change (default 0.25)
        Files.writeString(dir.resolve("config.yml"), Files.readString(dir.resolve("config.yml")) + "learning: {min-feedback: 0}\n");
        Files.writeString(dir.resolve("my-weights.js"), "function updateKeywordWeights(stats, current) {\n  return { java: 9, rust: 0.5, python: 1.6 };\n}\n");
        assertThat(run("rules", "test", dir.resolve("my-weights.js").toString())).isZero();
        assertThat(out()).contains("NEW: what an update sets after learning's freeze, min-feedback and max-change")
                .containsPattern("java\\s+1\\.000\\s+9\\.000\\s+1\\.375\\s+\\+0\\.375")
                .containsPattern("rust\\s+2\\.000\\s+0\\.500\\s+1\\.625\\s+-0\\.375")
                .containsPattern("python\\s+1\\.500\\s+1\\.600\\s+1\\.600\\s+\\+0\\.100")
                .contains("learning.max-change clamped each move to ±0.375: ");
    }

    @Test
    void rulesTestShowsTheLiveWeightsAsNewWhenLearningIsFrozen() throws IOException {
        // before, NEW showed java 1.375 although a frozen update sets nothing
        Files.writeString(dir.resolve("config.yml"), Files.readString(dir.resolve("config.yml")) + "learning: {min-feedback: 0, freeze: true}\n");
        Files.writeString(dir.resolve("my-weights.js"), "function updateKeywordWeights(stats, current) {\n  return { java: 9, rust: 0.5 };\n}\n");
        assertThat(run("rules", "test", dir.resolve("my-weights.js").toString())).isZero();
        assertThat(out()).containsPattern("java\\s+1\\.000\\s+9\\.000\\s+1\\.000\\s+\\+0\\.000")
                .containsPattern("rust\\s+2\\.000\\s+0\\.500\\s+2\\.000\\s+\\+0\\.000")
                .contains("An update now would set nothing: learning is frozen (learning.freeze: true in config.yml); NEW is the weights in force.")
                .doesNotContain("clamped");
    }

    @Test
    void rulesTestShowsTheLiveWeightsAsNewWhenThereIsTooLittleFeedback() throws IOException {
        try (MapDbStore store = MapDbStore.open(dir.resolve("data/flywheel.db"))) {
            Instant t = clock.instant().minus(Duration.ofHours(3));
            List<FeedbackEvent> events = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                events.add(new FeedbackEvent(t, FeedbackEvent.Type.POSTED, "p" + i, "hn", "hn", List.of("java"), null, 0, Map.of(), null));
            }
            store.append(events);
        }
        Files.writeString(dir.resolve("my-weights.js"), "function updateKeywordWeights(stats, current) {\n  return { java: 9 };\n}\n");
        assertThat(run("rules", "test", dir.resolve("my-weights.js").toString())).isZero();
        assertThat(out()).containsPattern("java\\s+1\\.000\\s+9\\.000\\s+1\\.000\\s+\\+0\\.000")
                .contains("An update now would set nothing: too little feedback (10 posts, 0 engagements, 0 rejections over")
                .contains("learning.min-feedback is 20); NEW is the weights in force.");
    }

    @Test
    void rulesTestSaysWhenTheCandidateWouldBeRejected() throws IOException {
        Files.writeString(dir.resolve("scripts/lead-score.js"), "function score(leads, weights) {\n  return leads.map(l => l.nope.length);\n}\n");
        assertThat(run("rules", "test", dir.resolve("scripts/lead-score.js").toString())).isEqualTo(FlywheelCli.FAILED);
        assertThat(out()).contains("Replay:  FAILS, so a reload would keep the live version:")
                .contains(":2: score() threw TypeError: Cannot read property 'length' of undefined");
    }

    @Test
    void rollbackPutsThePreviousVersionBackIntoTheFile() throws IOException {
        RuleArchive archive = Rules.archive(dir.resolve("data"));
        ScriptSource v1 = new ScriptSource("scripts/lead-score.js", null, "function score(leads, weights) { return leads.map(l => 1); }\n");
        ScriptSource v2 = new ScriptSource("scripts/lead-score.js", null, "function score(leads, weights) { return leads.map(l => 2); }\n");
        archive.accepted(RuleKind.LEAD_SCORE, v1, clock.instant());
        archive.accepted(RuleKind.LEAD_SCORE, v2, clock.instant().plusSeconds(60));
        Files.writeString(dir.resolve("scripts/lead-score.js"), v2.text());

        assertThat(run("rules", "rollback")).isZero();
        assertThat(out()).contains("lead-score: " + dir.resolve("scripts/lead-score.js") + " now holds version " + v1.shortHash() + " again (was "
                + v2.shortHash() + ")");
        assertThat(Files.readString(dir.resolve("scripts/lead-score.js"))).isEqualTo(v1.text());
        assertThat(run("rules", "rollback", "lead-score")).isEqualTo(FlywheelCli.FAILED);
        assertThat(err()).contains("there is no earlier version to roll back to");
    }

    @Test
    void statusShowsWhatTheLastRunReported() throws IOException {
        assertThat(run("status")).isZero();
        assertThat(out()).contains("rules: nothing reported yet");
        Files.writeString(dir.resolve("scripts/lead-score.js"), ScriptSource.bundled(RuleKind.LEAD_SCORE).text());
        assertThat(run("run", "--once")).isZero();
        assertThat(run("status")).isZero();
        assertThat(out()).contains("rules: JavaScript optimized").containsPattern("lead-score\\s+scripts/lead-score.js\\s+live [0-9a-f]{12} since 2026-03-01T12:00:00Z");
    }

    Lead lead(String title, Instant t, String... keywords) {
        return new Lead("https://example.org/" + Math.abs(title.hashCode()), "hn", "hn", title, null, "", null, null, null, t, t, List.of(keywords), 0);
    }
}
