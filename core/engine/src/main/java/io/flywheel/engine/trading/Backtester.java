package io.flywheel.engine.trading;

import io.flywheel.api.market.Bar;
import io.flywheel.api.strategy.Strategy;
import io.flywheel.api.trading.Fill;
import io.flywheel.engine.rules.StrategyWeightRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs a {@link TradingBook} over recorded bars: the same desk, broker and allocator the live
 * paper run uses. Bars before {@code from} warm the strategies up; bars after {@code to} are not fed.
 */
public final class Backtester {

    /**
     * @param feeBps commission in basis points of traded value
     * @param slippageBps price moved against each order, in basis points
     */
    public record Costs(double feeBps, double slippageBps) {}

    /** A strategy to run, made fresh for every run (strategies keep state). */
    public record Entry(String id, String symbol, Supplier<Strategy> strategy) {}

    /** Told how far a run has got, about every 1% of its bars. */
    @FunctionalInterface
    public interface Progress {
        void at(long done, long total);

        Progress NONE = (done, total) -> {};
    }

    private final Costs costs;

    public Backtester(Costs costs) {
        this.costs = costs;
    }

    /**
     * @param bars time-sorted (several symbols interleave; the equity curve has one point per distinct bar time)
     * @param settings capital, rebalance period, min weight; its {@code tradeFrom} is the backtest's {@code from}
     * @param to the last bar time fed, inclusive, or {@code null}
     */
    public BacktestResult run(String label, List<Bar> bars, List<Entry> entries, TradingBook.Settings settings, Instant to, StrategyWeightRule rule,
            Map<String, Double> initialWeights, Progress progress) {
        List<TradingBook.Slot> slots = entries.stream().map(e -> new TradingBook.Slot(e.id(), e.symbol(), e.strategy().get())).toList();
        Recorder rec = new Recorder();
        TradingBook book = new TradingBook(slots, settings, new PaperBroker(costs.feeBps(), costs.slippageBps()), rule, initialWeights, rec);
        int n = bars.size();
        Instant[] times = new Instant[n];
        double[] equity = new double[n];
        double[] exposure = new double[n];
        double[][] perStrategy = new double[entries.size()][n];
        double[] now = new double[entries.size()];
        int traded = 0;
        long step = Math.max(1, n / 100);
        for (int i = 0; i < n; i++) {
            Bar bar = bars.get(i);
            if (to != null && bar.time().isAfter(to)) {
                break;
            }
            book.onBar(bar);
            if (book.trading()) {
                // One equity point per bar time, taken after every symbol's bar at that time: a
                // point per symbol would count one day as several returns and inflate Sharpe.
                if (traded > 0 && times[traded - 1].equals(bar.time())) {
                    traded--;
                }
                times[traded] = bar.time();
                double e = book.equity();
                equity[traded] = e;
                exposure[traded] = e > 0 ? book.grossValue() / e : 0;
                book.equitiesInto(now);
                for (int s = 0; s < now.length; s++) {
                    perStrategy[s][traded] = now[s];
                }
                traded++;
            }
            if (i % step == 0) {
                progress.at(i, n);
            }
        }
        progress.at(n, n);
        int m = traded;
        Map<String, double[]> curves = new LinkedHashMap<>();
        for (int s = 0; s < entries.size(); s++) {
            curves.put(entries.get(s).id(), Arrays.copyOf(perStrategy[s], m));
        }
        Metrics metrics = Metrics.of(times, equity, exposure, m, rec.trades);
        return new BacktestResult(label, List.of(Arrays.copyOf(times, m)), Arrays.copyOf(equity, m), curves, List.copyOf(rec.trades),
                book.openTrades(), List.copyOf(rec.fills), List.copyOf(rec.periods), metrics, book.barCount());
    }

    private static final class Recorder implements BookListener {
        final List<Trade> trades = new ArrayList<>();
        final List<Fill> fills = new ArrayList<>();
        final List<PeriodReport> periods = new ArrayList<>();

        @Override
        public void filled(Fill fill) {
            fills.add(fill);
        }

        @Override
        public void tradeClosed(Trade trade) {
            trades.add(trade);
        }

        @Override
        public void periodClosed(PeriodReport report) {
            periods.add(report);
        }
    }
}
