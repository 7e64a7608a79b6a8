package io.flywheel.engine.trading;

import io.flywheel.api.market.Bar;
import io.flywheel.api.strategy.BarHistory;
import java.util.Arrays;

/**
 * The bars of one symbol seen so far. Strategies get this view: {@link #bar} refuses every index
 * past the current bar, and nothing later has been added yet, so no strategy can read the future.
 */
final class History implements BarHistory {
    private final String symbol;
    private Bar[] bars = new Bar[256];
    private int size;

    History(String symbol) {
        this.symbol = symbol;
    }

    void add(Bar bar) {
        if (!bar.symbol().equals(symbol)) {
            throw new IllegalArgumentException("a " + bar.symbol() + " bar in the history of " + symbol);
        }
        if (size > 0 && !bar.time().isAfter(bars[size - 1].time())) {
            throw new IllegalArgumentException(symbol + ": bar at " + bar.time() + " does not follow " + bars[size - 1].time());
        }
        if (size == bars.length) {
            bars = Arrays.copyOf(bars, size * 2);
        }
        bars[size++] = bar;
    }

    @Override
    public String symbol() {
        return symbol;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Bar bar(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("bar " + index + " of " + symbol + ": only bars 0.." + (size - 1) + " are in the past");
        }
        return bars[index];
    }
}
