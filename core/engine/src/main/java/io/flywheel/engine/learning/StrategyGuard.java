package io.flywheel.engine.learning;

import io.flywheel.engine.rules.StrategyWeightRule;
import io.flywheel.engine.trading.Allocator;
import java.util.List;
import java.util.Map;

/**
 * The learning guardrails around the strategy-weights rule the paper book calls each period:
 * frozen or with fewer than {@code min-feedback} per-strategy period returns seen, the weights in
 * force stay; otherwise the rule's weights (normalized and floored as the allocator does) are
 * approached by one common factor so no weight moves more than {@code max-change} x the mean
 * weight. {@link #lastNote()} says which applied; the paper trader records it with the weights.
 *
 * <p>The paper book is rebuilt from bars at every start, so the freeze in force at start applies
 * to the whole replayed history.
 */
public final class StrategyGuard implements StrategyWeightRule {
    private final StrategyWeightRule rule;
    private final FreezeSwitch freeze;
    private final double maxChange;
    private final int minFeedback;
    private final double minWeight;
    private long seen;
    private String note = "";

    public StrategyGuard(StrategyWeightRule rule, FreezeSwitch freeze, double maxChange, int minFeedback, double minWeight) {
        this.rule = rule;
        this.freeze = freeze;
        this.maxChange = maxChange;
        this.minFeedback = minFeedback;
        this.minWeight = minWeight;
    }

    @Override
    public Map<String, Double> update(Map<String, List<Double>> periodReturns, Map<String, Double> current) {
        return update(periodReturns, current, Map.of());
    }

    @Override
    public synchronized Map<String, Double> update(Map<String, List<Double>> periodReturns, Map<String, Double> current, Map<String, List<Double>> history) {
        seen += periodReturns.values().stream().mapToLong(List::size).sum();
        note = "";
        if (freeze.frozen()) {
            note = "frozen: weights kept (" + freeze.state().reason() + ")";
            return current;
        }
        if (seen < minFeedback) {
            note = "too little feedback: " + seen + " period return(s) seen, learning.min-feedback is " + minFeedback + "; weights kept";
            return current;
        }
        Map<String, Double> proposed = rule.update(periodReturns, current, history);
        Map<String, Double> target = floored(proposed, current);
        if (target == null) {
            return proposed; // not valid weights: the allocator rejects them with the reason
        }
        Guardrails.Clamp c = Guardrails.scaleTogether(current, target, maxChange);
        if (!c.clamped().isEmpty()) {
            note = "clamped (learning.max-change " + maxChange + "): " + c.clamped().getFirst();
        }
        return c.weights();
    }

    @Override
    public synchronized String lastNote() {
        return note;
    }

    /** What the allocator would make of {@code proposed}: normalized, floored at min-weight; {@code null} when it would reject it. */
    private Map<String, Double> floored(Map<String, Double> proposed, Map<String, Double> current) {
        try {
            return Allocator.normalize(proposed, current.keySet(), minWeight, "the rule's weights");
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
