package io.flywheel.engine.feedback;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Every weight set applied, so the current weights survive restarts and their history can be charted. */
public interface WeightHistory {

    void append(WeightSet set);

    /** Appends {@code sets} in order; stores commit them together. */
    default void appendAll(List<WeightSet> sets) {
        sets.forEach(this::append);
    }

    Optional<WeightSet> latest(WeightSet.Kind kind);

    /** Sets applied with {@code from <= time < to}, oldest first. */
    List<WeightSet> history(WeightSet.Kind kind, Instant from, Instant to);
}
