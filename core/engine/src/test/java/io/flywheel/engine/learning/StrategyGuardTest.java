package io.flywheel.engine.learning;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.engine.rules.StrategyWeightRule;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learning guardrails around the strategy rule the paper book calls each period. */
class StrategyGuardTest {
    @TempDir
    Path dir;

    static final Map<String, Double> EQUAL = Map.of("a", 0.5, "b", 0.5);
    static final StrategyWeightRule ALL_TO_A = (returns, current) -> Map.of("a", 1.0, "b", 0.0);

    static Map<String, List<Double>> period() {
        return Map.of("a", List.of(0.01), "b", List.of(-0.01));
    }

    @Test
    void noMoveAboveTheCapAndTheSumStaysOne() {
        StrategyGuard guard = new StrategyGuard(ALL_TO_A, new FreezeSwitch(false, FreezeSwitch.file(dir)), 0.2, 0, 0.0);
        Map<String, Double> w = guard.update(period(), EQUAL);
        // cap = 0.2 x mean weight 0.5 = 0.1
        assertThat(w.get("a")).isCloseTo(0.6, Offset.offset(1e-12));
        assertThat(w.get("b")).isCloseTo(0.4, Offset.offset(1e-12));
        assertThat(w.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, Offset.offset(1e-12));
        assertThat(guard.lastNote()).contains("clamped", "learning.max-change 0.2", "scaled by 0.200");
    }

    @Test
    void theAllocatorsFloorIsAppliedBeforeTheCap() {
        StrategyGuard guard = new StrategyGuard(ALL_TO_A, new FreezeSwitch(false, FreezeSwitch.file(dir)), 10, 0, 0.1);
        Map<String, Double> w = guard.update(period(), EQUAL);
        assertThat(w.get("b")).isEqualTo(0.1);
        assertThat(guard.lastNote()).isEmpty();
    }

    @Test
    void frozenKeepsTheWeightsAndSaysSo() {
        FreezeSwitch freeze = new FreezeSwitch(false, FreezeSwitch.file(dir));
        freeze.set(true, "42", Instant.EPOCH);
        StrategyGuard guard = new StrategyGuard(ALL_TO_A, freeze, 10, 0, 0.0);
        assertThat(guard.update(period(), EQUAL)).isEqualTo(EQUAL);
        assertThat(guard.lastNote()).startsWith("frozen").contains("frozen by 42");
        freeze.set(false, "42", Instant.EPOCH);
        assertThat(guard.update(period(), EQUAL)).containsEntry("a", 1.0);
    }

    @Test
    void tooFewPeriodReturnsKeepTheWeights() {
        StrategyGuard guard = new StrategyGuard(ALL_TO_A, new FreezeSwitch(false, FreezeSwitch.file(dir)), 10, 5, 0.0);
        assertThat(guard.update(period(), EQUAL)).isEqualTo(EQUAL);
        assertThat(guard.lastNote()).contains("too little feedback: 2 period return(s) seen, learning.min-feedback is 5");
        assertThat(guard.update(period(), EQUAL)).isEqualTo(EQUAL);
        assertThat(guard.update(period(), EQUAL)).containsEntry("a", 1.0);
        assertThat(guard.lastNote()).isEmpty();
    }

    @Test
    void keywordClampIsPerWeight() {
        Guardrails.Clamp c = Guardrails.clampEach(Map.of("x", 1.0, "y", 3.0), Map.of("x", 5.0, "y", 2.9), 0.5);
        assertThat(c.cap()).isEqualTo(1.0);
        assertThat(c.weights()).containsEntry("x", 2.0).containsEntry("y", 2.9);
        assertThat(c.clamped()).containsExactly("x +4.000->+1.000");
    }
}
