package io.flywheel.engine.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's lines and its judgement of the goals, on made-up regret series (no rules run). */
class SimulationReportTest {
    private static SimulationReport.Outcome outcome(int driftAt, double[] regret, double[] uniform) {
        var audience = new KeywordSimulation.Audience("drift", List.of("a", "b"), List.of(0.3, 0.1), List.of(0.1, 0.3), driftAt);
        var result = new KeywordSimulation.Result(audience, Scenarios.defaults(regret.length), regret, uniform, regret.length, 0, List.of(), Map.of(),
                Duration.ZERO);
        return SimulationReport.Outcome.of(result);
    }

    private static double[] filled(int n, double v) {
        double[] xs = new double[n];
        Arrays.fill(xs, v);
        return xs;
    }

    /** Regret 0.01 a round before the drift and 0.1 after it. */
    private static double[] stepUp(int n, int drift) {
        double[] xs = filled(n, 0.1);
        Arrays.fill(xs, 0, drift, 0.01);
        return xs;
    }

    @Test
    void theRecoveryLinePrintsTheMeanThatFellNotTheThreshold() {
        int n = 2000;
        double[] regret = new double[n];
        for (int i = 0; i < n; i++) {
            regret[i] = i < 1000 ? 0.02 : 0.025;
        }
        SimulationReport.Outcome o = outcome(1000, regret, filled(n, 0.1));
        assertThat(o.summary().threshold()).isCloseTo(0.03, within(1e-9));
        assertThat(o.summary().recoveryRounds()).isEqualTo(200);
        assertThat(o.summary().recoveryMean()).isCloseTo(0.025, within(1e-9));
        assertThat(SimulationReport.lines(o)).anySatisfy(l -> assertThat(l).isEqualTo(
                "  recovery after the drift: 200 rounds (goal <= 1,000: met); the 200-round mean regret fell to 0.0250/round "
                        + "(threshold 0.0300: pre-drift 0.0200 + 10% of uniform's)"));
        assertThat(SimulationReport.missed(o)).isFalse();
    }

    @Test
    void aRunOfOneRoundSaysWhatItCannotJudgeAndMissesNothing() {
        SimulationReport.Outcome o = outcome(0, new double[] {0.17}, new double[] {0.13});
        List<String> lines = SimulationReport.lines(o);
        assertThat(String.join("\n", lines)).doesNotContain("NaN").doesNotContain("NOT met")
                .contains("regret growth: too few rounds to judge (it compares round 100 with the last round; the run has 1)")
                .contains("recovery after the drift: too few rounds to judge (the drift comes after round 0: no rounds before it to compare with)");
        assertThat(SimulationReport.missed(o)).isFalse();
    }

    @Test
    void aDriftRunTooShortForTheRecoveryGoalSaysSoInsteadOfMissingIt() {
        int n = 600;
        SimulationReport.Outcome o = outcome(300, stepUp(n, 300), filled(n, 0.1)); // never back to the pre-drift level
        assertThat(String.join("\n", SimulationReport.lines(o))).doesNotContain("NOT met").contains(
                "recovery after the drift: not within the 300 rounds after it; too few rounds to judge the goal (<= 1,000 rounds after the drift; "
                        + "run --rounds 2000 or more)");
        assertThat(SimulationReport.unjudged(o)).isTrue();
        assertThat(SimulationReport.missed(o)).isFalse();
        int longer = 2400;
        SimulationReport.Outcome missed = outcome(1200, stepUp(longer, 1200), filled(longer, 0.1));
        assertThat(String.join("\n", SimulationReport.lines(missed))).contains("recovery after the drift: NOT within the 1,200 rounds after it (goal <= 1,000: NOT met)");
        assertThat(SimulationReport.missed(missed)).isTrue();
    }

    @Test
    void aRunWhereUniformWeightsHaveNoRegretPrintsNoNaN() {
        int n = 50;
        var stationary = new KeywordSimulation.Result(Scenarios.stationary(), Scenarios.defaults(n), filled(n, 0), filled(n, 0), n, 0, List.of(), Map.of(),
                Duration.ZERO);
        SimulationReport.Outcome o = SimulationReport.Outcome.of(stationary);
        String text = String.join("\n", SimulationReport.lines(o));
        assertThat(text).doesNotContain("NaN").contains("regret / uniform weights' regret at 50 rounds: cannot judge (uniform weights had no regret)");
        assertThat(SimulationReport.missed(o)).isFalse();
        // not a matter of rounds: the command's last line must not send the operator looking for "the rounds it needs"
        assertThat(SimulationReport.unjudged(o)).isFalse();
    }

    private static SimulationReport.Outcome stationary(int n, double regret, double uniform) {
        return SimulationReport.Outcome.of(new KeywordSimulation.Result(Scenarios.stationary(), Scenarios.defaults(n), filled(n, regret), filled(n, uniform), n, 0,
                List.of(), Map.of(), Duration.ZERO));
    }

    @Test
    void aStationaryRunAboveTheRegretGoalMissesIt() {
        SimulationReport.Outcome o = stationary(10_000, 0.05, 0.1);
        assertThat(String.join("\n", SimulationReport.lines(o))).contains("regret / uniform weights' regret at 10,000 rounds: 0.500 (goal <= 0.15: NOT met)")
                .contains("regret grows like T^1.00 from 100 to 10,000 rounds");
        assertThat(SimulationReport.missed(o)).isTrue();
        assertThat(SimulationReport.unjudged(o)).isFalse();
    }

    @Test
    void aStationaryRunShorterThanTheGoalsHorizonIsTooShortToMissItButCanMeetIt() {
        SimulationReport.Outcome above = stationary(400, 0.05, 0.1);
        assertThat(String.join("\n", SimulationReport.lines(above))).doesNotContain("NOT met").contains(
                "regret / uniform weights' regret at 400 rounds: 0.500 (goal <= 0.15 at 10,000 rounds: too few rounds to judge; run --rounds 10000 or more)");
        assertThat(SimulationReport.missed(above)).isFalse();
        assertThat(SimulationReport.unjudged(above)).isTrue();

        SimulationReport.Outcome below = stationary(400, 0.01, 0.1);
        assertThat(String.join("\n", SimulationReport.lines(below))).contains("regret / uniform weights' regret at 400 rounds: 0.100 (goal <= 0.15: met)");
        assertThat(SimulationReport.missed(below)).isFalse();
        assertThat(SimulationReport.unjudged(below)).isFalse();
    }
}
