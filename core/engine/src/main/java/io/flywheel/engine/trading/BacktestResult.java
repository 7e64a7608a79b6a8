package io.flywheel.engine.trading;

import io.flywheel.api.trading.Fill;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One backtest run.
 *
 * @param label what ran ({@code adaptive}, {@code equal}, a strategy id)
 * @param times each traded bar time, once (bars of several symbols at one time are one point)
 * @param equity total equity after all bars at each of those times
 * @param strategyEquity per strategy, its sub-account equity at each of those times
 * @param trades closed round trips, in closing order
 * @param openTrades round trips still open at the end, valued at the last close
 * @param fills every fill, in order
 * @param periods every closed rebalance period, with the weights before and after
 * @param bars bars fed, warm-up included
 */
public record BacktestResult(String label, List<Instant> times, double[] equity, Map<String, double[]> strategyEquity, List<Trade> trades,
        List<Trade> openTrades, List<Fill> fills, List<PeriodReport> periods, Metrics metrics, long bars) {}
