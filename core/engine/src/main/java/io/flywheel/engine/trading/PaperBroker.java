package io.flywheel.engine.trading;

import io.flywheel.api.market.Bar;
import io.flywheel.api.trading.Broker;
import io.flywheel.api.trading.Fill;
import io.flywheel.api.trading.Order;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Fills every order at the open of the next bar of its symbol, moved against the trader by the
 * slippage (a buy pays {@code open * (1 + slippage)}, a sell receives {@code open * (1 - slippage)}),
 * and charges a fee on the traded value. Orders never fill on the bar they were decided on.
 */
public final class PaperBroker implements Broker {
    private final double fee;
    private final double slippage;
    private final List<Order> pending = new ArrayList<>();

    /**
     * @param feeBps commission in basis points of the traded value (10 = 0.1%)
     * @param slippageBps price moved against the order, in basis points of the open
     */
    public PaperBroker(double feeBps, double slippageBps) {
        if (!(feeBps >= 0) || !(slippageBps >= 0) || slippageBps >= 10_000) {
            throw new IllegalArgumentException("fee and slippage must be non-negative basis points (slippage below 10000), found " + feeBps + " and " + slippageBps);
        }
        this.fee = feeBps / 10_000;
        this.slippage = slippageBps / 10_000;
    }

    @Override
    public void submit(Order order) {
        pending.add(order);
    }

    @Override
    public List<Fill> onBar(Bar bar) {
        if (pending.isEmpty()) {
            return List.of();
        }
        List<Fill> fills = new ArrayList<>(2);
        for (Iterator<Order> it = pending.iterator(); it.hasNext(); ) {
            Order o = it.next();
            if (!o.symbol().equals(bar.symbol()) || !bar.time().isAfter(o.placedAt())) {
                continue;
            }
            double price = bar.open() * (o.isBuy() ? 1 + slippage : 1 - slippage);
            fills.add(new Fill(o, bar.time(), price, Math.abs(o.quantity()) * price * fee));
            it.remove();
        }
        return fills;
    }

    @Override
    public List<Order> pending() {
        return List.copyOf(pending);
    }
}
