package io.flywheel.engine.trading;

import io.flywheel.api.trading.Fill;
import java.time.Instant;

/**
 * One strategy's virtual account: its cash, its position in its one symbol, and the round trip
 * in progress. Everything it earns or pays is its own, so its profit is attributed exactly.
 */
final class SubAccount {
    final String strategyId;
    final String symbol;
    double cash;
    double quantity;
    /** The last close of the symbol, or 0 before its first bar. */
    double mark;
    /** Equity when the current period began (after the rebalance). */
    double periodStart;
    /** The exposure the strategy asked for after the last bar. */
    double exposure;
    /** Capital changed by a rebalance since the strategy last sized its position. */
    boolean resized;
    boolean failed;

    private Instant tripStart;
    private double tripEntryValue;
    private double tripEntryQty;
    private double tripExitValue;
    private double tripExitQty;
    private double tripFlows;
    private double tripMaxQty;

    SubAccount(String strategyId, String symbol) {
        this.strategyId = strategyId;
        this.symbol = symbol;
    }

    double equity() {
        return cash + quantity * mark;
    }

    /** Applies {@code fill}; returns the round trip it closed, if it closed one. */
    Trade apply(Fill fill) {
        double q = fill.quantity();
        Trade closed = null;
        if (quantity != 0 && Math.signum(quantity + q) != Math.signum(quantity) && quantity + q != 0) {
            // A flip from long to short (or back): close the trip with the part that flattens, open one with the rest.
            double part = -quantity;
            double feePart = fill.fee() * Math.abs(part / q);
            closed = book(fill, part, feePart);
            book(fill, q - part, fill.fee() - feePart);
            return closed;
        }
        return book(fill, q, fill.fee());
    }

    private Trade book(Fill fill, double q, double fee) {
        double flow = -q * fill.price() - fee;
        if (quantity == 0) {
            tripStart = fill.time();
            tripEntryValue = tripEntryQty = tripExitValue = tripExitQty = tripFlows = tripMaxQty = 0;
        }
        boolean adding = quantity == 0 || Math.signum(q) == Math.signum(quantity);
        cash += flow;
        quantity += q;
        if (Math.abs(quantity) <= 1e-9 * Math.abs(q)) {
            quantity = 0; // what is left of selling everything is rounding, whatever the unit size
        }
        tripFlows += flow;
        if (adding) {
            tripEntryValue += Math.abs(q) * fill.price();
            tripEntryQty += Math.abs(q);
        } else {
            tripExitValue += Math.abs(q) * fill.price();
            tripExitQty += Math.abs(q);
        }
        tripMaxQty = Math.max(tripMaxQty, Math.abs(quantity));
        if (quantity != 0) {
            return null;
        }
        double entryPrice = tripEntryValue / tripEntryQty;
        return new Trade(strategyId, symbol, q < 0 ? Trade.Side.LONG : Trade.Side.SHORT, tripStart, entryPrice, fill.time(),
                tripExitValue / tripExitQty, tripMaxQty, tripFlows, tripFlows / tripEntryValue);
    }

    /** The round trip still open, valued at the mark, or {@code null} when flat. */
    Trade open(Instant now) {
        if (quantity == 0) {
            return null;
        }
        double value = tripFlows + quantity * mark;
        return new Trade(strategyId, symbol, quantity > 0 ? Trade.Side.LONG : Trade.Side.SHORT, tripStart, tripEntryValue / tripEntryQty, now, mark,
                tripMaxQty, value, value / tripEntryValue);
    }
}
