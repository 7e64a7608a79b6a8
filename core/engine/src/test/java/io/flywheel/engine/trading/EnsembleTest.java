package io.flywheel.engine.trading;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.market.Bar;
import io.flywheel.testkit.PriceFixtures;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnsembleTest {
    private static final List<Bar> ETH = PriceFixtures.ethDaily();
    private static final List<Backtester.Entry> ENTRIES = List.of(
            new Backtester.Entry("trend", "ETH-USD", () -> Strategies.smaCross(10, 50)),
            new Backtester.Entry("hold", "ETH-USD", () -> h -> 1.0),
            new Backtester.Entry("contrarian", "ETH-USD", () -> h -> h.size() > 1 && h.current().close() < h.bar(h.size() - 2).close() ? 1 : 0),
            new Backtester.Entry("cash", "ETH-USD", () -> h -> 0.0));
    private static final TradingBook.Settings WEEKLY = new TradingBook.Settings(10_000, Duration.ofDays(7), 0.02, ETH.get(100).time());
    private static final Backtester BACKTESTER = new Backtester(new Backtester.Costs(10, 5));

    @Test
    void runsAdaptiveEqualAndEverySingleAndPicksTheBestInHindsight() {
        Ensemble e = Ensemble.run(BACKTESTER, ETH, ENTRIES, WEEKLY, null, new HedgeRule(5), Backtester.Progress.NONE);

        assertThat(e.singles()).extracting(BacktestResult::label).containsExactly("trend", "hold", "contrarian", "cash");
        BacktestResult best = e.singles().stream().max(Comparator.comparingDouble(r -> r.metrics().totalReturn())).orElseThrow();
        assertThat(e.bestSingle()).isSameAs(best);
        assertThat(e.singles().get(3).metrics().totalReturn()).as("cash earns nothing").isZero();
        assertThat(e.equal().periods()).allSatisfy(p -> assertThat(p.weightsAfter().values()).allSatisfy(w -> assertThat(w).isEqualTo(0.25)));
        assertThat(e.adaptive().periods().getLast().weightsAfter()).isNotEqualTo(e.adaptive().periods().getFirst().weightsBefore());
        assertThat(e.adaptive().times()).hasSize(ETH.size() - 100);
        assertThat(e.adaptive().equity()[0]).isEqualTo(10_000);
    }

    @Test
    void adaptiveWeightsAreLearnedOnlyFromThePast() {
        // Walk-forward: cut the data at several points; every weight decided before the cut is the same as with the full history.
        Ensemble full = Ensemble.run(BACKTESTER, ETH, ENTRIES, WEEKLY, null, new HedgeRule(5), Backtester.Progress.NONE);
        for (int cut : new int[] {400, 1500, 3000}) {
            Ensemble partial = Ensemble.run(BACKTESTER, ETH.subList(0, cut), ENTRIES, WEEKLY, null, new HedgeRule(5), Backtester.Progress.NONE);
            List<PeriodReport> p = partial.adaptive().periods();
            assertThat(p).isNotEmpty();
            assertThat(full.adaptive().periods().subList(0, p.size())).isEqualTo(p);
        }
    }

    @Test
    void capitalFlowsToTheStrategyThatEarns() {
        // On a steady uptrend the always-long strategy earns and the cash one does not.
        double[] closes = new double[200];
        for (int i = 0; i < closes.length; i++) {
            closes[i] = 100 * Math.pow(1.01, i);
        }
        List<Bar> up = Bars.closes("ETH-USD", closes);
        List<Backtester.Entry> two = List.of(ENTRIES.get(1), ENTRIES.get(3));
        TradingBook.Settings daily = new TradingBook.Settings(1000, Duration.ofDays(1), 0.01, null);
        BacktestResult adaptive = BACKTESTER.run("adaptive", up, two, daily, null, new HedgeRule(20), Map.of(), Backtester.Progress.NONE);
        BacktestResult equal = BACKTESTER.run("equal", up, two, daily, null, Ensemble.KEEP, Map.of(), Backtester.Progress.NONE);

        assertThat(adaptive.periods().getLast().weightsAfter().get("hold")).isGreaterThan(0.9);
        assertThat(adaptive.metrics().totalReturn()).isGreaterThan(equal.metrics().totalReturn());
    }

    private static final class Map {
        static <K, V> java.util.Map<K, V> of() {
            return java.util.Map.of();
        }
    }
}
