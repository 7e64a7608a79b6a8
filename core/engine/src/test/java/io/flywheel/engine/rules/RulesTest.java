package io.flywheel.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.config.Settings;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.lead.KeywordScorer;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.store.WriteBatch;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
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

/** Loading, hot reload with replay before apply, rollback and the keyword update, on a real store. */
@ExtendWith(SharedJsRuntime.class)
class RulesTest {
    static JsRuntime runtime;

    @TempDir
    Path dir;
    ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
    MapDbStore store;
    KeywordWeights weights = new KeywordWeights(Map.of("java", 1.0, "rust", 2.0, "python", 1.5));
    Rules rules;

    @BeforeAll
    static void start(JsRuntime shared) {
        runtime = shared;
    }

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(dir.resolve("scripts"));
        for (RuleKind kind : RuleKind.values()) {
            Files.writeString(script(kind), ScriptSource.bundled(kind).text());
        }
        store = MapDbStore.open(dir.resolve("data/flywheel.db"));
    }

    @AfterEach
    void tearDown() {
        if (rules != null) {
            rules.close();
        }
        store.close();
    }

    Path script(RuleKind kind) {
        return dir.resolve("scripts").resolve(kind.fileName());
    }

    RulesConfig config() {
        Settings.Rules s = new Settings.Rules(null, null, null, Duration.ofSeconds(2), null, null, Duration.ofDays(1), 3, true, null);
        return RulesConfig.of(s, dir);
    }

    Rules open() {
        rules = Rules.open(config(), runtime, new RuleHistory(store, store, store), weights, dir.resolve("data"), clock, new Random(3));
        return rules;
    }

    double scoreOf(Lead lead) {
        return rules.leadScorer().score(List.of(lead), weights.get())[0];
    }

    @Test
    void loadsTheScriptsFromTheConfigFolderAndArchivesThem() {
        open();
        for (RuleKind kind : RuleKind.values()) {
            assertThat(rules.live(kind).get().source().name()).isEqualTo("scripts/" + kind.fileName());
            assertThat(Rules.archive(dir.resolve("data")).latest(kind)).contains(rules.live(kind).get().hash());
        }
        assertThat(scoreOf(lead("Senior Rust engineer", "rust"))).isEqualTo(new KeywordScorer(clock).score(List.of(lead("Senior Rust engineer", "rust")), weights.get())[0]);
        RulesStatus status = RulesStatus.read(Rules.statusFile(dir.resolve("data"))).orElseThrow();
        assertThat(status.runtime()).startsWith("optimized");
        assertThat(status.rule(RuleKind.LEAD_SCORE).orElseThrow().name()).isEqualTo("scripts/lead-score.js");
    }

    @Test
    void goodVersionIsReplayedAndSwappedIn() throws IOException {
        open();
        store.write(new WriteBatch(List.of(lead("Stored Java role", "java")), List.of(), List.of()));
        Files.writeString(script(RuleKind.LEAD_SCORE), "function score(leads, weights) { return leads.map(l => 42); }\n");
        Rules.Reload r = rules.reload(RuleKind.LEAD_SCORE);
        assertThat(r.outcome()).isEqualTo(Rules.Reload.Outcome.ACCEPTED);
        assertThat(r.message()).contains("replayed on the newest 1 stored lead(s)");
        assertThat(scoreOf(lead("Anything", "java"))).isEqualTo(42.0);
        assertThat(rules.status().rule(RuleKind.LEAD_SCORE).orElseThrow().hash()).isEqualTo(r.hash());
        assertThat(rules.reload(RuleKind.LEAD_SCORE).outcome()).isEqualTo(Rules.Reload.Outcome.UNCHANGED);
    }

    @Test
    void brokenVersionIsKeptOutAndTheOperatorIsTold() throws IOException {
        open();
        String liveHash = rules.live(RuleKind.LEAD_SCORE).get().hash();
        Files.writeString(script(RuleKind.LEAD_SCORE), "function score(leads, weights) {\n  return leads.map(l => l.title.length;\n}\n");
        Rules.Reload r = rules.reload(RuleKind.LEAD_SCORE);
        assertThat(r.outcome()).isEqualTo(Rules.Reload.Outcome.REJECTED);
        assertThat(r.message()).startsWith("scripts/lead-score.js:2: syntax error").endsWith("version " + liveHash.substring(0, 12) + " stays live");
        assertThat(rules.live(RuleKind.LEAD_SCORE).get().hash()).isEqualTo(liveHash);
        assertThat(scoreOf(lead("Senior Rust engineer", "rust"))).isGreaterThan(4.0);
        RulesStatus.RuleState state = RulesStatus.read(Rules.statusFile(dir.resolve("data"))).orElseThrow().rule(RuleKind.LEAD_SCORE).orElseThrow();
        assertThat(state.event()).isEqualTo("rejected");
        assertThat(state.eventMessage()).contains("scripts/lead-score.js:2: syntax error");
        assertThat(String.join("\n", rules.status().lines())).contains("last change rejected");
    }

    @Test
    void aVersionThatOnlyFailsOnRecordedHistoryIsRejectedByTheReplay() throws IOException {
        open();
        Instant t = clock.instant().minus(Duration.ofHours(30));
        store.append(List.of(event(t, FeedbackEvent.Type.POSTED, "java"), event(t, FeedbackEvent.Type.INTERESTED, "java")));
        Files.writeString(script(RuleKind.KEYWORD_WEIGHTS), """
                function updateKeywordWeights(stats, current) {
                  const posted = (stats.keywords.java || []).some(w => w.posts > 0);
                  return posted ? { java: -1, rust: NaN } : current;
                }
                """);
        Rules.Reload r = rules.reload(RuleKind.KEYWORD_WEIGHTS);
        assertThat(r.outcome()).isEqualTo(Rules.Reload.Outcome.REJECTED);
        assertThat(r.message()).contains("scripts/keyword-weights.js: updateKeywordWeights() returned invalid weights: 'java' is -1.0, below zero; 'rust' is NaN");
    }

    @Test
    void leadRuleReplayUsesStoredLeads() throws IOException {
        open();
        Lead evil = new Lead("https://example.org/evil", "hn-hiring", "hackernews", "Role at Evil Corp", "https://example.org/evil", "", "Evil Corp",
                null, null, null, clock.instant(), List.of("java"), 0);
        store.write(new WriteBatch(List.of(evil), List.of(), List.of()));
        Files.writeString(script(RuleKind.LEAD_SCORE), """
                function score(leads, weights) {
                  return leads.map(l => {
                    if (l.company === 'Evil Corp') throw new Error('cannot score ' + l.company);
                    return 1;
                  });
                }
                """);
        Rules.Reload r = rules.reload(RuleKind.LEAD_SCORE);
        assertThat(r.outcome()).isEqualTo(Rules.Reload.Outcome.REJECTED);
        assertThat(r.message()).startsWith("scripts/lead-score.js:3: score() threw Error: cannot score Evil Corp");
    }

    @Test
    void rollbackReturnsToThePreviousVersion() throws IOException {
        open();
        String original = Files.readString(script(RuleKind.LEAD_SCORE));
        String v1 = rules.live(RuleKind.LEAD_SCORE).get().hash();
        Files.writeString(script(RuleKind.LEAD_SCORE), "function score(leads, weights) { return leads.map(l => 7); }\n");
        clock.advance(Duration.ofMinutes(1));
        String v2 = rules.reload(RuleKind.LEAD_SCORE).hash();

        Rules.Rollback back = Rules.rollback(config(), dir.resolve("data"), RuleKind.LEAD_SCORE, clock);
        assertThat(back.from()).isEqualTo(v2);
        assertThat(back.to()).isEqualTo(v1);
        assertThat(Files.readString(script(RuleKind.LEAD_SCORE))).isEqualTo(original);
        assertThat(rules.reload(RuleKind.LEAD_SCORE).outcome()).isEqualTo(Rules.Reload.Outcome.ACCEPTED);
        assertThat(rules.live(RuleKind.LEAD_SCORE).get().hash()).isEqualTo(v1);
        assertThat(scoreOf(lead("Senior Rust engineer", "rust"))).isNotEqualTo(7.0);
        assertThatThrownBy(() -> Rules.rollback(config(), dir.resolve("data"), RuleKind.LEAD_SCORE, clock))
                .hasMessageContaining("there is no earlier version to roll back to");
    }

    @Test
    void restartWithABrokenScriptRunsTheLastVersionThatWentLive() throws IOException {
        open();
        String good = rules.live(RuleKind.KEYWORD_WEIGHTS).get().hash();
        rules.close();
        rules = null;
        Files.writeString(script(RuleKind.KEYWORD_WEIGHTS), "function updateKeywordWeights(stats, current) { return current\n");
        open();
        assertThat(rules.live(RuleKind.KEYWORD_WEIGHTS).get().hash()).isEqualTo(good);
        assertThat(rules.live(RuleKind.KEYWORD_WEIGHTS).get().source().name()).startsWith("archive:keyword-weights.js@");
        assertThat(rules.status().rule(RuleKind.KEYWORD_WEIGHTS).orElseThrow().eventMessage()).isEqualTo("scripts/keyword-weights.js:2: syntax error: Expected } but found eof");
    }

    @Test
    void theFallbackLogLineDoesNotDoubleASemicolonTheSyntaxErrorEndsWith() throws IOException {
        // before: "... Expected an operand but found ;; running the last version that went live instead"
        open();
        rules.close();
        rules = null;
        Files.writeString(script(RuleKind.KEYWORD_WEIGHTS), "function updateKeywordWeights(stats, current) {\n  return current +;\n}\n");
        List<String> logged;
        try (var lines = io.flywheel.engine.log.LoggedLines.of(Rules.class)) {
            open();
            logged = lines.messages();
        }
        assertThat(logged)
                .anySatisfy(m -> assertThat(m).startsWith("scripts/keyword-weights.js:2: syntax error: Expected an operand but found ; running the last version"))
                .noneSatisfy(m -> assertThat(m).contains(";;"));
    }

    @Test
    void firstStartWithABrokenScriptFailsNamingIt() throws IOException {
        Files.writeString(script(RuleKind.STRATEGY_WEIGHTS), "function updateStrategyWeights(p, c) { return c; }\nfunction (\n");
        assertThatThrownBy(this::open).isInstanceOf(RuleException.class)
                .hasMessageStartingWith("scripts/strategy-weights.js:2: syntax error")
                .hasMessageContaining("no earlier version of the strategy-weights rule ever went live");
    }

    @Test
    void missingScriptsFallBackToTheBundledDefaults() throws IOException {
        for (RuleKind kind : RuleKind.values()) {
            Files.delete(script(kind));
        }
        open();
        assertThat(rules.live(RuleKind.LEAD_SCORE).get().source().name()).isEqualTo("bundled:lead-score.js");
        assertThat(rules.reload(RuleKind.LEAD_SCORE).outcome()).isEqualTo(Rules.Reload.Outcome.UNCHANGED);
    }

    @Test
    void watcherReloadsAnEditedFile() throws IOException {
        open();
        ManualScheduler scheduler = new ManualScheduler(clock);
        rules.watch(scheduler);
        Files.writeString(script(RuleKind.LEAD_SCORE), "function score(leads, weights) { return leads.map(l => 3); }\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> scheduler.pending() > 0);
        scheduler.advance(Rules.DEBOUNCE);
        assertThat(scoreOf(lead("Anything", "java"))).isEqualTo(3.0);
    }

    @Test
    void aBatchTheLiveRuleFailsOnIsScoredByTheJavaScorerAndReported() throws IOException {
        Files.writeString(script(RuleKind.LEAD_SCORE), """
                function score(leads, weights) {
                  return leads.map(l => { if (l.title === 'poison') throw new Error('poisoned'); return 1; });
                }
                """);
        open();
        Lead poison = lead("poison", "rust");
        assertThat(scoreOf(poison)).isEqualTo(new KeywordScorer(clock).score(List.of(poison), weights.get())[0]);
        RulesStatus.RuleState state = rules.status().rule(RuleKind.LEAD_SCORE).orElseThrow();
        assertThat(state.event()).isEqualTo("failed");
        assertThat(state.eventMessage()).startsWith("scripts/lead-score.js:2: score() threw Error: poisoned");
    }

    @Test
    void keywordUpdateAppliesAndRecordsWeightsWithTheScriptHash() {
        open();
        Instant t = clock.instant().minus(Duration.ofHours(5));
        List<FeedbackEvent> events = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            events.add(event(t, FeedbackEvent.Type.POSTED, "rust"));
            events.add(event(t, FeedbackEvent.Type.POSTED, "java"));
        }
        for (int i = 0; i < 12; i++) {
            events.add(new FeedbackEvent(t, FeedbackEvent.Type.INTERESTED, "lead-rust-" + i, "hn-hiring", "hackernews", List.of("rust"), "u" + i, 0, Map.of(), null));
        }
        store.append(events);
        Map<String, Double> before = weights.get();

        WeightSet set = rules.keywordUpdater().update().orElseThrow();

        assertThat(set.scriptHash()).isEqualTo(rules.live(RuleKind.KEYWORD_WEIGHTS).get().hash());
        assertThat(set.kind()).isEqualTo(WeightSet.Kind.KEYWORD);
        assertThat(weights.get()).isEqualTo(set.weights());
        assertThat(store.latest(WeightSet.Kind.KEYWORD)).contains(set);
        assertThat(set.weights().get("rust") / set.weights().get("java")).isGreaterThan(before.get("rust") / before.get("java"));
        assertThat(set.weights().get("python")).as("no posts, no evidence: unchanged").isEqualTo(1.5);
    }

    @Test
    void failedKeywordUpdateKeepsTheWeightsAndRecordsNothing() throws IOException {
        Files.writeString(script(RuleKind.KEYWORD_WEIGHTS), "function updateKeywordWeights(stats, current) {\n"
                + "  return (stats.keywords.rust || []).some(w => w.posts > 0) ? { jav: 2 } : current;\n}\n");
        open();
        store.append(List.of(event(clock.instant().minus(Duration.ofHours(1)), FeedbackEvent.Type.POSTED, "rust")));
        Map<String, Double> before = weights.get();
        assertThat(rules.keywordUpdater().update()).isEmpty();
        assertThat(weights.get()).isEqualTo(before);
        assertThat(store.latest(WeightSet.Kind.KEYWORD)).isEmpty();
        assertThat(rules.status().rule(RuleKind.KEYWORD_WEIGHTS).orElseThrow().eventMessage())
                .isEqualTo("scripts/keyword-weights.js: updateKeywordWeights() returned invalid weights: 'jav' is not a known name (did you mean 'java'?); "
                        + "the weights in force are kept");
    }

    FeedbackEvent event(Instant t, FeedbackEvent.Type type, String keyword) {
        return new FeedbackEvent(t, type, "lead-" + keyword, "hn-hiring", "hackernews", List.of(keyword), null, 0, Map.of(), null);
    }

    Lead lead(String title, String... keywords) {
        return new Lead("https://example.org/" + Math.abs(title.hashCode()), "hn-hiring", "hackernews", title, null, "", null, null, null,
                clock.instant().minus(Duration.ofHours(2)), clock.instant(), List.of(keywords), 0);
    }

    @Test
    void weightRulesAreWarmedUpOnInputOfThisDeploymentsSize() {
        open();
        try (CompiledScript keywordRule = rules.compile(ScriptSource.bundled(RuleKind.KEYWORD_WEIGHTS), RuleKind.KEYWORD_WEIGHTS)) {
            assertThat(keywordRule.warmUpSize()).as("3 keywords over rules.windows 3").isEqualTo(new CompiledScript.WarmUpSize(3, 3));
        }
    }
}
