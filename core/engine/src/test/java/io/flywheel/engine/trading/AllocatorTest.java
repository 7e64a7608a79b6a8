package io.flywheel.engine.trading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AllocatorTest {
    private static Map<String, Double> w(double a, double b) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("a", a);
        m.put("b", b);
        return m;
    }

    @Test
    void theRulesWeightsAreNormalizedAndFloored() {
        Allocator alloc = new Allocator((r, c) -> w(9, 0), w(1, 1), 0.1);
        assertThat(alloc.weights()).containsEntry("a", 0.5).containsEntry("b", 0.5);

        Map<String, Double> next = alloc.update(Map.of("a", 0.01, "b", -0.01));

        assertThat(next.get("a")).isCloseTo(0.9, within(1e-12));
        assertThat(next.get("b")).isEqualTo(0.1);
        assertThat(alloc.lastError()).isNull();
    }

    private static Map<String, Double> four(double trend, double rsi, double turtle, double hold) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("trend", trend);
        m.put("rsi", rsi);
        m.put("turtle", turtle);
        m.put("hold", hold);
        return m;
    }

    @Test
    void flooredWeightsAreExactlyTheFloorAndTheRestFillTheRemainder() {
        Map<String, Double> w = Allocator.normalize(four(1, 0, 0, 0), four(1, 0, 0, 0).keySet(), 0.05, "x");
        assertThat(w.get("trend")).isCloseTo(0.85, within(1e-12));
        assertThat(w).containsEntry("rsi", 0.05).containsEntry("turtle", 0.05).containsEntry("hold", 0.05);

        // water-filling: scaling the rest up after flooring pushes 0.04 below the floor too
        Map<String, Double> v = Allocator.normalize(four(0.5, 0.4, 0.06, 0.04), four(0, 0, 0, 0).keySet(), 0.1, "x");
        assertThat(v).containsEntry("turtle", 0.1).containsEntry("hold", 0.1);
        assertThat(v.get("trend")).isCloseTo(0.8 * 5 / 9, within(1e-12));
        assertThat(v.get("rsi")).isCloseTo(0.8 * 4 / 9, within(1e-12));
        assertThat(v.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1, within(1e-12));
    }

    @Test
    void theFloorIsIdempotentOnItsOwnOutput() {
        var ids = four(0, 0, 0, 0).keySet();
        for (Map<String, Double> p : List.of(four(1, 0, 0, 0), four(0.5, 0.4, 0.06, 0.04), four(3, 2, 1, 0.01), four(1, 1, 1, 1))) {
            Map<String, Double> once = Allocator.normalize(p, ids, 0.05, "x");
            Map<String, Double> twice = Allocator.normalize(once, ids, 0.05, "x");
            for (String id : ids) {
                assertThat(twice.get(id)).as(p + " " + id).isCloseTo(once.get(id), within(1e-15));
            }
        }
    }

    @Test
    void aRuleThatKeepsTheWeightsLeavesThemExactlyAsTheyWere() {
        Allocator alloc = new Allocator((r, c) -> new LinkedHashMap<>(c), four(1, 0, 0, 0), 0.05);
        Map<String, Double> first = alloc.weights();
        for (int i = 0; i < 3; i++) {
            assertThat(alloc.update(Map.of("trend", 0.01))).isEqualTo(first);
        }
        assertThat(first.get("trend")).isCloseTo(0.85, within(1e-12));
    }

    @Test
    void nonsenseFromTheRuleKeepsTheWeightsAndSaysWhy() {
        Map<String, Map<String, Double>> answers = new LinkedHashMap<>();
        answers.put("negative", w(-1, 2));
        answers.put("nan", w(Double.NaN, 1));
        answers.put("zero", w(0, 0));
        answers.put("missing", Map.of("a", 1.0));
        String[] expected = {"weight of 'a' must be finite and non-negative, found -1.0", "weight of 'a' must be finite and non-negative, found NaN",
                "all weights are zero", "no weight for strategy 'b'"};
        int i = 0;
        for (var answer : answers.values()) {
            Allocator alloc = new Allocator((r, c) -> answer, w(3, 1), 0);
            Map<String, Double> before = alloc.weights();
            assertThat(alloc.update(Map.of("a", 0.0, "b", 0.0))).isEqualTo(before);
            assertThat(alloc.lastError()).contains(expected[i++]);
        }
        Allocator throwing = new Allocator((r, c) -> {
            throw new IllegalStateException("script timed out");
        }, w(1, 1), 0);
        throwing.update(Map.of());
        assertThat(throwing.lastError()).isEqualTo("script timed out");
    }

    @Test
    void theRuleGetsEachStrategysReturnAndTheWeightsInForce() {
        Map<String, List<Double>> seenReturns = new LinkedHashMap<>();
        Allocator alloc = new Allocator((r, c) -> {
            seenReturns.putAll(r);
            assertThat(c.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1, within(1e-12));
            return c;
        }, w(1, 3), 0);
        alloc.update(Map.of("a", 0.02));
        assertThat(seenReturns).containsEntry("a", List.of(0.02)).containsEntry("b", List.of(0.0));
    }

    @Test
    void theRuleGetsEachStrategysRecentRecordOldestFirstUpToTheLimit() {
        List<Map<String, List<Double>>> seen = new java.util.ArrayList<>();
        Allocator alloc = new Allocator(new io.flywheel.engine.rules.StrategyWeightRule() {
            @Override
            public Map<String, Double> update(Map<String, List<Double>> r, Map<String, Double> c) {
                throw new AssertionError("the allocator passes the history");
            }

            @Override
            public Map<String, Double> update(Map<String, List<Double>> r, Map<String, Double> c, Map<String, List<Double>> history) {
                seen.add(history);
                return c;
            }
        }, w(1, 1), 0);
        alloc.update(Map.of("a", 0.01, "b", -0.01));
        alloc.update(Map.of("a", 0.02));
        assertThat(seen.get(1)).containsEntry("a", List.of(0.01, 0.02)).containsEntry("b", List.of(-0.01, 0.0));
        int limit = io.flywheel.engine.rules.StrategyWeightRule.HISTORY_PERIODS;
        for (int i = 0; i < limit + 5; i++) {
            alloc.update(Map.of("a", i * 1.0));
        }
        List<Double> last = seen.getLast().get("a");
        assertThat(last).hasSize(limit);
        assertThat(last.getFirst()).isEqualTo(5.0);
        assertThat(last.getLast()).isEqualTo(limit + 4.0);
    }

    @Test
    void floorsThatTakeAllTheCapitalLeaveEqualWeights() {
        assertThat(Allocator.normalize(four(1, 0, 0, 0), four(0, 0, 0, 0).keySet(), 0.25, "x").values()).containsOnly(0.25);
        assertThat(Allocator.normalize(four(1, 0, 0, 0), four(0, 0, 0, 0).keySet(), 0.3, "x").values()).containsOnly(0.25);
    }

    @Test
    void anImpossibleFloorIsRefused() {
        assertThatThrownBy(() -> new Allocator((r, c) -> c, w(1, 1), 0.6)).hasMessageContaining("min-weight 0.6 is impossible for 2 strategies");
    }

    @Test
    void hedgeMovesWeightTowardWhatEarned() {
        HedgeRule hedge = new HedgeRule(10);
        Map<String, Double> next = hedge.update(Map.of("a", List.of(0.05, 0.05), "b", List.of(-0.05)), w(0.5, 0.5));
        double sum = next.values().stream().mapToDouble(Double::doubleValue).sum();
        // log-ratio moves by rate * (0.10 - (-0.05)) = 1.5
        assertThat(Math.log(next.get("a") / next.get("b"))).isCloseTo(1.5, within(1e-12));
        assertThat(sum).isPositive();
        Map<String, Double> still = new HedgeRule(0).update(Map.of("a", List.of(1.0)), w(0.25, 0.75));
        assertThat(still.get("a") / still.get("b")).isCloseTo(1 / 3.0, within(1e-12));
    }
}
