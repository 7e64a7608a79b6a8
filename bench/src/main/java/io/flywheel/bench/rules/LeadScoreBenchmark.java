package io.flywheel.bench.rules;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.lead.KeywordScorer;
import io.flywheel.engine.lead.LeadScorer;
import io.flywheel.engine.rules.CompiledScript;
import io.flywheel.engine.rules.JsLeadScorer;
import io.flywheel.engine.rules.JsRuntime;
import io.flywheel.engine.rules.BatchLayout;
import io.flywheel.engine.rules.RuleKind;
import io.flywheel.engine.rules.RuleLimits;
import io.flywheel.engine.rules.ScriptSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One operation scores all 100,000 leads with the keyword weights: {@code js} with the bundled
 * lead-score.js as the pipeline runs it (batches of 250 laid out from the leads, the sandbox, the
 * statement and allocation limits, the watchdog; only the time limit is raised), {@code java} with
 * {@link KeywordScorer}, the same logic written in Java. For the breakdown: {@code js-per-lead}
 * is the previous default, written to the older {@code score(leads, weights)} contract (one
 * object per lead), {@code js-empty} a rule that returns zeros: what laying out the batches,
 * handing them over and checking the result cost without any scoring, and {@code layout} the
 * Java side alone: laying the leads out in batches of 250 (lower-casing titles, the whole-word
 * title test, keyword ids), no JavaScript.
 */
@State(Scope.Benchmark)
public class LeadScoreBenchmark {
    static final int LEADS = 100_000;

    static final String EMPTY_RULE = "function scoreBatch(batch) { return new Float64Array(batch.size); }\n";

    @Param({"java", "js", "js-per-lead", "js-empty", "layout"})
    public String scorer;

    List<Lead> leads;
    Map<String, Double> weights;
    LeadScorer impl;
    JsRuntime runtime;
    CompiledScript script;

    @Setup(Level.Trial)
    public void setUp() {
        leads = Leads.generate(Path.of(System.getProperty("flywheel.repo", ".")), LEADS, 1);
        weights = Leads.weights();
        if (scorer.startsWith("js")) {
            runtime = JsRuntime.start();
        }
        impl = scorer(scorer, runtime, c -> script = c);
    }

    /** The scorer named {@code name} as this benchmark measures it; a JavaScript one is compiled in {@code runtime} and handed to {@code compiled}. */
    static LeadScorer scorer(String name, JsRuntime runtime, Consumer<CompiledScript> compiled) {
        Clock clock = Clock.fixed(Leads.NOW, ZoneOffset.UTC);
        if (name.startsWith("js")) {
            ScriptSource source = switch (name) {
                case "js" -> ScriptSource.bundled(RuleKind.LEAD_SCORE);
                case "js-per-lead" -> new ScriptSource("lead-score-per-lead.js", null, resource("rules/lead-score-per-lead.js"));
                case "js-empty" -> new ScriptSource("empty.js", null, EMPTY_RULE);
                default -> throw new IllegalArgumentException("scorer: unknown '" + name + "'");
            };
            // The default limits except time: a cold call on a busy machine can exceed 200 ms, which would end the run
            // instead of measuring it (Flywheel falls back to the Java scorer for such a batch).
            CompiledScript script = runtime.compile(source, RuleKind.LEAD_SCORE, RuleLimits.DEFAULT.withTimeLimit(Duration.ofSeconds(10)));
            compiled.accept(script);
            return new JsLeadScorer(() -> script, clock, JsLeadScorer.DEFAULT_BATCH, null, e -> {});
        }
        return switch (name) {
            case "layout" -> (all, w) -> {
                BatchLayout layout = new BatchLayout(w, Leads.NOW);
                double[] sink = new double[1];
                for (int from = 0; from < all.size(); from += JsLeadScorer.DEFAULT_BATCH) {
                    sink[0] += layout.lay(all, from, Math.min(all.size(), from + JsLeadScorer.DEFAULT_BATCH)).matches;
                }
                return sink;
            };
            case "java" -> new KeywordScorer(clock, Map.of("hn-hiring", 0.5));
            default -> throw new IllegalArgumentException("scorer: unknown '" + name + "'");
        };
    }

    static String resource(String name) {
        try (var in = LeadScoreBenchmark.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /**
     * CPU time of the whole process while scoring, reported beside the throughput: what a lead
     * costs whatever runs on which thread (the rule runs on its own thread while the caller waits;
     * the JIT compilers' background threads count too, which is why the warm-up is long).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Cpu {
        /** Summed over the measured iterations, like {@link #leads}: their ratio is CPU nanoseconds per lead. */
        public long cpuNanos;
        public long leads;

        @Setup(Level.Iteration)
        public void clear() {
            cpuNanos = 0;
            leads = 0;
        }
    }

    @Benchmark
    public double[] scoreAll(Cpu cpu) {
        long before = PROCESS.getProcessCpuTime();
        double[] scores = impl.score(leads, weights);
        cpu.cpuNanos += PROCESS.getProcessCpuTime() - before;
        cpu.leads += leads.size();
        return scores;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (script != null) {
            script.close();
            runtime.close();
        }
    }
}
