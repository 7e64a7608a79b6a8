package io.flywheel.engine.trading;

import io.flywheel.engine.rules.StrategyWeightRule;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The capital weights in force and how they change: once per period the rule turns each
 * strategy's return into new weights, which are checked, normalized to sum to 1 and floored at
 * {@code minWeight} so every strategy keeps trading a little and its return stays measurable.
 * The floor is exact (a floored weight is {@code minWeight}, the others share the rest in the
 * rule's proportions), so weights already in force come back unchanged. A rule that keeps the
 * weights, fails or answers nonsense leaves the weights as they were.
 */
public final class Allocator {
    private final StrategyWeightRule rule;
    private final double minWeight;
    private Map<String, Double> weights;
    /** Per strategy, its last period returns, for the rule's {@code history}. */
    private final ReturnHistory history = new ReturnHistory();
    private String lastError;

    Allocator(StrategyWeightRule rule, Map<String, Double> initial, double minWeight) {
        if (initial.isEmpty()) {
            throw new IllegalArgumentException("no strategies to allocate to");
        }
        if (!(minWeight >= 0) || minWeight * initial.size() > 1) {
            throw new IllegalArgumentException("min-weight " + minWeight + " is impossible for " + initial.size() + " strategies (at most " + 1.0 / initial.size() + ")");
        }
        this.rule = rule;
        this.minWeight = minWeight;
        this.weights = normalize(initial, "initial weights");
    }

    static Map<String, Double> equal(Iterable<String> ids) {
        Map<String, Double> w = new LinkedHashMap<>();
        ids.forEach(id -> w.put(id, 1.0));
        return w;
    }

    Map<String, Double> weights() {
        return weights;
    }

    /** Why the last update kept the old weights, or {@code null}. */
    String lastError() {
        return lastError;
    }

    Map<String, Double> update(Map<String, Double> periodReturns) {
        Map<String, List<Double>> returns = new LinkedHashMap<>();
        Map<String, List<Double>> record = new LinkedHashMap<>();
        for (String id : weights.keySet()) {
            double r = periodReturns.getOrDefault(id, 0.0);
            returns.put(id, List.of(r));
            record.put(id, history.add(id, r));
        }
        lastError = null;
        try {
            Map<String, Double> proposed = rule.update(Collections.unmodifiableMap(returns), weights,
                    Collections.unmodifiableMap(record));
            // A rule (or a frozen guard) that keeps the weights moves no capital.
            if (!weights.equals(proposed)) {
                weights = normalize(proposed, "the rule's weights");
            }
        } catch (RuntimeException e) {
            lastError = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        return weights;
    }

    private Map<String, Double> normalize(Map<String, Double> proposed, String what) {
        return normalize(proposed, weights == null ? proposed.keySet() : weights.keySet(), minWeight, what);
    }

    /**
     * {@code proposed} for the strategies {@code ids}, as the allocator puts weights in force:
     * normalized to sum to 1 and floored at {@code minWeight} (floored weights are exactly
     * {@code minWeight}, the rest scaled to fill the remainder; applying it twice changes nothing).
     * Throws {@link IllegalArgumentException} naming {@code what} and the fault when a weight is
     * missing, not finite, negative, or all are zero.
     */
    public static Map<String, Double> normalize(Map<String, Double> proposed, java.util.Set<String> ids, double minWeight, String what) {
        if (proposed == null) {
            throw new IllegalArgumentException(what + ": none returned");
        }
        double sum = 0;
        for (String id : ids) {
            Double w = proposed.get(id);
            if (w == null) {
                throw new IllegalArgumentException(what + ": no weight for strategy '" + id + "'");
            }
            if (!Double.isFinite(w) || w < 0) {
                throw new IllegalArgumentException(what + ": weight of '" + id + "' must be finite and non-negative, found " + w);
            }
            sum += w;
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException(what + ": all weights are zero");
        }
        if (ids.size() * minWeight >= 1) {
            // The floors alone take all the capital: equal weights are the only ones that meet them as nearly as they can be met.
            Map<String, Double> equal = new LinkedHashMap<>();
            ids.forEach(id -> equal.put(id, 1.0 / ids.size()));
            return Collections.unmodifiableMap(equal);
        }
        // Water-filling: a weight below the floor is set to exactly minWeight and the others are
        // scaled to fill what remains, until none falls below; so the result is a fixed point.
        String[] names = ids.toArray(String[]::new);
        boolean[] floored = new boolean[names.length];
        int nFloored = 0;
        double free;
        double rest;
        boolean more;
        do {
            more = false;
            free = 1 - nFloored * minWeight;
            rest = 0;
            for (int i = 0; i < names.length; i++) {
                if (!floored[i]) {
                    rest += proposed.get(names[i]);
                }
            }
            for (int i = 0; i < names.length; i++) {
                if (!floored[i] && !(proposed.get(names[i]) / rest * free > minWeight)) {
                    floored[i] = true;
                    nFloored++;
                    more = true;
                }
            }
        } while (more && nFloored < names.length);
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            out.put(names[i], floored[i] ? minWeight : proposed.get(names[i]) / rest * free);
        }
        return Collections.unmodifiableMap(out);
    }
}
