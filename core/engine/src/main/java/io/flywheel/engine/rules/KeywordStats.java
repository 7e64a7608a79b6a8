package io.flywheel.engine.rules;

import io.flywheel.engine.feedback.Aggregate;
import io.flywheel.engine.feedback.FeedbackEvent.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code keyword-weights.js} learns from: per keyword, the feedback of each of the last
 * {@code windows} time windows, oldest first, and a seed for its random sampling so a run can be
 * replayed exactly.
 *
 * @param end the end of the newest window (exclusive)
 * @param keywords per keyword, one {@link Counts} per window, oldest first
 */
public record KeywordStats(Instant end, Duration window, int windows, Map<String, List<Counts>> keywords, long seed) {

    /**
     * One keyword's feedback in one window.
     *
     * @param engagements positive reactions: interested, applied and won, each user once per lead
     *     (at their first step; a stronger step later replaces it, a retraction takes it back)
     * @param conversions applied and won, each user once per lead
     * @param rejections marked not relevant
     */
    public record Counts(long found, long posts, long engagements, long conversions, long rejections) {
        static final Counts NONE = new Counts(0, 0, 0, 0, 0);

        static Counts of(Aggregate a) {
            long applied = a.count(Type.APPLIED) + a.count(Type.WON);
            return new Counts(a.count(Type.FOUND), a.count(Type.POSTED), a.count(Type.INTERESTED) + applied, applied, a.count(Type.NOT_RELEVANT));
        }
    }

    /** Where per-keyword aggregates of one window come from ({@code FeedbackLog.aggregate(KEYWORD, ...)}), possibly memoized. */
    @FunctionalInterface
    public interface Windows {
        Map<String, Aggregate> keywordAggregates(Instant from, Instant to);
    }

    public KeywordStats {
        keywords = Map.copyOf(keywords);
    }

    /** Collects the {@code windows} windows of length {@code window} that end at {@code end}, for {@code keywords}. */
    public static KeywordStats collect(Windows source, Collection<String> keywords, Instant end, Duration window, int windows, long seed) {
        Map<String, List<Counts>> per = new LinkedHashMap<>();
        for (String k : keywords) {
            per.put(k, new ArrayList<>(windows));
        }
        for (int i = windows - 1; i >= 0; i--) {
            Instant to = end.minus(window.multipliedBy(i));
            Map<String, Aggregate> agg = source.keywordAggregates(to.minus(window), to);
            per.forEach((k, list) -> {
                Aggregate a = agg.get(k);
                list.add(a == null ? Counts.NONE : Counts.of(a));
            });
        }
        per.replaceAll((k, list) -> settle(list));
        return new KeywordStats(end, window, windows, per, seed);
    }

    /**
     * The store takes a retraction (or a step taken back to a weaker one) off the window the step
     * was counted in; only a step counted before the store kept those times is taken back in the
     * window it happens in, so such a window can come out below zero when what it takes back was
     * counted in an earlier one. What a window owes is carried back to the windows before it, newest first: every window
     * stays at or above zero and the sum over the windows is exact, unless what was taken back was
     * counted before the oldest window in view.
     */
    static List<Counts> settle(List<Counts> oldestFirst) {
        Counts[] out = oldestFirst.toArray(Counts[]::new);
        long owedEngagements = 0, owedConversions = 0, owedRejections = 0;
        for (int i = out.length - 1; i >= 0; i--) {
            Counts c = out[i];
            long e = c.engagements() - owedEngagements, v = c.conversions() - owedConversions, r = c.rejections() - owedRejections;
            owedEngagements = Math.max(0, -e);
            owedConversions = Math.max(0, -v);
            owedRejections = Math.max(0, -r);
            out[i] = new Counts(c.found(), c.posts(), Math.max(0, e), Math.max(0, v), Math.max(0, r));
        }
        return List.of(out);
    }

    /** Sums over every window, per keyword. */
    public Map<String, Counts> totals() {
        Map<String, Counts> out = new LinkedHashMap<>();
        keywords.forEach((k, list) -> out.put(k, list.stream().reduce(Counts.NONE, (a, b) -> new Counts(a.found + b.found,
                a.posts + b.posts, a.engagements + b.engagements, a.conversions + b.conversions, a.rejections + b.rejections))));
        return out;
    }

    /** The {@code stats} argument of {@code updateKeywordWeights(stats, current)}, as JSON. */
    String json() {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeNumberField("end", end.toEpochMilli());
            g.writeNumberField("windowHours", window.toMillis() / 3_600_000.0);
            g.writeNumberField("windows", windows);
            // Below 2^53 so JavaScript reads it exactly.
            g.writeNumberField("seed", seed & ((1L << 53) - 1));
            g.writeObjectFieldStart("keywords");
            for (Map.Entry<String, List<Counts>> e : new java.util.TreeMap<>(keywords).entrySet()) { // sorted: see Json.weights
                g.writeArrayFieldStart(e.getKey());
                for (Counts c : e.getValue()) {
                    g.writeStartObject();
                    g.writeNumberField("found", c.found());
                    g.writeNumberField("posts", c.posts());
                    g.writeNumberField("engagements", c.engagements());
                    g.writeNumberField("conversions", c.conversions());
                    g.writeNumberField("rejections", c.rejections());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }
}
