package io.flywheel.engine.learning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The caps every weight update passes before it applies (the {@code learning:} section). */
public final class Guardrails {
    private Guardrails() {}

    /**
     * {@code after} with no weight more than {@code maxChange} x the mean of {@code before} away
     * from its weight in {@code before}, and what was clamped.
     *
     * @param clamped one line per clamped weight: name, proposed move, applied move
     */
    public record Clamp(Map<String, Double> weights, double cap, List<String> clamped) {
        public Clamp {
            weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
            clamped = List.copyOf(clamped);
        }

        /** {@code ±0.394: backend -0.438->-0.394, ...}: the cap and each clamped weight, for a log line or report. */
        public String summary() {
            return String.format(java.util.Locale.ROOT, "±%.3f", cap) + ": " + String.join(", ", clamped);
        }
    }

    /** Clamps each weight's move on its own (keyword weights: they are not normalized). */
    public static Clamp clampEach(Map<String, Double> before, Map<String, Double> after, double maxChange) {
        double cap = maxChange * mean(before);
        Map<String, Double> out = new LinkedHashMap<>();
        List<String> clamped = new ArrayList<>();
        after.forEach((k, v) -> {
            double was = before.getOrDefault(k, v);
            double move = v - was;
            if (Math.abs(move) > cap + 1e-12) {
                double applied = Math.copySign(cap, move);
                out.put(k, Math.max(0, was + applied));
                clamped.add(String.format(Locale.ROOT, "%s %+.3f->%+.3f", k, move, applied));
            } else {
                out.put(k, v);
            }
        });
        return new Clamp(out, cap, clamped);
    }

    /**
     * Moves from {@code before} toward {@code target} (both summing to 1: capital weights) by one
     * common factor, the largest that keeps every move within {@code maxChange} x the mean weight.
     * A common factor keeps the sum at 1 and the direction the rule chose.
     */
    public static Clamp scaleTogether(Map<String, Double> before, Map<String, Double> target, double maxChange) {
        double cap = maxChange * mean(before);
        double largest = 0;
        for (var e : before.entrySet()) {
            largest = Math.max(largest, Math.abs(target.getOrDefault(e.getKey(), e.getValue()) - e.getValue()));
        }
        if (largest <= cap + 1e-12) {
            return new Clamp(target, cap, List.of());
        }
        double f = cap / largest;
        Map<String, Double> out = new LinkedHashMap<>();
        before.forEach((k, v) -> out.put(k, v + f * (target.getOrDefault(k, v) - v)));
        return new Clamp(out, cap, List.of(String.format(Locale.ROOT, "largest move %.4f above the cap %.4f; every move scaled by %.3f", largest, cap, f)));
    }

    static double mean(Map<String, Double> weights) {
        return weights.isEmpty() ? 0 : weights.values().stream().mapToDouble(Double::doubleValue).sum() / weights.size();
    }
}
