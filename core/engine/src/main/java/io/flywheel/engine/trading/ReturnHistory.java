package io.flywheel.engine.trading;

import io.flywheel.engine.rules.StrategyWeightRule;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each strategy's per-period returns as a strategy-weights rule gets them for {@code history}: the
 * last {@link StrategyWeightRule#HISTORY_PERIODS}, oldest first. The allocator keeps one for the
 * rule; the strategy simulation keeps one to compute the rule's rewards the same way.
 */
public final class ReturnHistory {
    private final Map<String, ArrayDeque<Double>> returns = new LinkedHashMap<>();

    /** Adds {@code id}'s newest period return; returns its record now, ending with it. */
    public List<Double> add(String id, double periodReturn) {
        ArrayDeque<Double> h = returns.computeIfAbsent(id, k -> new ArrayDeque<>());
        h.addLast(periodReturn);
        if (h.size() > StrategyWeightRule.HISTORY_PERIODS) {
            h.removeFirst();
        }
        return List.copyOf(h);
    }
}
