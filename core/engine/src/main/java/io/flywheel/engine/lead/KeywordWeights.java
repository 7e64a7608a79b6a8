package io.flywheel.engine.lead;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** The keyword weights in force; swapped atomically when a rule applies new ones. */
public final class KeywordWeights {
    private final AtomicReference<Map<String, Double>> current;

    public KeywordWeights(Map<String, Double> initial) {
        this.current = new AtomicReference<>(Map.copyOf(initial));
    }

    public Map<String, Double> get() {
        return current.get();
    }

    public void set(Map<String, Double> weights) {
        current.set(Map.copyOf(weights));
    }

    /** The {@code limit} highest-weighted keywords, ties by name. */
    public List<String> top(int limit) {
        return current.get().entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(Math.max(0, limit))
                .map(Map.Entry::getKey)
                .toList();
    }
}
