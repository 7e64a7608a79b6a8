package io.flywheel.engine.rules;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.lead.LeadScorer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.graalvm.polyglot.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores leads with a {@code lead-score.js} version: batches of up to {@code batchSize} leads
 * per call, the keyword weights converted once per weight set and reused. When the live rule
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
    private volatile Cached cached;

    private record Cached(CompiledScript script, int generation, Map<String, Double> weights, Value value) {}

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
        Instant now = clock.instant();
        for (int from = 0; from < leads.size(); from += batchSize) {
            int to = Math.min(leads.size(), from + batchSize);
            LeadBatch batch = LeadBatch.of(leads, from, to, now);
            String error = version.call("score()", bound -> {
                Value result = bound.fn("score").execute(batch, weightsValue(version, bound, weights));
                return result.isNull() ? null : result.asString();
            });
            if (error != null) {
                throw new RuleException(version.source().name() + ": " + error);
            }
            System.arraycopy(batch.out, 0, scores, from, to - from);
        }
        return scores;
    }

    /** The weights as a frozen JavaScript object, made once per weight set and context. */
    private Value weightsValue(CompiledScript version, CompiledScript.Bound bound, Map<String, Double> weights) {
        Cached c = cached;
        if (c != null && c.script() == version && c.generation() == bound.generation() && c.weights() == weights) {
            return c.value();
        }
        String[] keys = new String[weights.size()];
        double[] values = new double[weights.size()];
        int i = 0;
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            keys[i] = e.getKey();
            values[i++] = e.getValue();
        }
        Value value = bound.fn("weights").execute(keys, values);
        cached = new Cached(version, bound.generation(), weights, value);
        return value;
    }
}
