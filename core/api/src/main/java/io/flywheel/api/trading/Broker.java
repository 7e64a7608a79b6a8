package io.flywheel.api.trading;

import io.flywheel.api.market.Bar;
import java.util.List;

/**
 * Executes orders. Flywheel ships a paper broker that fills at the next bar's open with a fee
 * and slippage; a live broker implements the same two calls against an exchange.
 *
 * <p>The host calls {@link #submit} after a bar's close and {@link #onBar} when the next bar of
 * the symbol arrives, before strategies see it; fills are attributed to {@link Order#account()}.
 */
public interface Broker {

    /** Queues {@code order}; it executes at the next opportunity, never on the bar it was decided on. */
    void submit(Order order);

    /** The market has moved to {@code bar}: returns the orders for its symbol that executed, in submission order. */
    List<Fill> onBar(Bar bar);

    /** Orders submitted and not yet filled, in submission order. */
    List<Order> pending();
}
