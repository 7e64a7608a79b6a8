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
 * per call, each a {@link LeadBatch} laid out by a {@link BatchLayout} made for the call; all
 * batches of one {@link #score} are handed to the rule's thread at once. When the live rule
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
            log.error("{}", RuleException.then(e.getMessage(), leads.size() + " lead(s) scored by the built-in Java scorer instead"));
            onFailure.accept(e);
            return fallback.score(leads, weights);
        }
    }

    private double[] scoreWith(CompiledScript version, List<Lead> leads, Map<String, Double> weights) {
        double[] scores = new double[leads.size()];
        BatchLayout layout = new BatchLayout(weights, clock.instant());
        int batches = (leads.size() + batchSize - 1) / batchSize;
        // All batches in one hand-off to the rule's thread, each laid out there and scored in a call with its own limits.
        // A lead the layout fails on is not the rule's fault: that failure is thrown as it is.
        RuntimeException[] layoutFailure = {null};
        try {
            version.callEach(version.entryPoint() + "()", batches, (bound, k) -> {
                LeadBatch batch;
                try {
                    batch = layout.lay(leads, k * batchSize, Math.min(leads.size(), (k + 1) * batchSize));
                } catch (RuntimeException e) {
                    layoutFailure[0] = e;
                    throw e;
                }
                Binding b = binding(version, bound);
                Value error = b.score().execute(b.state(), batch);
                if (!error.isNull()) {
                    throw new RuleException(version.source().name() + ": " + error.asString());
                }
                System.arraycopy(batch.out, 0, scores, batch.from(), batch.n);
            });
        } catch (RuleException e) {
            if (layoutFailure[0] != null) {
                throw layoutFailure[0];
            }
            throw e;
        }
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
