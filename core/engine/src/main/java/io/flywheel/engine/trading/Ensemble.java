package io.flywheel.engine.trading;

import io.flywheel.api.market.Bar;
import io.flywheel.engine.rules.StrategyWeightRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * All configured strategies together, three ways over the same bars: capital weighted by the
 * rule (adaptive), equal weights rebalanced each period, and the best single strategy in
 * hindsight. The adaptive run is walk-forward by construction: the weights in force during a
 * period are computed at its start from the returns of earlier periods only.
 *
 * @param singles every strategy alone, with all the capital
 */
public record Ensemble(BacktestResult adaptive, BacktestResult equal, BacktestResult bestSingle, List<BacktestResult> singles) {

    /** Keeps the current weights: equal weights rebalanced each period. */
    static final StrategyWeightRule KEEP = (returns, current) -> current;

    public static Ensemble run(Backtester backtester, List<Bar> bars, List<Backtester.Entry> entries, TradingBook.Settings settings, Instant to,
            StrategyWeightRule rule, Backtester.Progress progress) {
        int runs = entries.size() + 2;
        long[] base = {0};
        Backtester.Progress overall = (done, total) -> progress.at(base[0] * total + done, (long) runs * total);
        BacktestResult adaptive = backtester.run("adaptive", bars, entries, settings, to, rule, Map.of(), overall);
        base[0]++;
        BacktestResult equal = backtester.run("equal", bars, entries, settings, to, KEEP, Map.of(), overall);
        base[0]++;
        List<BacktestResult> singles = new ArrayList<>();
        TradingBook.Settings alone = new TradingBook.Settings(settings.capital(), settings.rebalance(), 0, settings.tradeFrom());
        for (Backtester.Entry e : entries) {
            singles.add(backtester.run(e.id(), bars, List.of(e), alone, to, KEEP, Map.of(), overall));
            base[0]++;
        }
        BacktestResult best = singles.stream().max(Comparator.comparingDouble(r -> r.metrics().totalReturn())).orElseThrow();
        return new Ensemble(adaptive, equal, best, List.copyOf(singles));
    }
}
