package io.flywheel.plugins.strategies;

import io.flywheel.api.market.Bar;
import io.flywheel.api.strategy.BarHistory;
import io.flywheel.api.strategy.Strategy;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.ta4j.core.BarSeries;
import org.ta4j.core.BaseBar;
import org.ta4j.core.BaseBarSeriesBuilder;
import org.ta4j.core.num.DoubleNum;
import org.ta4j.core.num.DoubleNumFactory;
import org.ta4j.core.num.Num;

/**
 * A long-or-flat strategy made of ta4j indicators and entry/exit rules. It copies each new bar
 * of the history it is shown into its own ta4j series (bounded, so a live run does not grow
 * without end) and asks the rules about the last bar only: it cannot see a bar the host has not
 * shown it. One instance follows one history from its first bar; a backtest makes a new one.
 */
class IndicatorStrategy implements Strategy {
    /** Bars kept in the ta4j series at least; indicators look back at most a few periods. */
    static final int MIN_KEPT = 500;
    /**
     * The series grows to this many times the bars kept before it is cut back in one go: ta4j drops
     * bars over its maximum one at a time from the front of an array list, which at the cap would
     * shift every kept bar on every new bar.
     */
    static final int TRIM_FACTOR = 8;

    private final BarSeries series;
    private final int kept;
    private final int capacity;
    private final org.ta4j.core.Strategy rules;
    private final double exposure;
    private int seen;
    private boolean holding;
    /** The series ends with a stand-in for the bar after the last one seen (see {@link #targetExposure}). */
    private boolean standIn;

    /**
     * @param lookback the longest indicator period, to size the series
     * @param rules builds the entry and exit rules (and their warm-up, as unstable bars) on the strategy's series
     */
    IndicatorStrategy(String name, int lookback, double exposure, Function<BarSeries, org.ta4j.core.Strategy> rules) {
        this.kept = Math.max(MIN_KEPT, lookback * 4);
        this.capacity = kept * TRIM_FACTOR;
        this.series = new BaseBarSeriesBuilder().withName(name).withNumFactory(DoubleNumFactory.getInstance()).withMaxBarCount(capacity).build();
        this.rules = rules.apply(series);
        this.exposure = exposure;
    }

    @Override
    public final double targetExposure(BarHistory history) {
        int size = history.size();
        if (size < seen) {
            throw new IllegalStateException("the history shrank from " + seen + " to " + size + " bars; a strategy instance follows one history");
        }
        if (size == seen) {
            return holding ? exposure : 0;
        }
        BaseBar last = null;
        for (int i = seen; i < size; i++) {
            last = toTa4j(history.bar(i));
            series.addBar(last, standIn);
            standIn = false;
        }
        seen = size;
        if (series.getBarCount() >= capacity) {
            series.setMaximumBarCount(kept); // drops the oldest bars in one go
            series.setMaximumBarCount(capacity);
        }
        // ta4j recomputes the value of a series' last bar on every call and never caches it, since a
        // live last bar may still change; the next bar then computes it again. Bars here are closed,
        // so the series gets a stand-in after the real last bar (replaced by the next real one,
        // never evaluated): every indicator value is computed once and cached. Indicators read
        // only bars up to the index asked for, so the stand-in cannot change a decision.
        Instant after = last.getEndTime().plusNanos(1);
        series.addBar(new BaseBar(Duration.ZERO, null, after, last.getOpenPrice(), last.getHighPrice(), last.getLowPrice(), last.getClosePrice(),
                last.getVolume(), DoubleNum.ZERO, 0));
        standIn = true;
        int end = series.getEndIndex() - 1;
        if (!holding) {
            holding = rules.shouldEnter(end);
        } else if (rules.shouldExit(end)) {
            holding = false;
        }
        return holding ? exposure : 0;
    }

    static BaseBar toTa4j(Bar b) {
        // Begin and end are both the bar's time: these indicators never use bar durations, and a
        // zero period keeps end times strictly increasing across gaps, as ta4j requires. The begin
        // time is left for ta4j to derive (end minus the zero period): given both, BaseBar checks
        // them with Duration.between, which cost about a tenth of the whole backtest.
        return new BaseBar(Duration.ZERO, null, b.time(), num(b.open()), num(b.high()), num(b.low()), num(b.close()), num(b.volume()),
                DoubleNum.ZERO, 0);
    }

    private static Num num(double v) {
        return DoubleNum.valueOf(v);
    }
}
