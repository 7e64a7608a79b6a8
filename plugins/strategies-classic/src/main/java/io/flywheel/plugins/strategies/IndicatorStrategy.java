package io.flywheel.plugins.strategies;

import io.flywheel.api.market.Bar;
import io.flywheel.api.strategy.BarHistory;
import io.flywheel.api.strategy.Strategy;
import java.time.Duration;
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

    private final BarSeries series;
    private final org.ta4j.core.Strategy rules;
    private final double exposure;
    private int seen;
    private boolean holding;

    /**
     * @param lookback the longest indicator period, to size the series
     * @param rules builds the entry and exit rules (and their warm-up, as unstable bars) on the strategy's series
     */
    IndicatorStrategy(String name, int lookback, double exposure, Function<BarSeries, org.ta4j.core.Strategy> rules) {
        this.series = new BaseBarSeriesBuilder().withName(name).withNumFactory(DoubleNumFactory.getInstance())
                .withMaxBarCount(Math.max(MIN_KEPT, lookback * 4)).build();
        this.rules = rules.apply(series);
        this.exposure = exposure;
    }

    @Override
    public final double targetExposure(BarHistory history) {
        int size = history.size();
        if (size < seen) {
            throw new IllegalStateException("the history shrank from " + seen + " to " + size + " bars; a strategy instance follows one history");
        }
        for (int i = seen; i < size; i++) {
            series.addBar(toTa4j(history.bar(i)));
        }
        seen = size;
        int end = series.getEndIndex();
        if (!holding) {
            holding = rules.shouldEnter(end);
        } else if (rules.shouldExit(end)) {
            holding = false;
        }
        return holding ? exposure : 0;
    }

    static BaseBar toTa4j(Bar b) {
        // Begin and end are both the bar's time: these indicators never use bar durations, and a
        // zero period keeps end times strictly increasing across gaps, as ta4j requires.
        return new BaseBar(Duration.ZERO, b.time(), b.time(), num(b.open()), num(b.high()), num(b.low()), num(b.close()), num(b.volume()),
                DoubleNum.ZERO, 0);
    }

    private static Num num(double v) {
        return DoubleNum.valueOf(v);
    }
}
