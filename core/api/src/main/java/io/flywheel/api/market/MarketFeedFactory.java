package io.flywheel.api.market;

import io.flywheel.api.ComponentFactory;
import org.pf4j.ExtensionPoint;

/** Extension point for market feed types ({@code csv}, {@code klines}, ...). */
public interface MarketFeedFactory<C extends Record> extends ComponentFactory<C, MarketFeed>, ExtensionPoint {}
