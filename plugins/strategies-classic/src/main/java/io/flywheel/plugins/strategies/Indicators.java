package io.flywheel.plugins.strategies;

import org.ta4j.core.Indicator;
import org.ta4j.core.indicators.RSIIndicator;
import org.ta4j.core.indicators.averages.EMAIndicator;
import org.ta4j.core.indicators.averages.SMAIndicator;
import org.ta4j.core.indicators.helpers.HighestValueIndicator;
import org.ta4j.core.indicators.helpers.LowestValueIndicator;
import org.ta4j.core.indicators.helpers.PreviousValueIndicator;
import org.ta4j.core.num.Num;

/** The ta4j indicators the strategies are built from, in one place so the golden-value tests check exactly these. */
final class Indicators {
    private Indicators() {}

    static Indicator<Num> movingAverage(MovingAverage kind, Indicator<Num> in, int period) {
        return switch (kind) {
            case SMA -> new SMAIndicator(in, period);
            case EMA -> new EMAIndicator(in, period);
        };
    }

    /** Wilder's RSI. */
    static Indicator<Num> rsi(Indicator<Num> in, int period) {
        return new RSIIndicator(in, period);
    }

    /** The highest value over the {@code period} bars before the current one (a Donchian upper band that excludes today). */
    static Indicator<Num> highestBefore(Indicator<Num> in, int period) {
        return new HighestValueIndicator(new PreviousValueIndicator(in, 1), period);
    }

    /** The lowest value over the {@code period} bars before the current one. */
    static Indicator<Num> lowestBefore(Indicator<Num> in, int period) {
        return new LowestValueIndicator(new PreviousValueIndicator(in, 1), period);
    }
}
