package io.flywheel.engine.trading;

import java.time.Instant;

/**
 * One round trip of one strategy: from flat, into a position (perhaps resized on the way), and
 * back to flat.
 *
 * @param entryPrice average price of the units bought (sold, for a short) on the way in
 * @param exitPrice average price of the units sold (bought back) on the way out
 * @param quantity the largest position held during the trip, in units
 * @param profit cash in minus cash out, fees included
 * @param returnOnEntry profit over the value put in
 */
public record Trade(String strategyId, String symbol, Side side, Instant entryTime, double entryPrice, Instant exitTime, double exitPrice,
        double quantity, double profit, double returnOnEntry) {

    public enum Side { LONG, SHORT }

    public boolean won() {
        return profit > 0;
    }
}
