package io.flywheel.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.lead.KeywordScorer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The columnar lead contract, {@code scoreBatch(batch)}: what the batch holds, what a script may change, and the older contract beside it. */
@ExtendWith(SharedJsRuntime.class)
class LeadBatchTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    static final RuleLimits LIMITS = RuleLimits.DEFAULT.withTimeLimit(Duration.ofSeconds(2));
    static JsRuntime runtime;

    @BeforeAll
    static void start(JsRuntime shared) {
        runtime = shared;
    }

    static CompiledScript rule(String name, String body) {
        return rule(name, body, LIMITS);
    }

    static CompiledScript rule(String name, String body, RuleLimits limits) {
        return runtime.compile(new ScriptSource("scripts/" + name, null, body), RuleKind.LEAD_SCORE, limits);
    }

    static Lead lead(String source, String title, Instant published, String... keywords) {
        Instant found = CLOCK.instant().minus(Duration.ofHours(2));
        return new Lead("https://example.org/" + title.hashCode(), source, "hackernews", title, "https://example.org/" + title.hashCode(),
                "body of " + title, "Acme", null, null, published, found, List.of(keywords), 0);
    }

    static final Map<String, Double> WEIGHTS = new LinkedHashMap<>(Map.of("rust", 2.0));

    static {
        WEIGHTS.put("go", 1.0);
    }

    static final List<Lead> LEADS = List.of(
            lead("hn-hiring", "Senior Rust engineer", CLOCK.instant().minus(Duration.ofHours(6)), "rust", "go"),
            lead("remote-digest", "Untitled", null),
            lead("hn-hiring", "COBOL keeper", null, "cobol"));

    @Test
    void columnsDescribeTheBatch() {
        String body = """
                function scoreBatch(b) {
                  const got = JSON.stringify({
                    size: b.size, keywords: b.keywords, weights: Array.from(b.weights), matchStart: Array.from(b.matchStart),
                    matchKeyword: Array.from(b.matchKeyword), matchInTitle: Array.from(b.matchInTitle), ageHours: Array.from(b.ageHours),
                    published: Array.from(b.published, p => p === p ? p : 'NaN'), sources: b.sources, source: Array.from(b.source),
                    platforms: b.platforms, platform: Array.from(b.platform),
                    arrays: [b.weights, b.matchStart, b.matchKeyword, b.matchInTitle, b.ageHours, b.published, b.source, b.platform]
                        .map(a => Array.isArray(a) && typeof a.map === 'function'),
                  });
                  const want = '%s';
                  if (got !== want) throw new Error('got ' + got);
                  return Array.from({ length: b.size }, (_, i) => i);
                }
                """.formatted(("{'size':3,'keywords':['rust','go','cobol'],'weights':[2,1,0],'matchStart':[0,2,2,3],'matchKeyword':[0,1,2],"
                + "'matchInTitle':[1,0,1],'ageHours':[6,2,2],'published':[%d,'NaN','NaN'],'sources':['hn-hiring','remote-digest'],"
                + "'source':[0,1,0],'platforms':['hackernews'],'platform':[0,0,0],'arrays':[true,true,true,true,"
                + "true,true,true,true]}").formatted(CLOCK.millis() - 6 * 3_600_000L).replace('\'', '"'));
        try (CompiledScript s = rule("columns.js", body)) {
            assertThat(s.entryPoint()).isEqualTo("scoreBatch");
            assertThat(JsLeadScorer.strict(s, CLOCK).score(LEADS, WEIGHTS)).containsExactly(0, 1, 2);
        }
    }

    @Test
    void leadGivesOneLeadWithItsTextAndChecksTheIndex() {
        String body = """
                function scoreBatch(b) {
                  const l = b.lead(0);
                  if (l.title !== 'Senior Rust engineer' || l.body !== 'body of Senior Rust engineer' || l.company !== 'Acme' || l.location !== null
                      || l.keywords.join() !== 'rust,go' || l.inTitle.join() !== 'true,false' || l.source !== 'hn-hiring' || l.published === null
                      || b.lead(1).published !== null) {
                    throw new Error('lead 0: ' + JSON.stringify(l));
                  }
                  if (b.size > 2) b.lead(b.size);
                  return new Float64Array(b.size);
                }
                """;
        try (CompiledScript s = rule("lead.js", body)) {
            assertThat(JsLeadScorer.strict(s, CLOCK).score(LEADS.subList(0, 2), WEIGHTS)).containsExactly(0, 0);
            assertThatThrownBy(() -> JsLeadScorer.strict(s, CLOCK).score(LEADS, WEIGHTS))
                    .isInstanceOf(RuleException.class)
                    .hasMessageStartingWith("scripts/lead.js:8: scoreBatch() threw RangeError: batch.lead(3): expected a lead index from 0 to 2");
        }
    }

    @Test
    void aScriptCannotChangeTheWeightsOrNamesOfTheNextCall() {
        String body = """
                function scoreBatch(b) {
                  const first = b.weights[0];
                  b.weights[0] = 1000;
                  try { b.keywords[0] = 'hacked'; } catch (e) {}
                  return Array.from({ length: b.size }, () => first + (b.keywords[0] === 'rust' ? 0 : 500));
                }
                """;
        try (CompiledScript s = rule("mutate.js", body)) {
            JsLeadScorer scorer = JsLeadScorer.strict(s, CLOCK);
            assertThat(scorer.score(LEADS, WEIGHTS)).containsExactly(2, 2, 2);
            assertThat(scorer.score(LEADS, WEIGHTS)).containsExactly(2, 2, 2);
        }
    }

    @Test
    void theBatchExposesColumnsAndNoHostObject() {
        String body = """
                function scoreBatch(b) {
                  const own = Object.getOwnPropertyNames(b).sort().join(',');
                  if (own !== 'ageHours,keywords,matchInTitle,matchKeyword,matchStart,platform,platforms,published,size,source,sources,weights') {
                    throw new Error('own: ' + own);
                  }
                  for (const name of ['weights', 'matchStart', 'matchKeyword', 'matchInTitle', 'ageHours', 'published', 'source', 'platform']) {
                    const column = b[name];
                    // A Java array shows its elements, its length and clone() (a copy of it), nothing of its class.
                    const members = Object.keys(column).filter(k => !/^[0-9]+$/.test(k)).sort().join(',');
                    if (members !== 'clone,length' || typeof column.getClass !== 'undefined' || typeof column.clone().getClass !== 'undefined') {
                      throw new Error(name + ' shows its host object: ' + members);
                    }
                  }
                  if (typeof b.lead(0).getClass !== 'undefined' || Object.getPrototypeOf(b).constructor.name !== 'Batch') throw new Error('host visible');
                  return b.ageHours.map(() => 1);
                }
                """;
        try (CompiledScript s = rule("probe.js", body)) {
            assertThat(JsLeadScorer.strict(s, CLOCK).score(LEADS, WEIGHTS)).containsExactly(1, 1, 1);
        }
    }

    @Test
    void aRuleDefinesOneOfTheTwoContracts() {
        assertThatThrownBy(() -> rule("both.js", "function scoreBatch(b) { return []; }\nfunction score(leads, w) { return []; }"))
                .isInstanceOf(RuleException.class)
                .hasMessage("scripts/both.js: defines both scoreBatch and score; a lead-score rule defines one of them (scoreBatch gets the batch "
                        + "in columns, score one object per lead)");
        assertThatThrownBy(() -> rule("none.js", "function scoreLeads(b) { return []; }"))
                .isInstanceOf(RuleException.class)
                .hasMessage("scripts/none.js: defines no function scoreBatch; a lead-score rule must declare `function scoreBatch(batch) { ... }` "
                        + "at its top level (or the older `function score(leads, weights) { ... }`)");
    }

    @Test
    void theOlderContractScoresLikeTheDefault() {
        String older = """
                function score(leads, weights) {
                  return leads.map(l => l.keywords.reduce((s, k, j) => s + (weights[k] || 0) * (l.inTitle[j] ? 2 : 1), 0)
                      + Math.pow(0.5, l.ageHours / 72) + (l.source === 'hn-hiring' ? 0.5 : 0));
                }
                """;
        try (CompiledScript s = rule("older.js", older); CompiledScript bundled = runtime.compile(ScriptSource.bundled(RuleKind.LEAD_SCORE),
                RuleKind.LEAD_SCORE, LIMITS)) {
            assertThat(s.entryPoint()).isEqualTo("score");
            double[] a = JsLeadScorer.strict(s, CLOCK).score(LEADS, WEIGHTS);
            double[] b = JsLeadScorer.strict(bundled, CLOCK).score(LEADS, WEIGHTS);
            double[] java = new KeywordScorer(CLOCK).score(LEADS, WEIGHTS);
            for (int i = 0; i < LEADS.size(); i++) {
                assertThat(a[i]).as("lead %d", i).isCloseTo(java[i], within(1e-9));
                assertThat(b[i]).as("lead %d", i).isCloseTo(java[i], within(1e-9));
            }
        }
    }

    @Test
    void everyBatchOfOneScoreGetsTheLimitsAfresh() {
        // About 4,000 statements per call (two per turn of the loop): four batches together run past the limit, each alone stays below it.
        String body = """
                function scoreBatch(b) {
                  let x = 0;
                  for (let k = 0; k < 2000; k++) { x += k; }
                  return new Float64Array(b.size).fill(x > 0 ? 1 : 0);
                }
                """;
        List<Lead> eight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            eight.add(lead("hn-hiring", "Rust " + i, null, "rust"));
        }
        try (CompiledScript s = rule("steady.js", body, LIMITS.withStatementLimit(10_000))) {
            double[] scores = new JsLeadScorer(() -> s, CLOCK, 2, null, e -> {}).score(eight, WEIGHTS);
            assertThat(scores).containsOnly(1.0).hasSize(8);
        }
    }

    @Test
    void aBatchThatRunsAwayStopsTheScoreAndNamesTheLine() {
        String body = """
                function scoreBatch(b) {
                  if (b.lead(0).title === 'spin') {
                    for (;;) {}
                  }
                  return new Float64Array(b.size);
                }
                """;
        List<Lead> leads = List.of(lead("hn-hiring", "a", null), lead("hn-hiring", "b", null), lead("hn-hiring", "spin", null));
        try (CompiledScript s = rule("spin.js", body, LIMITS.withTimeLimit(Duration.ofMillis(100)))) {
            JsLeadScorer scorer = new JsLeadScorer(() -> s, CLOCK, 2, null, e -> {});
            assertThatThrownBy(() -> scorer.score(leads, WEIGHTS))
                    .isInstanceOf(RuleException.class)
                    .hasMessageStartingWith("scripts/spin.js:")
                    .hasMessageContaining("scoreBatch() was stopped");
            assertThat(scorer.score(leads.subList(0, 2), WEIGHTS)).containsExactly(0, 0);
        }
    }

    static List<Lead> many(int count) {
        List<Lead> leads = new ArrayList<>();
        String[] sources = {"hn-hiring", "remote-digest", "hn-hiring", "weworkremotely"};
        for (int i = 0; i < count; i++) {
            Instant published = i % 3 == 0 ? null : CLOCK.instant().minus(Duration.ofHours(i % 200));
            leads.add(lead(sources[i % sources.length], (i % 2 == 0 ? "Rust and Go " : "Senior ") + i, published,
                    i % 5 == 0 ? new String[] {"rust", "go", "cobol"} : new String[] {"rust"}));
        }
        return leads;
    }

    @Test
    void manyBatchesScoreLikeJava() {
        List<Lead> leads = many(1_003);
        try (CompiledScript bundled = runtime.compile(ScriptSource.bundled(RuleKind.LEAD_SCORE), RuleKind.LEAD_SCORE, LIMITS)) {
            double[] java = new KeywordScorer(CLOCK).score(leads, WEIGHTS);
            for (int batchSize : new int[] {1, 7, 250, 5_000}) {
                double[] js = new JsLeadScorer(() -> bundled, CLOCK, batchSize, null, e -> {}).score(leads, WEIGHTS);
                for (int i = 0; i < leads.size(); i++) {
                    assertThat(js[i]).as("batch size %d, lead %d", batchSize, i).isCloseTo(java[i], within(1e-9));
                }
            }
        }
    }

    @Test
    void aLeadThatCannotBeLaidOutFailsTheScoreWithItsOwnErrorAndTheScorerGoesOn() {
        List<Lead> good = many(600);
        List<Lead> broken = new java.util.AbstractList<>() {
            @Override
            public Lead get(int i) {
                if (i == 555) {
                    throw new IllegalArgumentException("lead 555 is broken");
                }
                return good.get(i);
            }

            @Override
            public int size() {
                return good.size();
            }
        };
        try (CompiledScript bundled = runtime.compile(ScriptSource.bundled(RuleKind.LEAD_SCORE), RuleKind.LEAD_SCORE, LIMITS)) {
            JsLeadScorer scorer = new JsLeadScorer(() -> bundled, CLOCK, 50, null, e -> {});
            assertThatThrownBy(() -> scorer.score(broken, WEIGHTS)).isInstanceOf(IllegalArgumentException.class).hasMessage("lead 555 is broken");
            double[] java = new KeywordScorer(CLOCK).score(good, WEIGHTS);
            assertThat(scorer.score(good, WEIGHTS)).containsExactly(java, within(1e-9));
        }
    }

    @Test
    void callersOnSeveralThreadsEachGetTheirOwnScores() throws Exception {
        try (CompiledScript bundled = runtime.compile(ScriptSource.bundled(RuleKind.LEAD_SCORE), RuleKind.LEAD_SCORE, LIMITS);
                var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            JsLeadScorer scorer = new JsLeadScorer(() -> bundled, CLOCK, 16, null, e -> {});
            List<java.util.concurrent.Future<Boolean>> checks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                List<Lead> leads = many(100 + 37 * t);
                Map<String, Double> weights = Map.of("rust", 1.0 + t, "go", 0.5, "cobol", 3.0);
                double[] java = new KeywordScorer(CLOCK).score(leads, weights);
                checks.add(pool.submit(() -> {
                    double[] js = scorer.score(leads, weights);
                    for (int i = 0; i < js.length; i++) {
                        if (Math.abs(js[i] - java[i]) > 1e-9) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (var check : checks) {
                assertThat(check.get()).isTrue();
            }
        }
    }
}
