package io.flywheel.engine.rules;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.lead.LeadScorer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.graalvm.polyglot.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores leads with a {@code lead-score.js} version: batches of up to {@code batchSize} leads
 * per call, each a {@link LeadBatch}; all batches of one {@link #score} are handed to the rule's
 * thread at once, and the calling thread lays out the next batches while the rule scores the
 * ones before (a {@link BatchLayout} per call). When the live rule
 * fails on a batch, that batch is scored by the built-in Java scorer and the failure is reported,
 * so leads keep flowing while the operator fixes the script.
 */
public final class JsLeadScorer implements LeadScorer {
    private static final Logger log = LoggerFactory.getLogger(JsLeadScorer.class);
    public static final int DEFAULT_BATCH = 250;

    private final Supplier<CompiledScript> script;
    private final Clock clock;
    private final int batchSize;
    private final LeadScorer fallback;
    private final Consumer<RuleException> onFailure;
    private volatile Binding binding;

    /** Used only on {@code script}'s own thread, inside its calls. */
    private record Binding(CompiledScript script, int generation, Value state, Value score) {}

    /**
     * @param script the version in force, read once per {@link #score} call
     * @param fallback scores a batch the rule failed on; {@code null} to throw instead
     * @param onFailure told about every failure that fell back
     */
    public JsLeadScorer(Supplier<CompiledScript> script, Clock clock, int batchSize, LeadScorer fallback, Consumer<RuleException> onFailure) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, found " + batchSize);
        }
        this.script = script;
        this.clock = clock;
        this.batchSize = batchSize;
        this.fallback = fallback;
        this.onFailure = onFailure;
    }

    /** A scorer for exactly {@code version} that throws {@link RuleException} on any failure (replay, dry runs). */
    public static JsLeadScorer strict(CompiledScript version, Clock clock) {
        return new JsLeadScorer(() -> version, clock, DEFAULT_BATCH, null, e -> {});
    }

    @Override
    public double[] score(List<Lead> leads, Map<String, Double> weights) {
        if (leads.isEmpty()) {
            return new double[0];
        }
        CompiledScript version = script.get();
        try {
            try {
                return scoreWith(version, leads, weights);
            } catch (RuleException e) {
                CompiledScript now = script.get();
                if (now == version || !version.isClosed()) {
                    throw e;
                }
                return scoreWith(now, leads, weights); // a reload replaced the version mid-call
            }
        } catch (RuleException e) {
            if (fallback == null) {
                throw e;
            }
            log.error("{}; {} lead(s) scored by the built-in Java scorer instead", e.getMessage(), leads.size());
            onFailure.accept(e);
            return fallback.score(leads, weights);
        }
    }

    private double[] scoreWith(CompiledScript version, List<Lead> leads, Map<String, Double> weights) {
        double[] scores = new double[leads.size()];
        BatchLayout layout = new BatchLayout(weights, clock.instant());
        int batches = (leads.size() + batchSize - 1) / batchSize;
        // All batches in one hand-off to the rule's thread, each a call with its own limits; this thread lays out
        // the next batches while the rule scores the ones before.
        version.callEach(version.entryPoint() + "()", batches,
                k -> layout.lay(leads, k * batchSize, Math.min(leads.size(), (k + 1) * batchSize)),
                (bound, batch) -> {
                    Binding b = binding(version, bound);
                    Value error = b.score().execute(b.state(), batch);
                    if (!error.isNull()) {
                        throw new RuleException(version.source().name() + ": " + error.asString());
                    }
                    System.arraycopy(batch.out, 0, scores, batch.from(), batch.n);
                });
        return scores;
    }

    /** The harness state in the version's current context, made once and reused. */
    private Binding binding(CompiledScript version, CompiledScript.Bound bound) {
        Binding b = binding;
        if (b != null && b.script() == version && b.generation() == bound.generation()) {
            return b;
        }
        b = new Binding(version, bound.generation(), bound.fn("bind").execute(), bound.fn("score"));
        binding = b;
        return b;
    }
}
