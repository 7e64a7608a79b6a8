package io.flywheel.engine.trading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static Instant[] days(int n) {
        Instant[] t = new Instant[n];
        for (int i = 0; i < n; i++) {
            t[i] = Bars.T0.plus(Duration.ofDays(i));
        }
        return t;
    }

    private static Trade trade(double profit) {
        return new Trade("s", "X", Trade.Side.LONG, Bars.T0, 1, Bars.T0, 1, 1, profit, profit);
    }

    @Test
    void returnDrawdownWinRateAndExposureFromAKnownCurve() {
        double[] equity = {100, 110, 99, 121, 110};
        double[] exposure = {0, 1, 1, 0.5, 0};
        Metrics m = Metrics.of(days(5), equity, exposure, 5, List.of(trade(5), trade(-1), trade(3)));

        assertThat(m.totalReturn()).isCloseTo(0.10, within(1e-12));
        assertThat(m.maxDrawdown()).isCloseTo(0.10, within(1e-12)); // 110 -> 99
        assertThat(m.winRate()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(m.trades()).isEqualTo(3);
        assertThat(m.exposure()).isCloseTo(0.5, within(1e-12));
        assertThat(m.cagr()).isCloseTo(Math.pow(1.1, 365.25 / 4) - 1, within(1e-6));
    }

    @Test
    void sharpeAndSortinoAreAnnualizedByBarsPerYear() {
        // 366 daily returns alternating +2% and -1%
        int n = 367;
        double[] equity = new double[n];
        equity[0] = 100;
        for (int i = 1; i < n; i++) {
            equity[i] = equity[i - 1] * (i % 2 == 1 ? 1.02 : 0.99);
        }
        Metrics m = Metrics.of(days(n), equity, new double[n], n, List.of());
        double mean = 0.005;
        double sd = 0.015 * Math.sqrt(366.0 / 365);
        double perYear = 365.25;
        assertThat(m.sharpe()).isCloseTo(mean / sd * Math.sqrt(perYear), within(1e-6));
        double downside = Math.sqrt(0.0001 / 2);
        assertThat(m.sortino()).isCloseTo(mean / downside * Math.sqrt(perYear), within(1e-6));
        assertThat(m.winRate()).isNaN();
    }

    @Test
    void aFlatCurveHasNoSharpe() {
        Metrics m = Metrics.of(days(3), new double[] {5, 5, 5}, new double[3], 3, List.of());
        assertThat(m.totalReturn()).isZero();
        assertThat(m.sharpe()).isNaN();
        assertThat(m.maxDrawdown()).isZero();
    }
}
