package io.flywheel.engine.learning;

import io.flywheel.engine.feedback.WeightHistory;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.text.Cells;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Live against shadow keyword weights: the latest of each side by side, and how far apart the last updates were. */
public final class ShadowReport {
    private ShadowReport() {}

    /** One update: the shadow's would-be weights and the live weights recorded by the same update (or in force then). */
    public record Pair(WeightSet shadow, WeightSet live) {
        public double meanAbsDiff() {
            return shadow.weights().entrySet().stream().mapToDouble(e -> Math.abs(e.getValue() - live.weights().getOrDefault(e.getKey(), 0.0)))
                    .average().orElse(0);
        }
    }

    /** The shadow sets since {@code from}, each paired with its live set, oldest first. */
    public static List<Pair> pairs(WeightHistory history, Instant from, Instant to) {
        List<WeightSet> live = history.history(WeightSet.Kind.KEYWORD, Instant.EPOCH, to);
        List<Pair> out = new ArrayList<>();
        for (WeightSet s : history.history(WeightSet.Kind.KEYWORD_SHADOW, from, to)) {
            Optional<WeightSet> same = live.stream().filter(l -> !l.time().isBefore(s.time()) && l.time().isBefore(s.time().plus(Duration.ofMinutes(1))))
                    .findFirst();
            Optional<WeightSet> before = live.stream().filter(l -> !l.time().isAfter(s.time())).reduce((a, b) -> b);
            same.or(() -> before).ifPresent(l -> out.add(new Pair(s, l)));
        }
        return out;
    }

    /** Lines for {@code flywheel rules shadow} and {@code /rules shadow}. */
    public static List<String> describe(WeightHistory history, Instant now, int last) {
        List<Pair> pairs = pairs(history, Instant.EPOCH, now.plusMillis(1));
        List<String> lines = new ArrayList<>();
        if (pairs.isEmpty()) {
            lines.add("No shadow weights recorded yet: set learning.shadow in config.yml to a candidate keyword rule; it runs at the next update.");
            return lines;
        }
        Pair p = pairs.getLast();
        lines.add(String.format(Locale.ROOT, "Last update %s: live %s vs shadow %s", p.shadow().time(), shortHash(p.live().scriptHash()),
                shortHash(p.shadow().scriptHash())));
        lines.add(String.format(Locale.ROOT, "  %-24s %8s %8s %8s", "KEYWORD", "LIVE", "SHADOW", "DIFF"));
        TreeSet<String> names = new TreeSet<>(p.shadow().weights().keySet());
        names.addAll(p.live().weights().keySet());
        for (String k : names) {
            Double l = p.live().weights().get(k);
            Double s = p.shadow().weights().get(k);
            lines.add(String.format(Locale.ROOT, "  %s %8s %8s %8s", Cells.pad(k, 24), num(l), num(s), l == null || s == null ? "" : String.format(Locale.ROOT, "%+.3f", s - l)));
        }
        List<Pair> recent = pairs.subList(Math.max(0, pairs.size() - last), pairs.size());
        lines.add("Last " + recent.size() + " update(s): mean |shadow - live| and the keyword furthest apart");
        for (Pair r : recent.reversed()) {
            Map.Entry<String, Double> far = r.shadow().weights().entrySet().stream()
                    .max(java.util.Comparator.comparingDouble(e -> Math.abs(e.getValue() - r.live().weights().getOrDefault(e.getKey(), 0.0)))).orElse(null);
            lines.add(String.format(Locale.ROOT, "  %s  %.3f%s", r.shadow().time(), r.meanAbsDiff(), far == null ? ""
                    : String.format(Locale.ROOT, "  %s %+.3f", far.getKey(), far.getValue() - r.live().weights().getOrDefault(far.getKey(), 0.0))));
        }
        return lines;
    }

    private static String num(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String shortHash(String h) {
        return h.length() > 12 ? h.substring(0, 12) : h;
    }
}
