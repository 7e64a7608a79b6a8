package io.flywheel.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flywheel.engine.feedback.Aggregate;
import io.flywheel.engine.feedback.Dimension;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedbackLogTest {
    private static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");
    @TempDir
    Path dir;

    private MapDbStore open() {
        return MapDbStore.open(dir.resolve("f.db"), MapDbStore.Options.defaults(), ManualClock.atDefaultStart());
    }

    private static List<FeedbackEvent> randomEvents(Random r, int n) {
        String[] kws = {"rust", "java", "remote", "ai"};
        String[] platforms = {"hn", "reddit", "linkedin"};
        FeedbackEvent.Type[] types = FeedbackEvent.Type.values();
        List<FeedbackEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // 45 days, at any nanosecond, some on exact hour and day boundaries.
            Instant t = r.nextInt(10) == 0 ? T0.plus(Duration.ofHours(r.nextInt(45 * 24)))
                    : T0.plusSeconds(r.nextInt(45 * 86_400)).plusNanos(r.nextInt(1_000_000_000));
            FeedbackEvent.Type type = types[r.nextInt(types.length)];
            List<String> k = r.nextBoolean() ? List.of(kws[r.nextInt(4)]) : List.of(kws[r.nextInt(4)], kws[r.nextInt(4)]);
            String subject = type == FeedbackEvent.Type.TRADE_RETURN ? "strategy-" + r.nextInt(3) : "lead-" + r.nextInt(1000);
            out.add(new FeedbackEvent(t, type, subject, r.nextInt(5) == 0 ? null : "src-" + r.nextInt(3),
                    r.nextInt(5) == 0 ? null : platforms[r.nextInt(3)], k, "user-" + r.nextInt(9), r.nextGaussian(), Map.of("w", 1.0), null));
        }
        return out;
    }

    /** The aggregation by definition: a scan of every event. */
    private static Map<String, Aggregate> brute(List<FeedbackEvent> all, Dimension dim, Instant from, Instant to) {
        Map<String, Map<FeedbackEvent.Type, Long>> counts = new TreeMap<>();
        Map<String, Double> sums = new TreeMap<>();
        for (FeedbackEvent e : all) {
            if (e.time().isBefore(from) || !e.time().isBefore(to)) continue;
            for (String k : FeedbackTables.keysOf(e, dim)) {
                counts.computeIfAbsent(k, x -> new java.util.EnumMap<>(FeedbackEvent.Type.class)).merge(e.type(), 1L, Long::sum);
                sums.merge(k, e.value(), Double::sum);
            }
        }
        Map<String, Aggregate> out = new TreeMap<>();
        counts.forEach((k, c) -> out.put(k, new Aggregate(k, c, sums.get(k))));
        return out;
    }

    @Test
    void aggregationsOverAnyWindowMatchAScanOfEveryEvent() {
        Random r = new Random(11);
        List<FeedbackEvent> all = randomEvents(r, 6000);
        try (MapDbStore store = open()) {
            for (int i = 0; i < all.size(); i += 700) {
                store.append(all.subList(i, Math.min(all.size(), i + 700)));
            }
            List<Instant[]> windows = new ArrayList<>();
            windows.add(new Instant[] {T0, T0.plus(Duration.ofDays(45))});
            windows.add(new Instant[] {T0.plus(Duration.ofDays(3)), T0.plus(Duration.ofDays(10))});
            windows.add(new Instant[] {T0.plus(Duration.ofHours(5)), T0.plus(Duration.ofHours(7))});
            windows.add(new Instant[] {T0.plusSeconds(1234), T0.plusSeconds(2345)});
            windows.add(new Instant[] {T0.minus(Duration.ofDays(400)), T0.plus(Duration.ofDays(400))});
            for (int i = 0; i < 40; i++) {
                Instant a = T0.plusSeconds(r.nextInt(46 * 86_400)).plusNanos(r.nextInt(3) * 500_000_000L);
                windows.add(new Instant[] {a, a.plusSeconds(r.nextInt(20 * 86_400))});
            }
            for (Instant[] w : windows) {
                for (Dimension dim : Dimension.values()) {
                    Map<String, Aggregate> expected = brute(all, dim, w[0], w[1]);
                    Map<String, Aggregate> actual = store.aggregate(dim, w[0], w[1]);
                    assertThat(actual.keySet()).as(dim + " " + w[0] + ".." + w[1]).containsExactlyInAnyOrderElementsOf(expected.keySet());
                    expected.forEach((k, e) -> {
                        assertThat(actual.get(k).counts()).as(dim + " " + k).isEqualTo(e.counts());
                        assertThat(actual.get(k).valueSum()).isCloseTo(e.valueSum(), within(1e-9));
                    });
                }
            }
        }
    }

    @Test
    void eventsComeBackInTimeOrderFilteredByType() {
        Random r = new Random(12);
        List<FeedbackEvent> all = randomEvents(r, 500);
        try (MapDbStore store = open()) {
            store.append(all);
            Instant from = T0.plus(Duration.ofDays(5));
            Instant to = T0.plus(Duration.ofDays(20));
            List<FeedbackEvent> expected = all.stream().filter(e -> !e.time().isBefore(from) && e.time().isBefore(to))
                    .filter(e -> e.type() == FeedbackEvent.Type.WON || e.type() == FeedbackEvent.Type.APPLIED)
                    .sorted(java.util.Comparator.comparing(FeedbackEvent::time)).toList();
            assertThat(store.events(from, to, Set.of(FeedbackEvent.Type.WON, FeedbackEvent.Type.APPLIED))).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void engagementIsCountedOncePerUserSubjectAndKindEvenAcrossRestarts() {
        FeedbackEvent click = new FeedbackEvent(T0, FeedbackEvent.Type.INTERESTED, "lead-1", "src", "hn", List.of("rust"), "user-1", 0, Map.of(), null);
        try (MapDbStore store = open()) {
            assertThat(store.appendOnce(click)).isTrue();
            assertThat(store.appendOnce(click)).isFalse();
            assertThat(store.appendOnce(new FeedbackEvent(T0, FeedbackEvent.Type.APPLIED, "lead-1", "src", "hn", List.of(), "user-1", 0, Map.of(), null)))
                    .isTrue();
        }
        try (MapDbStore store = open()) {
            assertThat(store.appendOnce(click)).isFalse();
            assertThat(store.aggregate(Dimension.KEYWORD, T0, T0.plusSeconds(1)).get("rust").count(FeedbackEvent.Type.INTERESTED)).isEqualTo(1);
        }
    }

    @Test
    void weightHistoryKeepsEverySetInOrderAndTheLatestWins() {
        try (MapDbStore store = open()) {
            assertThat(store.latest(WeightSet.Kind.KEYWORD)).isEmpty();
            WeightSet a = new WeightSet(T0, WeightSet.Kind.KEYWORD, Map.of("rust", 2.0), "config", "initial");
            WeightSet b = new WeightSet(T0.plusSeconds(60), WeightSet.Kind.KEYWORD, Map.of("rust", 2.5), "sha256:ab", "rule");
            WeightSet s = new WeightSet(T0.plusSeconds(30), WeightSet.Kind.STRATEGY, Map.of("sma", 0.4), "sha256:cd", "rule");
            store.append(a);
            assertThat(store.latest(WeightSet.Kind.KEYWORD)).contains(a);
            store.append(s);
            store.append(b);
            assertThat(store.latest(WeightSet.Kind.KEYWORD)).contains(b);
            assertThat(store.latest(WeightSet.Kind.STRATEGY)).contains(s);
            assertThat(store.history(WeightSet.Kind.KEYWORD, T0, T0.plusSeconds(3600))).containsExactly(a, b);
            assertThat(store.history(WeightSet.Kind.KEYWORD, T0.plusSeconds(1), T0.plusSeconds(3600))).containsExactly(b);
        }
        try (MapDbStore store = open()) {
            assertThat(store.latest(WeightSet.Kind.KEYWORD).orElseThrow().weights()).containsEntry("rust", 2.5);
        }
    }
}
