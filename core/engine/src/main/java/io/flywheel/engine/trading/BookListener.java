package io.flywheel.engine.trading;

import io.flywheel.api.trading.Fill;

/** What a {@link TradingBook} reports as it goes; every method is optional. */
public interface BookListener {

    default void filled(Fill fill) {}

    default void signal(Signal signal) {}

    default void tradeClosed(Trade trade) {}

    default void periodClosed(PeriodReport report) {}

    BookListener NONE = new BookListener() {};
}
