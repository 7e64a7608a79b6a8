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
    }
}
