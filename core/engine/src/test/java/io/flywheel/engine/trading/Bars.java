package io.flywheel.engine.trading;

import io.flywheel.api.market.Bar;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Small hand-made bar series for exact arithmetic. */
final class Bars {
    static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

    private Bars() {}

    /** Daily bars from T0: bar i opens at {@code opens[i]} and closes at {@code closes[i]}. */
    static List<Bar> daily(String symbol, double[] opens, double[] closes) {
        List<Bar> out = new ArrayList<>();
        for (int i = 0; i < opens.length; i++) {
            double hi = Math.max(opens[i], closes[i]);
            double lo = Math.min(opens[i], closes[i]);
            out.add(new Bar(symbol, T0.plus(Duration.ofDays(i)), opens[i], hi, lo, closes[i], 1000));
        }
        return out;
    }

    /** Daily bars that open where the previous one closed. */
    static List<Bar> closes(String symbol, double... closes) {
        double[] opens = new double[closes.length];
        for (int i = 0; i < closes.length; i++) {
            opens[i] = i == 0 ? closes[0] : closes[i - 1];
        }
        return daily(symbol, opens, closes);
    }
}
