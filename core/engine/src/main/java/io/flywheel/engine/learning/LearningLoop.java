package io.flywheel.engine.learning;

import io.flywheel.engine.config.Settings;
import io.flywheel.engine.feedback.WeightHistory;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.rules.KeywordStats;
import io.flywheel.engine.rules.KeywordWeightUpdater;
import io.flywheel.engine.rules.RuleException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One keyword learning step, on the schedule {@code learning.every} inside {@code flywheel run}
 * and on demand ({@code /rules update}, {@code flywheel rules update}): read the feedback windows,
 * check the guardrails (frozen: nothing; too little feedback: nothing, with the reason), run the
 * live keyword rule, clamp each move to {@code learning.max-change}, apply and record the weights
 * with what the rule saw and what was clamped. A shadow rule, when configured, runs on the same
 * inputs and its clamped weights are stored as {@link WeightSet.Kind#KEYWORD_SHADOW}, never applied.
 */
public final class LearningLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LearningLoop.class);

    private final KeywordWeightUpdater updater;
    private final Settings.Learning settings;
    private final FreezeSwitch freeze;
    private final ShadowRule shadow;
    private final WeightHistory history;
    private final Clock clock;

    /** What one update did. */
    public record Update(Outcome outcome, String message, Optional<WeightSet> applied, Optional<WeightSet> shadow) {}

    public enum Outcome { APPLIED, FROZEN, TOO_LITTLE_FEEDBACK, FAILED }

    /**
     * @param shadow the candidate rule, or {@code null} without {@code learning.shadow}
     */
    public LearningLoop(KeywordWeightUpdater updater, Settings.Learning settings, FreezeSwitch freeze, ShadowRule shadow, WeightHistory history,
            Clock clock) {
        this.updater = updater;
        this.settings = settings;
        this.freeze = freeze;
        this.shadow = shadow;
        this.history = history;
        this.clock = clock;
    }

    public Settings.Learning settings() {
        return settings;
    }

    public FreezeSwitch freeze() {
        return freeze;
    }

    public Optional<ShadowRule> shadow() {
        return Optional.ofNullable(shadow);
    }

    /**
     * Runs one update now.
     *
     * @param trigger what asked for it ({@code scheduled}, {@code /rules update by 123}, {@code cli}), recorded in the note
     */
    public synchronized Update update(String trigger) {
        Optional<Skip> frozen = frozen(freeze);
        if (frozen.isPresent()) {
            return skipped(frozen.get());
        }
        KeywordStats stats = updater.stats();
        Feedback seen = Feedback.of(stats);
        Optional<Skip> tooLittle = tooLittleFeedback(settings, seen);
        if (tooLittle.isPresent()) {
            return skipped(tooLittle.get());
        }
        Optional<WeightSet> shadowSet = runShadow(stats, seen, trigger);
        try {
            KeywordWeightUpdater.Proposal p = updater.propose(stats);
            Guardrails.Clamp c = Guardrails.clampEach(p.before(), p.after(), settings.maxChange());
            KeywordWeightUpdater.Proposal guarded = new KeywordWeightUpdater.Proposal(p.before(), c.weights(), p.scriptName(), p.scriptHash(), p.stats());
            WeightSet set = updater.apply(guarded, note(p.scriptName(), trigger, seen, c));
            String m = "Keyword weights updated by " + p.scriptName() + " (" + p.scriptHash().substring(0, 12) + "): " + changes(p.before(), c.weights())
                    + (c.clamped().isEmpty() ? "" : "; clamped to " + c.summary());
            log.info("{}", m);
            return new Update(Outcome.APPLIED, m, Optional.of(set), shadowSet);
        } catch (RuleException e) {
            String m = "Keyword update failed; the weights in force stay: " + e.getMessage();
            log.error("{}", m);
            return new Update(Outcome.FAILED, m, Optional.empty(), shadowSet);
        }
    }

    /** Why an update would apply nothing: {@code outcome} is {@link Outcome#FROZEN} or {@link Outcome#TOO_LITTLE_FEEDBACK}. */
    public record Skip(Outcome outcome, String reason) {}

    /**
     * The guardrails checked before the rule runs, shared by an update and {@code rules test}: learning frozen, or
     * less feedback in the windows than {@code learning.min-feedback}. Empty when an update would run the rule.
     *
     * @param stats the feedback windows an update would see; not collected when learning is frozen
     */
    public static Optional<Skip> skip(FreezeSwitch freeze, Settings.Learning settings, Supplier<KeywordStats> stats) {
        return frozen(freeze).or(() -> tooLittleFeedback(settings, Feedback.of(stats.get())));
    }

    private static Optional<Skip> frozen(FreezeSwitch freeze) {
        FreezeSwitch.State frozen = freeze.state();
        return frozen.frozen() ? Optional.of(new Skip(Outcome.FROZEN, "learning is frozen (" + frozen.reason() + ")")) : Optional.empty();
    }

    private static Optional<Skip> tooLittleFeedback(Settings.Learning settings, Feedback seen) {
        return seen.total() < settings.minFeedback()
                ? Optional.of(new Skip(Outcome.TOO_LITTLE_FEEDBACK, "too little feedback (" + seen + "; learning.min-feedback is " + settings.minFeedback() + ")"))
                : Optional.empty();
    }

    private static Update skipped(Skip skip) {
        String m = "Keyword update skipped: " + skip.reason();
        log.info("{}", m);
        return new Update(skip.outcome(), m, Optional.empty(), Optional.empty());
    }

    private Optional<WeightSet> runShadow(KeywordStats stats, Feedback seen, String trigger) {
        if (shadow == null) {
            return Optional.empty();
        }
        try {
            KeywordWeightUpdater.Proposal p = updater.propose(shadow.current(), stats);
            Guardrails.Clamp c = Guardrails.clampEach(p.before(), p.after(), settings.maxChange());
            WeightSet set = new WeightSet(clock.instant(), WeightSet.Kind.KEYWORD_SHADOW, c.weights(), p.scriptHash(),
                    "shadow " + note(p.scriptName(), trigger, seen, c));
            history.append(set);
            log.debug("Shadow rule {} would set: {}", p.scriptName(), changes(p.before(), c.weights()));
            return Optional.of(set);
        } catch (RuleException e) {
            log.warn("Shadow rule {}: {}", shadow.name(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The note stored with the weights: what triggered the update, what it saw and what the guardrails did. */
    private String note(String script, String trigger, Feedback seen, Guardrails.Clamp c) {
        return script + " update (" + trigger + "); saw " + seen + " (min-feedback " + settings.minFeedback() + ")"
                + (c.clamped().isEmpty() ? "; no clamp" : "; clamped to ±" + fmt(c.cap()) + " (learning.max-change " + settings.maxChange() + "): "
                        + String.join(", ", c.clamped()));
    }

    /** The feedback the keyword rule's windows hold, summed over configured keywords (a lead with two keywords counts for each). */
    record Feedback(long posts, long engagements, long rejections, int windows, String window) {
        static Feedback of(KeywordStats stats) {
            long posts = 0;
            long engagements = 0;
            long rejections = 0;
            for (KeywordStats.Counts c : stats.totals().values()) {
                posts += c.posts();
                engagements += c.engagements();
                rejections += c.rejections();
            }
            return new Feedback(posts, engagements, rejections, stats.windows(), io.flywheel.engine.config.Durations.format(stats.window()));
        }

        long total() {
            return posts + engagements + rejections;
        }

        @Override
        public String toString() {
            return posts + " posts, " + engagements + " engagements, " + rejections + " rejections over " + windows + "x" + window;
        }
    }

    static String changes(Map<String, Double> before, Map<String, Double> after) {
        StringBuilder b = new StringBuilder();
        after.forEach((k, v) -> {
            double was = before.getOrDefault(k, 0.0);
            if (Math.abs(v - was) > 1e-9) {
                b.append(b.isEmpty() ? "" : ", ").append(k).append(' ').append(fmt(was)).append("->").append(fmt(v));
            }
        });
        return b.isEmpty() ? "no change" : b.toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    @Override
    public void close() {
        if (shadow != null) {
            shadow.close();
        }
    }
}
