package io.flywheel.api.trading;

import java.time.Instant;
import java.util.Objects;

/**
 * An executed order.
 *
 * @param order what was asked
 * @param time when it executed (the open time of the bar it filled on, for the paper broker)
 * @param price the price per unit paid or received, slippage included
 * @param fee the commission charged, in the quote currency, non-negative
 */
public record Fill(Order order, Instant time, double price, double fee) {
    public Fill {
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(time, "time");
        if (!(price > 0) || !Double.isFinite(price)) {
            throw new IllegalArgumentException("price must be positive and finite, found " + price);
        }
        if (!(fee >= 0) || !Double.isFinite(fee)) {
            throw new IllegalArgumentException("fee must be non-negative and finite, found " + fee);
        }
    }

    /** Units bought (positive) or sold (negative). */
    public double quantity() {
        return order.quantity();
    }

    /** Cash paid (negative) or received (positive), fee included. */
    public double cashFlow() {
        return -order.quantity() * price - fee;
    }
}
