package io.flywheel.api.strategy;

import io.flywheel.api.market.Bar;

/**
 * The bars a strategy may see: those up to and including the current one. There is no way to
 * reach a later bar through this view.
 */
public interface BarHistory {

    String symbol();

    /** Number of bars seen so far; the current bar is {@code size() - 1}. */
    int size();

    /** Bar {@code index}, {@code 0 <= index < size()}. */
    Bar bar(int index);

    default Bar current() {
        return bar(size() - 1);
    }
}
