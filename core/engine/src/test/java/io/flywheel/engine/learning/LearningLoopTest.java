package io.flywheel.engine.learning;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.engine.config.Settings;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.rules.JsRuntime;
import io.flywheel.engine.rules.RuleArchive;
import io.flywheel.engine.rules.RuleHistory;
import io.flywheel.engine.rules.RuleKind;
import io.flywheel.engine.rules.Rules;
import io.flywheel.engine.rules.RulesConfig;
import io.flywheel.engine.rules.ScriptSource;
import io.flywheel.engine.rules.SharedJsRuntime;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.testkit.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The keyword learning step on a real store and real GraalJS: guardrails, the record it leaves, the shadow rule, promote and rollback. */
@ExtendWith(SharedJsRuntime.class)
class LearningLoopTest {
    static JsRuntime runtime;

    @TempDir
    Path dir;
    ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
    MapDbStore store;
    KeywordWeights weights = new KeywordWeights(Map.of("java", 1.0, "rust", 2.0, "python", 1.5));
    Rules rules;
    LearningLoop loop;

    @BeforeAll
    static void start(JsRuntime shared) {
        runtime = shared;
    }

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(dir.resolve("scripts"));
        for (RuleKind kind : RuleKind.values()) {
            Files.writeString(dir.resolve("scripts").resolve(kind.fileName()), ScriptSource.bundled(kind).text());
        }
        store = MapDbStore.open(dir.resolve("data/flywheel.db"));
    }

    @AfterEach
    void tearDown() {
        if (loop != null) {
            loop.close();
        }
        if (rules != null) {
            rules.close();
        }
        store.close();
    }

    RulesConfig rulesConfig() {
        return RulesConfig.of(new Settings.Rules(null, null, null, Duration.ofSeconds(2), null, null, Duration.ofDays(1), 3, false, null), dir);
    }

    /** The live keyword rule is {@code body}; the loop runs with the given guardrails and optional shadow file. */
    LearningLoop loop(String liveBody, Settings.Learning settings, Path shadow) throws IOException {
        Files.writeString(dir.resolve("scripts/keyword-weights.js"), "function updateKeywordWeights(stats, current) {\n" + liveBody + "\n}\n");
        rules = Rules.open(rulesConfig(), runtime, new RuleHistory(store, store, store), weights, dir.resolve("data"), clock, new Random(3));
        FreezeSwitch freeze = new FreezeSwitch(settings.freeze(), FreezeSwitch.file(dir.resolve("data")));
        loop = new LearningLoop(rules.keywordUpdater(), settings, freeze, shadow == null ? null : new ShadowRule(rules, shadow, "scripts/next.js"),
                store, clock);
        return loop;
    }

    static Settings.Learning learning(double maxChange, int minFeedback, boolean freeze) {
        return new Settings.Learning(Duration.ofHours(6), maxChange, minFeedback, freeze, null);
    }

    /** {@code n} posts of leads with {@code keyword} an hour ago. */
    void posts(String keyword, int n) {
        List<FeedbackEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(new FeedbackEvent(clock.instant().minus(Duration.ofHours(1)), FeedbackEvent.Type.POSTED, keyword + "-" + i, "src", "web",
                    List.of(keyword), null, 0, Map.of(), "console"));
        }
        store.append(events);
    }

    @Test
    void clampsEveryMoveToTheCapAndRecordsWhatItSawAndClamped() throws IOException {
        loop("return {java: 100, rust: 1.9, python: 0};", learning(0.25, 5, false), null);
        posts("java", 4);
        posts("rust", 2);

        LearningLoop.Update u = loop.update("test");

        assertThat(u.outcome()).isEqualTo(LearningLoop.Outcome.APPLIED);
        double cap = 0.25 * (1.0 + 2.0 + 1.5) / 3;
        Map<String, Double> applied = weights.get();
        assertThat(applied.get("java")).isCloseTo(1.0 + cap, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(applied.get("python")).isCloseTo(1.5 - cap, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(applied.get("rust")).isEqualTo(1.9);
        Map<String, Double> before = Map.of("java", 1.0, "rust", 2.0, "python", 1.5);
        applied.forEach((k, v) -> assertThat(Math.abs(v - before.get(k))).isLessThanOrEqualTo(cap + 1e-12));
        WeightSet recorded = store.latest(WeightSet.Kind.KEYWORD).orElseThrow();
        assertThat(recorded.weights()).isEqualTo(applied);
        assertThat(recorded.note()).contains("(test)", "saw 6 posts, 0 engagements, 0 rejections over 3x1d", "clamped to ±0.375",
                "java +99.000->+0.375", "python -1.500->-0.375").doesNotContain("rust");
        assertThat(u.message()).contains("clamped");
    }

    @Test
    void tooLittleFeedbackMeansNoUpdateAndSaysWhy() throws IOException {
        loop("return {java: 2};", learning(0.25, 10, false), null);
        posts("java", 3);
        int before = store.history(WeightSet.Kind.KEYWORD, Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z")).size();

        LearningLoop.Update u = loop.update("test");

        assertThat(u.outcome()).isEqualTo(LearningLoop.Outcome.TOO_LITTLE_FEEDBACK);
        assertThat(u.message()).contains("too little feedback", "3 posts", "learning.min-feedback is 10");
        assertThat(weights.get()).containsEntry("java", 1.0);
        assertThat(store.history(WeightSet.Kind.KEYWORD, Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"))).hasSize(before);
    }

    @Test
    void frozenMeansFrozenAcrossRestartsAndConfigWins() throws IOException {
        loop("return {java: 1.2};", learning(0.25, 0, false), null);
        posts("java", 3);
        assertThat(loop.freeze().set(true, "42", clock.instant())).contains("Learning frozen");

        assertThat(loop.update("test").outcome()).isEqualTo(LearningLoop.Outcome.FROZEN);
        assertThat(weights.get()).containsEntry("java", 1.0);

        // a new switch on the same file (a restart) is still frozen
        FreezeSwitch again = new FreezeSwitch(false, FreezeSwitch.file(dir.resolve("data")));
        assertThat(again.state().frozen()).isTrue();
        assertThat(again.state().reason()).contains("frozen by 42");
        assertThat(again.set(false, "42", clock.instant())).contains("unfrozen");
        assertThat(loop.update("test").outcome()).isEqualTo(LearningLoop.Outcome.APPLIED);
        assertThat(weights.get()).containsEntry("java", 1.2);

        FreezeSwitch configured = new FreezeSwitch(true, FreezeSwitch.file(dir.resolve("data")));
        assertThat(configured.set(false, "42", clock.instant())).contains("learning.freeze is true in config.yml");
        assertThat(configured.frozen()).isTrue();
    }

    @Test
    void aFailingRuleKeepsTheWeights() throws IOException {
        // valid on the empty history it is replayed on at start, invalid once there is feedback
        loop("return Object.values(stats.keywords).some(ws => ws.some(w => w.posts > 0)) ? {java: -1} : current;", learning(0.25, 0, false), null);
        posts("java", 1);
        LearningLoop.Update u = loop.update("test");
        assertThat(u.outcome()).isEqualTo(LearningLoop.Outcome.FAILED);
        assertThat(u.message()).contains("weights in force stay", "java");
        assertThat(weights.get()).containsEntry("java", 1.0);
    }

    @Test
    void shadowSeesTheSameInputsIsStoredAndNeverApplied() throws IOException {
        // both derive rust from the seed they were given; the shadow also moves java
        String common = "const r = 1.9 + (stats.seed % 100) / 1000;";
        Path shadow = Files.writeString(dir.resolve("scripts/next.js"),
                "function updateKeywordWeights(stats, current) {\n" + common + "\nreturn {rust: r, java: 1.3};\n}\n");
        loop(common + "\nreturn {rust: r};", learning(0.25, 1, false), shadow);
        posts("rust", 2);

        LearningLoop.Update u = loop.update("test");

        assertThat(u.outcome()).isEqualTo(LearningLoop.Outcome.APPLIED);
        WeightSet live = store.latest(WeightSet.Kind.KEYWORD).orElseThrow();
        WeightSet shadowSet = store.latest(WeightSet.Kind.KEYWORD_SHADOW).orElseThrow();
        assertThat(u.shadow()).contains(shadowSet);
        assertThat(shadowSet.weights().get("rust")).isEqualTo(live.weights().get("rust"));
        assertThat(shadowSet.weights()).containsEntry("java", 1.3);
        assertThat(shadowSet.scriptHash()).isEqualTo(ScriptSource.read(shadow, "x").hash());
        assertThat(shadowSet.note()).startsWith("shadow scripts/next.js update (test)");
        // never applied
        assertThat(weights.get()).containsEntry("java", 1.0);
        assertThat(live.weights()).containsEntry("java", 1.0);

        List<String> report = ShadowReport.describe(store, clock.instant(), 5);
        assertThat(String.join("\n", report)).contains("java", "1.000", "1.300", "+0.300");
    }

    @Test
    void promoteGoesThroughReplayArchivesTheOldVersionAndRollbackReturnsToIt() throws IOException {
        Path shadow = Files.writeString(dir.resolve("scripts/next.js"), "function updateKeywordWeights(stats, current) {\nreturn {java: 1.1};\n}\n");
        loop("return {java: 0.9};", learning(0.25, 0, false), shadow);
        Path liveFile = dir.resolve("scripts/keyword-weights.js");
        String oldText = Files.readString(liveFile);
        String oldHash = rules.live(RuleKind.KEYWORD_WEIGHTS).get().hash();

        Rules.Reload r = rules.promote(RuleKind.KEYWORD_WEIGHTS, loop.shadow().orElseThrow().source());

        assertThat(r.outcome()).isEqualTo(Rules.Reload.Outcome.ACCEPTED);
        assertThat(r.message()).contains("promoted", "replayed on", oldHash.substring(0, 12));
        assertThat(Files.readString(liveFile)).isEqualTo(Files.readString(shadow));
        assertThat(rules.live(RuleKind.KEYWORD_WEIGHTS).get().hash()).isEqualTo(ScriptSource.read(shadow, "x").hash());
        posts("java", 1);
        loop.update("test");
        assertThat(weights.get()).containsEntry("java", 1.1);

        Rules.Rollback back = Rules.rollback(rulesConfig(), dir.resolve("data"), RuleKind.KEYWORD_WEIGHTS, clock);
        assertThat(back.to()).isEqualTo(oldHash);
        assertThat(Files.readString(liveFile)).isEqualTo(oldText);
        assertThat(rules.reload(RuleKind.KEYWORD_WEIGHTS).outcome()).isEqualTo(Rules.Reload.Outcome.ACCEPTED);
        assertThat(rules.live(RuleKind.KEYWORD_WEIGHTS).get().hash()).isEqualTo(oldHash);
    }

    @Test
    void aCandidateThatFailsTheReplayIsNotPromoted() throws IOException {
        Path shadow = Files.writeString(dir.resolve("scripts/next.js"), "function updateKeywordWeights(stats, current) {\nreturn {java: -5};\n}\n");
        loop("return {java: 0.9};", learning(0.25, 0, false), shadow);
        Path liveFile = dir.resolve("scripts/keyword-weights.js");
        String before = Files.readString(liveFile);
        String liveHash = rules.live(RuleKind.KEYWORD_WEIGHTS).get().hash();
        posts("java", 2);

        Rules.Reload r = rules.promote(RuleKind.KEYWORD_WEIGHTS, loop.shadow().orElseThrow().source());

        assertThat(r.outcome()).isEqualTo(Rules.Reload.Outcome.REJECTED);
        assertThat(r.message()).contains("not promoted", "java");
        assertThat(Files.readString(liveFile)).isEqualTo(before);
        assertThat(rules.live(RuleKind.KEYWORD_WEIGHTS).get().hash()).isEqualTo(liveHash);
        RuleArchive archive = Rules.archive(dir.resolve("data"));
        assertThat(archive.latest(RuleKind.KEYWORD_WEIGHTS)).contains(liveHash);
    }
}
