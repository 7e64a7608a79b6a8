package io.flywheel.engine.rules;

import io.flywheel.engine.feedback.Dimension;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.lead.KeywordWeights;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One keyword update: read the feedback of the last {@code windows} windows, run
 * {@code keyword-weights.js}, validate, put the weights in force and record them with the
 * script's hash. {@link #propose} and {@link #apply} are separate so a caller can inspect or
 * guard a proposal (dry runs, caps, shadow rules) before applying it; {@link #update} does both.
 */
public final class KeywordWeightUpdater {
    private static final Logger log = LoggerFactory.getLogger(KeywordWeightUpdater.class);

    private final LiveRule live;
    private final RuleHistory history;
    private final KeywordWeights weights;
    private final RulesConfig config;
    private final Clock clock;
    private final RandomGenerator random;
    private final Consumer<RuleException> onFailure;

    /**
     * What a rule version would set.
     *
     * @param before the weights in force when it was computed
     * @param after the validated weights it returned, merged onto {@code before}
     * @param scriptHash SHA-256 of the version that computed it
     * @param stats what it saw
     */
    public record Proposal(Map<String, Double> before, Map<String, Double> after, String scriptName, String scriptHash, KeywordStats stats) {
        public Proposal {
            before = Map.copyOf(before);
            after = Map.copyOf(after);
        }
    }

    KeywordWeightUpdater(LiveRule live, RuleHistory history, KeywordWeights weights, RulesConfig config, Clock clock, RandomGenerator random,
            Consumer<RuleException> onFailure) {
        this.live = live;
        this.history = history;
        this.weights = weights;
        this.config = config;
        this.clock = clock;
        this.random = random;
        this.onFailure = onFailure;
    }

    /** What the live rule would set now. Throws {@link RuleException} when it fails or returns invalid weights. */
    public Proposal propose() {
        return live.apply(this::propose);
    }

    /** What {@code version} (live or a candidate) would set now; applies nothing. */
    public Proposal propose(CompiledScript version) {
        return propose(version, stats());
    }

    /** The feedback windows ending now, with a fresh seed: what an update now would see. */
    public KeywordStats stats() {
        return KeywordStats.collect((from, to) -> history.feedback().aggregate(Dimension.KEYWORD, from, to), weights.get().keySet(), clock.instant(),
                config.window(), config.windows(), random.nextLong());
    }

    /** What the live rule would set on {@code stats}. */
    public Proposal propose(KeywordStats stats) {
        return live.apply(v -> propose(v, stats));
    }

    /** What {@code version} would set on {@code stats} (so a live and a shadow rule see the same inputs, seed included). */
    public Proposal propose(CompiledScript version, KeywordStats stats) {
        Map<String, Double> before = weights.get();
        Map<String, Double> after = WeightRules.call(version, stats.json(), before, before.keySet());
        return new Proposal(before, after, version.source().name(), version.hash(), stats);
    }

    /** Puts {@code p} in force and records it in the weight history; returns what was recorded. */
    public WeightSet apply(Proposal p, String note) {
        WeightSet set = new WeightSet(clock.instant(), WeightSet.Kind.KEYWORD, p.after(), p.scriptHash(), note);
        history.weights().append(set);
        weights.set(p.after());
        return set;
    }

    /**
     * Proposes with the live rule and applies the result. On failure the weights in force stay,
     * the reason is logged and reported, and the result is empty.
     */
    public Optional<WeightSet> update() {
        try {
            Proposal p = propose();
            WeightSet set = apply(p, p.scriptName() + " update");
            log.info("Keyword weights updated by {} ({}): {}", p.scriptName(), p.scriptHash().substring(0, 12), changes(p));
            return Optional.of(set);
        } catch (RuleException e) {
            log.error("{}", e.getMessage());
            onFailure.accept(e);
            return Optional.empty();
        }
    }

    private static String changes(Proposal p) {
        StringBuilder b = new StringBuilder();
        p.after().forEach((k, v) -> {
            double was = p.before().getOrDefault(k, 0.0);
            if (Math.abs(v - was) > 1e-9) {
                b.append(b.isEmpty() ? "" : ", ").append(k).append(String.format(java.util.Locale.ROOT, " %.3f->%.3f", was, v));
            }
        });
        return b.isEmpty() ? "no change" : b.toString();
    }
}
