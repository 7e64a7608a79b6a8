package io.flywheel.plugins.strategies;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.market.Bar;
import io.flywheel.api.strategy.Strategy;
import io.flywheel.testkit.PriceFixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * No strategy can read a future bar: on real BTC history, each strategy's decisions up to bar k are
 * the same whether the bars after k are real or poisoned (a crash to a hundredth, then a
 * hundred-fold spike), and the history it is shown refuses any index past the current bar.
 */
class NoLookAheadTest {
    private static final List<Bar> BTC = PriceFixtures.btcDaily().subList(2000, 3200);

    private static final Map<String, Supplier<Strategy>> STRATEGIES = Map.of(
            "sma-crossover", () -> new SmaCrossoverFactory().create(new SmaCrossoverFactory.Config(10, 30, null, null), Histories.context("sma")),
            "ema-crossover", () -> new SmaCrossoverFactory().create(new SmaCrossoverFactory.Config(10, 30, MovingAverage.EMA, null), Histories.context("ema")),
            "rsi-reversion", () -> new RsiReversionFactory().create(new RsiReversionFactory.Config(14, 30.0, 70.0, null), Histories.context("rsi")),
            "donchian-breakout", () -> new DonchianBreakoutFactory().create(new DonchianBreakoutFactory.Config(20, 10, null), Histories.context("donchian")),
            "buy-and-hold", () -> new BuyAndHoldFactory().create(new BuyAndHoldFactory.Config(null), Histories.context("hold")));

    private static List<Bar> poisonedAfter(int k) {
        List<Bar> out = new ArrayList<>(BTC.subList(0, k + 1));
        for (int i = k + 1; i < BTC.size(); i++) {
            Bar b = BTC.get(i);
            double f = (i - k) % 2 == 1 ? 0.01 : 100;
            out.add(new Bar(b.symbol(), b.time(), b.open() * f, b.high() * f, b.low() * f, b.close() * f, b.volume() * 1000));
        }
        return out;
    }

    @Test
    void decisionsUpToEachBarDoNotDependOnTheBarsAfterIt() {
        for (var e : STRATEGIES.entrySet()) {
            double[] clean = Histories.exposures(e.getValue().get(), BTC);
            assertThat(Arrays.stream(clean).distinct().count()).as(e.getKey() + " trades at all").isGreaterThan(e.getKey().equals("buy-and-hold") ? 0 : 1);
            int noticed = 0;
            for (int k = 40; k < BTC.size() - 1; k += 37) {
                double[] poisoned = Histories.exposures(e.getValue().get(), poisonedAfter(k));
                assertThat(Arrays.copyOf(poisoned, k + 1)).as("%s up to bar %d", e.getKey(), k).isEqualTo(Arrays.copyOf(clean, k + 1));
                noticed += Arrays.equals(poisoned, clean) ? 0 : 1;
            }
            if (!e.getKey().equals("buy-and-hold")) {
                assertThat(noticed).as("%s reacts to the poison once it is the present (the test can fail)", e.getKey()).isPositive();
            }
        }
    }

    @Test
    void aHistoryWithAPoisonedFutureIsNeverReadPastTheCurrentBar() {
        for (var e : STRATEGIES.entrySet()) {
            // Histories.Guarded throws AssertionError on any index >= size.
            Histories.exposures(e.getValue().get(), poisonedAfter(100));
        }
    }
}
