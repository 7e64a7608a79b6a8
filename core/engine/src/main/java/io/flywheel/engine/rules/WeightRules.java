package io.flywheel.engine.rules;

import io.flywheel.engine.config.ConfigLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.graalvm.polyglot.Value;

/**
 * Calls a weight rule ({@code keyword-weights.js}, {@code strategy-weights.js}) and validates what
 * it returns: finite, non-negative numbers for known names only, not all zero. Names it leaves out
 * keep their current weight. Anything wrong is a {@link RuleException} naming the script and every
 * offending entry; the caller keeps the weights in force.
 */
public final class WeightRules {
    private static final int MAX_REPORTED = 8;

    private WeightRules() {}

    private record Raw(String error, Map<String, Double> numbers, Map<String, String> invalid) {}

    /** Runs {@code version} on {@code inputJson} and {@code current}; returns the validated, merged weights. */
    static Map<String, Double> call(CompiledScript version, String inputJson, Map<String, Double> current, Set<String> known) {
        return call(version, inputJson, current, known, null);
    }

    /** As {@link #call(CompiledScript, String, Map, Set)}, with {@code thirdJson} as the rule's third argument when not {@code null}. */
    static Map<String, Double> call(CompiledScript version, String inputJson, Map<String, Double> current, Set<String> known, String thirdJson) {
        String currentJson = Json.weights(current);
        String fn = version.kind().function() + "()";
        Raw raw = version.call(fn, bound -> {
            Value r = thirdJson == null ? bound.fn("update").execute(inputJson, currentJson) : bound.fn("update").execute(inputJson, currentJson, thirdJson);
            if (r.hasMember("error")) {
                return new Raw(r.getMember("error").asString(), Map.of(), Map.of());
            }
            Map<String, String> invalid = new LinkedHashMap<>();
            Value bad = r.getMember("invalid");
            for (String k : bad.getMemberKeys()) {
                invalid.put(k, bad.getMember(k).asString());
            }
            return new Raw(null, numbers(r), invalid);
        });
        if (raw.error() != null) {
            throw new RuleException(version.source().name() + ": " + fn + " " + raw.error() + "; the weights in force are kept");
        }
        return validate(version.source().name() + ": " + fn, raw.numbers(), raw.invalid(), current, known);
    }

    /**
     * The strategy-weights script's own {@code reward(returns, past)} for each strategy in
     * {@code returnsJson}, {@code past} being its record in {@code pastJson} (its returns when it has
     * none there); {@code null} when the script defines no {@code reward}. A result that is not a
     * finite number is a {@link RuleException} naming the script and the strategy.
     */
    static Map<String, Double> rewards(CompiledScript version, String returnsJson, String pastJson) {
        Raw raw = version.call("reward()", bound -> {
            Value r = bound.fn("rewards").execute(returnsJson, pastJson);
            if (r.isNull()) {
                return null;
            }
            if (r.hasMember("error")) {
                return new Raw(r.getMember("error").asString(), Map.of(), Map.of());
            }
            return new Raw(null, numbers(r), Map.of());
        });
        if (raw == null) {
            return null;
        }
        if (raw.error() != null) {
            throw new RuleException(version.source().name() + ": reward() " + raw.error());
        }
        return raw.numbers();
    }

    /** The harness's {@code numbers} member: the entries the rule returned as numbers, in its order. */
    private static Map<String, Double> numbers(Value result) {
        Map<String, Double> numbers = new LinkedHashMap<>();
        Value n = result.getMember("numbers");
        for (String k : n.getMemberKeys()) {
            numbers.put(k, n.getMember(k).asDouble());
        }
        return numbers;
    }

    /**
     * Checks {@code returned} (and entries that were not numbers, described in {@code invalid})
     * against {@code known}; returns {@code current} with the returned weights applied.
     *
     * @param who prefix for the message, e.g. {@code scripts/keyword-weights.js: updateKeywordWeights()}
     */
    public static Map<String, Double> validate(String who, Map<String, Double> returned, Map<String, String> invalid,
            Map<String, Double> current, Set<String> known) {
        List<String> problems = new ArrayList<>();
        invalid.forEach((k, what) -> problems.add("'" + k + "' is " + what + ", not a number"));
        returned.forEach((k, v) -> {
            if (!known.contains(k)) {
                String hint = ConfigLoader.suggest(k, known).map(s -> " (did you mean '" + s + "'?)").orElse("");
                problems.add("'" + k + "' is not a known name" + hint);
            } else if (Double.isNaN(v)) {
                problems.add("'" + k + "' is NaN");
            } else if (Double.isInfinite(v)) {
                problems.add("'" + k + "' is " + (v > 0 ? "Infinity" : "-Infinity"));
            } else if (v < 0) {
                problems.add("'" + k + "' is " + String.format(Locale.ROOT, "%s", v) + ", below zero");
            }
        });
        if (problems.isEmpty()) {
            Map<String, Double> merged = new LinkedHashMap<>(current);
            returned.forEach((k, v) -> merged.put(k, v == 0 ? 0.0 : v));
            if (merged.isEmpty() || merged.values().stream().allMatch(v -> v == 0)) {
                problems.add(merged.isEmpty() ? "no weights at all" : "every weight is zero");
            } else {
                return merged;
            }
        }
        String listed = String.join("; ", problems.subList(0, Math.min(MAX_REPORTED, problems.size())))
                + (problems.size() > MAX_REPORTED ? "; and " + (problems.size() - MAX_REPORTED) + " more" : "");
        throw new RuleException(who + " returned invalid weights: " + listed + "; the weights in force are kept");
    }
}
