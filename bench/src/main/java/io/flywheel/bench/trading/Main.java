package io.flywheel.bench.trading;

import io.flywheel.api.PluginContext;
import io.flywheel.api.market.Bar;
import io.flywheel.engine.trading.BacktestResult;
import io.flywheel.engine.trading.Backtester;
import io.flywheel.engine.trading.HedgeRule;
import io.flywheel.engine.trading.TradingBook;
import io.flywheel.plugins.strategies.BuyAndHoldFactory;
import io.flywheel.plugins.strategies.DonchianBreakoutFactory;
import io.flywheel.plugins.strategies.RsiReversionFactory;
import io.flywheel.plugins.strategies.SmaCrossoverFactory;
import io.flywheel.testkit.PriceFixtures;
import io.flywheel.testkit.TestPluginContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ta4j.core.BarSeries;
import org.ta4j.core.BaseBar;
import org.ta4j.core.BaseBarSeriesBuilder;
import org.ta4j.core.AnalysisCriterion;
import org.ta4j.core.TradingRecord;
import org.ta4j.core.criteria.NumberOfPositionsCriterion;
import org.ta4j.core.criteria.PositionsRatioCriterion;
import org.ta4j.core.criteria.SharpeRatioCriterion;
import org.ta4j.core.criteria.SortinoRatioCriterion;
import org.ta4j.core.criteria.drawdown.MaximumDrawdownCriterion;
import org.ta4j.core.criteria.pnl.NetReturnCriterion;
import org.ta4j.core.backtest.BarSeriesManager;
import org.ta4j.core.backtest.TradeOnNextOpenModel;
import org.ta4j.core.num.DoubleNum;
import org.ta4j.core.num.DoubleNumFactory;

/**
 * Bars per second through Flywheel's backtest path (the same trading book the live paper run
 * uses: history, strategy, paper broker, sub-accounts, metrics) for one strategy (SMA 20/50
 * crossover) and for the four-strategy adaptive ensemble, over 1,000,000 four-hour bars; and the
 * same SMA strategy through ta4j's own {@code BarSeriesManager} in the same run.
 *
 * <p>The bars are the real Coinbase BTC-USD 4-hour history (20,695 bars, 2016-2025) played forward,
 * then backward, and so on until there are enough, times continuing every 4 hours.
 */
public final class Main {
    private static final SmaCrossoverFactory.Config SMA = new SmaCrossoverFactory.Config(20, 50, null, null);

    static volatile double blackhole;

    private Main() {}

    public static void main(String[] args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        int n = quick ? 200_000 : 1_000_000;
        int runs = quick ? 3 : 5;
        List<Bar> bars = chained(PriceFixtures.btc4h(), n);
        Backtester backtester = new Backtester(new Backtester.Costs(10, 5));
        TradingBook.Settings settings = new TradingBook.Settings(10_000, Duration.ofDays(1), 0.02, null);
        PluginContext ctx = new TestPluginContext("bench", Clock.systemUTC(), null, null, null, null);
        List<Backtester.Entry> single = List.of(new Backtester.Entry("sma", "BTC-USD", () -> new SmaCrossoverFactory().create(SMA, ctx)));
        List<Backtester.Entry> four = List.of(single.getFirst(),
                new Backtester.Entry("rsi", "BTC-USD", () -> new RsiReversionFactory().create(new RsiReversionFactory.Config(14, 30.0, 70.0, null), ctx)),
                new Backtester.Entry("donchian", "BTC-USD", () -> new DonchianBreakoutFactory().create(new DonchianBreakoutFactory.Config(20, 10, null), ctx)),
                new Backtester.Entry("hold", "BTC-USD", () -> new BuyAndHoldFactory().create(new BuyAndHoldFactory.Config(null), ctx)));

        // warm-up: every path once on a slice
        List<Bar> slice = bars.subList(0, Math.min(bars.size(), 100_000));
        backtester.run("warm", slice, four, settings, null, new HedgeRule(10), Map.of(), Backtester.Progress.NONE);
        ta4j(slice, false);

        long[] engine = new long[runs];
        List<Backtester.Entry> hold = List.of(four.getLast());
        long[] single_ = new long[runs];
        long[] ensemble = new long[runs];
        long[] ta4jAll = new long[runs];
        long[] ta4jRun = new long[runs];
        int flywheelTrades = 0;
        int ta4jTrades = 0;
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            BacktestResult one = backtester.run("sma", bars, single, settings, null, new HedgeRule(10), Map.of(), Backtester.Progress.NONE);
            single_[r] = System.nanoTime() - t0;
            flywheelTrades = one.metrics().trades() + one.openTrades().size();

            t0 = System.nanoTime();
            backtester.run("ensemble", bars, four, settings, null, new HedgeRule(10), Map.of(), Backtester.Progress.NONE);
            ensemble[r] = System.nanoTime() - t0;

            t0 = System.nanoTime();
            backtester.run("hold", bars, hold, settings, null, new HedgeRule(10), Map.of(), Backtester.Progress.NONE);
            engine[r] = System.nanoTime() - t0;

            long[] t = ta4j(bars, false);
            ta4jAll[r] = t[0];
            ta4jRun[r] = t[1];
            ta4jTrades = (int) t[2];
        }
        // Once: ta4j's criteria take seconds per million bars.
        long ta4jMetrics = ta4j(bars, true)[3];
        double singleRate = n / (fastest(single_) / 1e9);
        double ensembleRate = n / (fastest(ensemble) / 1e9);
        double ta4jRate = n / (fastest(ta4jAll) / 1e9);
        double ta4jRunRate = n / (fastest(ta4jRun) / 1e9);
        double ta4jMetricsRate = n / (ta4jMetrics / 1e9);
        System.out.printf(Locale.ROOT, "%,d four-hour bars (real BTC-USD 2016-2025, played forward and backward), fastest of %d runs%n%n", n, runs);
        System.out.printf(Locale.ROOT, "%-62s %14s %12s%n", "path", "bars/s", "ms");
        System.out.printf(Locale.ROOT, "%-62s %,14.0f %12.0f%n", "flywheel backtest, sma-crossover 20/50 (bars in, metrics out)", singleRate, fastest(single_) / 1e6);
        System.out.printf(Locale.ROOT, "%-62s %,14.0f %12.0f%n", "flywheel backtest, 4-strategy adaptive ensemble", ensembleRate, fastest(ensemble) / 1e6);
        System.out.printf(Locale.ROOT, "%-62s %,14.0f %12.0f%n", "flywheel backtest, buy-and-hold (the desk alone, no indicators)", n / (fastest(engine) / 1e9),
                fastest(engine) / 1e6);
        System.out.printf(Locale.ROOT, "%-62s %,14.0f %12.0f%n", "ta4j BarSeriesManager, same sma rules (series build + run)", ta4jRate, fastest(ta4jAll) / 1e6);
        System.out.printf(Locale.ROOT, "%-62s %,14.0f %12.0f%n", "ta4j BarSeriesManager, run only (series prebuilt)", ta4jRunRate, fastest(ta4jRun) / 1e6);
        System.out.printf(Locale.ROOT, "%-62s %,14.0f %12.0f%n", "ta4j build + run + 6 of the metrics via ta4j criteria (1 run)", ta4jMetricsRate,
                ta4jMetrics / 1e6);
        System.out.printf(Locale.ROOT, "%nround trips: flywheel %d, ta4j %d (same entry/exit rules, next-open fills)%n", flywheelTrades, ta4jTrades);
        System.out.printf(Locale.ROOT, "flywheel / ta4j: %.2fx against build + run, %.2fx against run alone, %.2fx against build + run + metrics%n",
                singleRate / ta4jRate, singleRate / ta4jRunRate, singleRate / ta4jMetricsRate);
        System.out.printf(Locale.ROOT,
                "RESULT {\"single_bars_per_s\": %.0f, \"ensemble_bars_per_s\": %.0f, \"vs_ta4j\": %.2f, \"vs_ta4j_run_only\": %.2f, \"vs_ta4j_with_metrics\": %.2f, \"bars\": %d}%n",
                singleRate, ensembleRate, singleRate / ta4jRate, singleRate / ta4jRunRate, singleRate / ta4jMetricsRate, n);
    }

    /** {total ns (series build + run), run-only ns, positions}: the SMA rules through ta4j's own backtester. */
    private static long[] ta4j(List<Bar> bars, boolean withMetrics) {
        long t0 = System.nanoTime();
        BarSeries series = new BaseBarSeriesBuilder().withNumFactory(DoubleNumFactory.getInstance()).build();
        for (Bar b : bars) {
            // As the strategies build their bars (begin derived from end and the zero period).
            series.addBar(new BaseBar(Duration.ZERO, null, b.time(), DoubleNum.valueOf(b.open()), DoubleNum.valueOf(b.high()), DoubleNum.valueOf(b.low()),
                    DoubleNum.valueOf(b.close()), DoubleNum.valueOf(b.volume()), DoubleNum.ZERO, 0));
        }
        long t1 = System.nanoTime();
        TradingRecord record = new BarSeriesManager(series, new TradeOnNextOpenModel()).run(SmaCrossoverFactory.rules(SMA, series));
        long t2 = System.nanoTime();
        long t3 = t2;
        if (withMetrics) {
            // The figures Flywheel's backtest reports, through ta4j's own criteria (exposure left out:
            // ta4j's InPositionPercentageCriterion overflows on a series spanning centuries).
            double sink = 0;
            for (AnalysisCriterion c : List.of(new NetReturnCriterion(), new MaximumDrawdownCriterion(), new SharpeRatioCriterion(),
                    new SortinoRatioCriterion(), new PositionsRatioCriterion(AnalysisCriterion.PositionFilter.PROFIT), new NumberOfPositionsCriterion())) {
                sink += c.calculate(series, record).doubleValue();
            }
            t3 = System.nanoTime();
            blackhole = sink;
        }
        return new long[] {t2 - t0, t2 - t1, record.getPositionCount() + (record.getCurrentPosition().isOpened() ? 1 : 0), t3 - t0};
    }

    /**
     * The real 4-hour history played forward, then backward (each bar's open and close swapped), and
     * so on until {@code n} bars: prices stay in the real range and every move is a real one.
     */
    public static List<Bar> chained(List<Bar> real, int n) {
        List<Bar> out = new ArrayList<>(n);
        Instant t = real.getFirst().time();
        boolean forward = true;
        while (out.size() < n) {
            for (int k = 0; k < real.size() && out.size() < n; k++) {
                Bar b = real.get(forward ? k : real.size() - 1 - k);
                double open = forward ? b.open() : b.close();
                double close = forward ? b.close() : b.open();
                out.add(new Bar("BTC-USD", t, open, b.high(), b.low(), close, b.volume()));
                t = t.plus(Duration.ofHours(4));
            }
            forward = !forward;
        }
        return out;
    }

    /** The fastest run: on a shared machine the others measure the neighbours too. */
    private static long fastest(long[] v) {
        return Arrays.stream(v).min().orElseThrow();
    }

}
