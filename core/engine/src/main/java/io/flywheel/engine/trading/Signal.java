package io.flywheel.engine.trading;

import java.time.Instant;

/**
 * A strategy changed its mind after a bar's close; the order it causes fills at the next open.
 *
 * @param time the bar after whose close it happened
 * @param price that bar's close
 * @param capital the strategy's sub-account equity at that close
 * @param note why, for failures
 */
public record Signal(Instant time, String strategyId, String symbol, Kind kind, double fromExposure, double toExposure, double price, double capital,
        String note) {

    public enum Kind { ENTRY, EXIT, RESIZE, FAILED }
}
