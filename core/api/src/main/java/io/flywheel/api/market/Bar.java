package io.flywheel.api.market;

import java.time.Instant;
import java.util.Objects;

/**
 * One OHLCV bar.
 *
 * @param symbol the instrument, for example {@code BTC-USD}
 * @param time the bar's open time
 */
public record Bar(String symbol, Instant time, double open, double high, double low, double close, double volume) {
    public Bar {
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(time, "time");
        if (!(open > 0 && high > 0 && low > 0 && close > 0)) {
            throw new IllegalArgumentException("prices must be positive and finite: open=" + open + " high=" + high + " low=" + low + " close=" + close);
        }
        if (!Double.isFinite(open + high + low + close) || !Double.isFinite(volume) || volume < 0) {
            throw new IllegalArgumentException("prices and volume must be finite, volume non-negative: volume=" + volume);
        }
        if (high < low || high < Math.max(open, close) || low > Math.min(open, close)) {
            throw new IllegalArgumentException("high/low do not bound the bar: open=" + open + " high=" + high + " low=" + low + " close=" + close);
        }
    }
}
