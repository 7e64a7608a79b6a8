package io.flywheel.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.lead.Lead;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.ExtendWith;

/** Whatever a script does, the call fails with a message naming the script and line, and the next call works. */
@ExtendWith(SharedJsRuntime.class)
class SandboxTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    /** Generous, so a loaded build machine cannot fail a call that should pass; the runaway tests set their own. */
    static final RuleLimits LIMITS = RuleLimits.DEFAULT.withTimeLimit(Duration.ofSeconds(2)).withStatementLimit(5_000_000);
    static JsRuntime runtime;

    @BeforeAll
    static void start(JsRuntime shared) {
        runtime = shared;
    }

    static CompiledScript weights(String body) {
        return weights(body, LIMITS);
    }

    static CompiledScript weights(String body, RuleLimits limits) {
        return runtime.compile(new ScriptSource("scripts/test.js", null, body), RuleKind.KEYWORD_WEIGHTS, limits);
    }

    /** Calls a keyword rule with seed 1, which trips the probes below; returns the merged weights. */
    static Map<String, Double> call(CompiledScript s) {
        return call(s, 1);
    }

    static Map<String, Double> call(CompiledScript s, int seed) {
        return WeightRules.call(s, "{\"keywords\":{},\"seed\":" + seed + "}", Map.of("java", 1.0, "rust", 2.0), Set.of("java", "rust"));
    }

    /** A keyword rule that runs {@code expression} when called with seed 1, and otherwise returns the weights it got. */
    static String probe(String expression) {
        return """
                const unused = 0;
                function updateKeywordWeights(stats, current) {
                  if (stats.seed !== 1) return current;
                  %s
                  return current;
                }
                """.formatted(expression);
    }

    @Test
    void runsOnTheOptimizingRuntimeInTheBuild() {
        assertThat(runtime.optimized()).as("the tests run with the Graal compiler on the upgrade module path (engine pom)").isTrue();
        assertThat(runtime.describe()).startsWith("optimized");
    }

    @Test
    void syntaxErrorNamesScriptAndLine() {
        assertThatThrownBy(() -> weights("function updateKeywordWeights(s, c) {\n  return c;\n  let x = ;\n}"))
                .isInstanceOf(RuleException.class)
                .hasMessageStartingWith("scripts/test.js:3: syntax error");
    }

    @Test
    void scriptWithoutTheRuleFunctionIsRejected() {
        assertThatThrownBy(() -> weights("function updateWeights(s, c) { return c; }"))
                .hasMessageContaining("scripts/test.js: defines no function updateKeywordWeights");
    }

    @Test
    void throwingTopLevelIsALoadError() {
        assertThatThrownBy(() -> weights("const x = 1;\nthrow new Error('not today');\nfunction updateKeywordWeights(s, c) { return c; }"))
                .hasMessageStartingWith("scripts/test.js:2: loading threw Error: not today");
    }

    @Test
    void throwNamesTheLineAndTheNextCallWorks() {
        try (CompiledScript s = weights(probe("\n\n  throw new TypeError('boom');"))) {
            assertThatThrownBy(() -> call(s)).isInstanceOf(RuleException.class)
                    .hasMessage("scripts/test.js:6: updateKeywordWeights() threw TypeError: boom");
            assertThat(call(s, 2)).containsEntry("rust", 2.0);
        }
    }

    @Test
    void infiniteLoopIsStoppedByTheStatementLimitAndTheContextIsRebuilt() {
        try (CompiledScript s = weights(probe("while (true) {}"), LIMITS.withStatementLimit(200_000).withTimeLimit(Duration.ofSeconds(10)))) {
            assertThatThrownBy(() -> call(s)).hasMessageStartingWith("scripts/test.js")
                    .hasMessageContaining("was stopped: it ran more than 200,000 statements");
            assertThat(call(s, 2)).containsEntry("java", 1.0);
        }
    }

    @Test
    void runawayCallIsStoppedByTheTimeLimitAndTheContextStaysUsable() {
        try (CompiledScript s = weights(probe("for (;;) {}"), LIMITS.withStatementLimit(Long.MAX_VALUE).withTimeLimit(Duration.ofMillis(300)))) {
            long start = System.nanoTime();
            // The line is wherever the interrupt lands inside the loop's function, which depends on the JIT.
            assertThatThrownBy(() -> call(s)).hasMessageMatching("scripts/test\\.js:\\d+: updateKeywordWeights\\(\\) was stopped: it ran longer than its time limit of 300 ms.*");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(call(s, 2)).containsEntry("java", 1.0);
        }
    }

    @Test
    void deepRecursionIsAnErrorNotACrash() {
        try (CompiledScript s = weights("function down(n) { return down(n + 1) + 1; }\n"
                + "function updateKeywordWeights(st, c) { if (st.seed === 1) down(0); return c; }")) {
            assertThatThrownBy(() -> call(s)).hasMessageStartingWith("scripts/test.js:1: updateKeywordWeights() threw RangeError: Maximum call stack size exceeded");
            assertThat(call(s, 2)).containsEntry("java", 1.0);
        }
    }

    @Test
    void hugeAllocationIsStoppedAndTheProcessLivesOn() {
        try (CompiledScript s = weights(probe("const a = new Array(1e9).fill(0); current.java = a.length;"),
                LIMITS.withStatementLimit(Long.MAX_VALUE).withTimeLimit(Duration.ofSeconds(5)).withAllocationLimit(64L << 20))) {
            assertThatThrownBy(() -> call(s)).hasMessageStartingWith("scripts/test.js")
                    .message().containsAnyOf("allocated more than 64 MB", "ran out of resources", "time limit");
            assertThat(call(s, 2)).containsEntry("java", 1.0);
        }
    }

    @Test
    void growingAllocationIsStoppedByTheAllocationBudget() {
        try (CompiledScript s = weights(probe("const keep = []; for (let i = 0; ; i++) keep.push({ i, s: 'x' + i });"),
                LIMITS.withStatementLimit(Long.MAX_VALUE).withTimeLimit(Duration.ofSeconds(20)).withAllocationLimit(32L << 20))) {
            assertThatThrownBy(() -> call(s)).hasMessageContaining("allocated more than 32 MB in one call");
            assertThat(call(s, 2)).containsEntry("java", 1.0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Java.type('java.lang.System').exit(1)                  | ReferenceError: Java is not defined",
        "java.lang.System.exit(1)                               | ReferenceError: java is not defined",
        "Packages.java.io.File                                  | ReferenceError: Packages is not defined",
        "load('/etc/passwd')                                    | ReferenceError: load is not defined",
        "require('fs').readFileSync('/etc/passwd')              | ReferenceError: require is not defined",
        "process.exit(1)                                        | ReferenceError: process is not defined",
        "Polyglot.eval('js', '1')                               | ReferenceError: Polyglot is not defined",
        "Graal.versionJS.length                                 | ReferenceError: Graal is not defined",
        "quit()                                                 | ReferenceError: quit is not defined",
        "new Worker('x.js')                                     | ReferenceError: Worker is not defined",
        "fetch('https://example.org')                           | ReferenceError: fetch is not defined",
        "Object.getPrototypeOf(current).constructor.constructor('return Java')().type('java.lang.Runtime') | ReferenceError: Java is not defined",
    })
    void everyWayOutIsClosed(String attempt, String error) {
        try (CompiledScript s = weights(probe(attempt + ";"))) {
            assertThatThrownBy(() -> call(s)).hasMessage("scripts/test.js:4: updateKeywordWeights() threw " + error);
        }
    }

    @Test
    void dynamicImportOfAFileIsRefused() {
        String body = "let seen = 'pending';\nimport('/etc/passwd').then(() => { seen = 'read'; }, e => { seen = String(e); });\n"
                + "function updateKeywordWeights(s, c) { throw new Error(seen); }";
        try (CompiledScript s = weights(body)) {
            assertThatThrownBy(() -> call(s)).message().doesNotContain("read").containsAnyOf("not allowed", "pending", "Error");
        }
    }

    @Test
    void leadObjectsExposeOnlyTheirFields() {
        String body = """
                function score(leads, weights) {
                  const lead = leads[0];
                  const own = Object.getOwnPropertyNames(lead).sort().join(',');
                  if (own !== 'ageHours,inTitle,keywords,platform,source') throw new Error('own: ' + own);
                  if (typeof lead.getClass !== 'undefined') throw new Error('host methods visible');
                  if (Object.isFrozen(weights) !== true) throw new Error('weights writable');
                  return leads.map(l => l.title.length);
                }
                """;
        try (CompiledScript s = runtime.compile(new ScriptSource("scripts/probe.js", null, body), RuleKind.LEAD_SCORE, LIMITS)) {
            double[] scores = JsLeadScorer.strict(s, CLOCK).score(List.of(lead("Senior Java engineer", "java")), Map.of("java", 1.0));
            assertThat(scores).containsExactly(20.0);
        }
    }

    @Test
    void scoresThatAreNotFiniteNumbersAreRejectedNamingTheLead() {
        String body = "function score(leads, weights) { return leads.map((l, i) => i === 1 ? NaN : 1); }";
        try (CompiledScript s = runtime.compile(new ScriptSource("scripts/nan.js", null, body), RuleKind.LEAD_SCORE, LIMITS)) {
            assertThatThrownBy(() -> JsLeadScorer.strict(s, CLOCK).score(List.of(lead("a", "java"), lead("Rust role", "rust")), Map.of("java", 1.0)))
                    .hasMessage("scripts/nan.js: score() returned NaN for lead 1 (\"Rust role\"); every score must be a finite number");
        }
    }

    @Test
    void scoreCountMustMatchTheBatch() {
        String body = "function score(leads, weights) { return [1]; }";
        try (CompiledScript s = runtime.compile(new ScriptSource("scripts/short.js", null, body), RuleKind.LEAD_SCORE, LIMITS)) {
            assertThatThrownBy(() -> JsLeadScorer.strict(s, CLOCK).score(List.of(lead("a", "java"), lead("b", "java")), Map.of("java", 1.0)))
                    .hasMessage("scripts/short.js: score() returned 1 score(s) for 2 lead(s)");
        }
    }

    @Test
    void resultSizeIsBounded() {
        RuleLimits fifty = new RuleLimits(LIMITS.timeLimit(), LIMITS.statementLimit(), LIMITS.allocationLimitBytes(), 50, 20);
        try (CompiledScript s = weights(probe("for (let i = 0; i < 100; i++) current['k' + i] = 1; return current;"), fifty)) {
            assertThatThrownBy(() -> call(s)).hasMessage("scripts/test.js: updateKeywordWeights() returned 102 weights; at most 50 are accepted; the weights in force are kept");
        }
    }

    @Test
    void chattyScriptIsBoundedAndStillWorks() {
        try (CompiledScript s = weights(probe("for (let i = 0; i < 2000; i++) console.log('line ' + i);"))) {
            assertThat(call(s, 2)).containsEntry("java", 1.0);
        }
    }

    @Test
    void contextIsReusedAcrossCalls() {
        try (CompiledScript s = weights("let calls = 0;\nfunction updateKeywordWeights(st, c) { calls++; return { java: calls }; }")) {
            double first = call(s, 2).get("java");
            assertThat(call(s, 2)).containsEntry("java", first + 1);
        }
    }

    static Lead lead(String title, String... keywords) {
        Instant t = CLOCK.instant();
        return new Lead("https://example.org/" + title.hashCode(), "hn-hiring", "hackernews", title, "https://example.org/" + title.hashCode(),
                "body", null, null, null, t, t, List.of(keywords), 0);
    }
}
