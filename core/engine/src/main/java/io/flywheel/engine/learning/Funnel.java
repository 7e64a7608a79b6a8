package io.flywheel.engine.learning;

import io.flywheel.engine.feedback.Dimension;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.FeedbackEvent.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The conversion funnel: found, posted, engaged, applied, won, counted as distinct leads per
 * source, platform or keyword. It follows a cohort: the leads found in the window, with
 * everything that happened to them since (pass the events from the window's start to now). A
 * lead counts at a stage once, however many outputs posted it or people clicked it; "engaged" is
 * any of interested, applied or won, and "applied" includes won (a win implies the earlier steps).
 */
public final class Funnel {
    static final Set<Type> LEAD_EVENTS = EnumSet.of(Type.FOUND, Type.POSTED, Type.INTERESTED, Type.APPLIED, Type.WON, Type.NOT_RELEVANT);

    private Funnel() {}

    /**
     * One row: distinct leads at each stage.
     *
     * @param rejected leads someone marked not relevant
     */
    public record Row(String key, long found, long posted, long engaged, long applied, long won, long rejected) {
        public double postedRate() {
            return rate(posted, found);
        }

        public double engagedRate() {
            return rate(engaged, posted);
        }

        public double appliedRate() {
            return rate(applied, engaged);
        }

        public double wonRate() {
            return rate(won, applied);
        }

        /** Won per found: the whole funnel's conversion. */
        public double conversion() {
            return rate(won, found);
        }

        private static double rate(long part, long whole) {
            return whole == 0 ? 0 : (double) part / whole;
        }
    }

    /**
     * The funnel of the leads found in {@code [from, to)}, from {@code events} that start at {@code from}
     * and run to now, grouped by {@code by}, biggest first.
     */
    public static List<Row> of(List<FeedbackEvent> events, Instant from, Instant to, Dimension by) {
        if (by == Dimension.STRATEGY) {
            throw new IllegalArgumentException("the lead funnel groups by keyword, platform or source, not strategy");
        }
        // What a lead is (source, platform, keywords) comes from its FOUND event, or the first event seen.
        Map<String, FeedbackEvent> describedBy = new HashMap<>();
        Map<String, Set<Type>> stages = new HashMap<>();
        Set<String> cohort = new HashSet<>();
        for (FeedbackEvent e : events) {
            if (e.type() == Type.FOUND && !e.time().isBefore(from) && e.time().isBefore(to)) {
                cohort.add(e.subject());
            }
        }
        // Engagement counts as it stands: each user's strongest step, less what was taken back.
        io.flywheel.engine.feedback.Standings standings = new io.flywheel.engine.feedback.Standings();
        for (FeedbackEvent e : events) {
            if (!cohort.contains(e.subject()) || !(LEAD_EVENTS.contains(e.type()) || e.type() == Type.RETRACTED)) {
                continue;
            }
            Set<Type> s = stages.computeIfAbsent(e.subject(), k -> EnumSet.noneOf(Type.class));
            if (e.type() == Type.RETRACTED) {
                standings.add(e);
                continue;
            }
            describedBy.merge(e.subject(), e, (old, neu) -> neu.type() == Type.FOUND ? neu : old);
            if (!standings.add(e)) {
                s.add(e.type());
            }
        }
        stages.forEach((subject, s) -> s.addAll(standings.of(subject)));
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (var lead : stages.entrySet()) {
            Set<Type> s = lead.getValue();
            FeedbackEvent d = describedBy.get(lead.getKey());
            for (String key : keys(d, by)) {
                long[] c = counts.computeIfAbsent(key, k -> new long[6]);
                boolean won = s.contains(Type.WON);
                boolean applied = won || s.contains(Type.APPLIED);
                boolean engaged = applied || s.contains(Type.INTERESTED);
                c[0]++;
                c[1] += s.contains(Type.POSTED) || engaged ? 1 : 0;
                c[2] += engaged ? 1 : 0;
                c[3] += applied ? 1 : 0;
                c[4] += won ? 1 : 0;
                c[5] += s.contains(Type.NOT_RELEVANT) ? 1 : 0;
            }
        }
        List<Row> rows = new ArrayList<>();
        counts.forEach((k, c) -> rows.add(new Row(k, c[0], c[1], c[2], c[3], c[4], c[5])));
        rows.sort(Comparator.comparingLong(Row::found).reversed().thenComparing(Row::key));
        return rows;
    }

    /** All leads of the cohort together. */
    public static Row total(List<FeedbackEvent> events, Instant from, Instant to) {
        List<FeedbackEvent> relabelled = events.stream()
                .map(e -> new FeedbackEvent(e.time(), e.type(), e.subject(), "all", "all", List.of(), e.actor(), e.value(), e.context(), e.detail()))
                .toList();
        List<Row> rows = of(relabelled, from, to, Dimension.SOURCE);
        return rows.isEmpty() ? new Row("all", 0, 0, 0, 0, 0, 0) : rows.getFirst();
    }

    private static List<String> keys(FeedbackEvent e, Dimension by) {
        return switch (by) {
            case KEYWORD -> e.keywords().isEmpty() ? List.of("(no keyword)") : new ArrayList<>(new HashSet<>(e.keywords()));
            case PLATFORM -> List.of(e.platform() == null ? "(unknown)" : e.platform());
            case SOURCE -> List.of(e.sourceId() == null ? "(unknown)" : e.sourceId());
            case STRATEGY -> List.of();
        };
    }
}
