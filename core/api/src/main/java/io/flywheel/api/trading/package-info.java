/**
 * Orders, fills and the broker that executes them. Flywheel trades on paper only; a live broker
 * would implement {@link io.flywheel.api.trading.Broker}.
 */
package io.flywheel.api.trading;
