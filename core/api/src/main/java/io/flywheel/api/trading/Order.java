package io.flywheel.api.trading;

import java.time.Instant;
import java.util.Objects;

/**
 * An instruction to change one account's position in one symbol.
 *
 * @param account the (sub-)account the order is for: a strategy id for Flywheel's paper book
 * @param symbol the instrument, as in {@link io.flywheel.api.market.Bar#symbol()}
 * @param quantity units to buy (positive) or sell (negative); never zero
 * @param placedAt time of the bar after whose close the order was placed
 * @param reason why: {@code entry}, {@code exit}, {@code resize}, {@code rebalance}
 */
public record Order(String account, String symbol, double quantity, Instant placedAt, String reason) {
    public Order {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(placedAt, "placedAt");
        Objects.requireNonNull(reason, "reason");
        if (!Double.isFinite(quantity) || quantity == 0) {
            throw new IllegalArgumentException("quantity must be finite and non-zero, found " + quantity);
        }
    }

    public boolean isBuy() {
        return quantity > 0;
    }
}
