package io.flywheel.plugins.market;

import java.time.Instant;

/**
 * One row as read, before it is checked.
 *
 * @param where file and line, or URL and row, for messages
 * @param problem why the row could not even be read (a number that is not one), or {@code null}
 */
record RawRow(String symbol, Instant time, double open, double high, double low, double close, double volume, String where, String problem) {

    static RawRow unreadable(String symbol, String where, String problem) {
        return new RawRow(symbol, null, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, where, problem);
    }
}
