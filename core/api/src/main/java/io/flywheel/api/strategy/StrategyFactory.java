package io.flywheel.api.strategy;

import io.flywheel.api.ComponentFactory;
import org.pf4j.ExtensionPoint;

/** Extension point for strategy types ({@code sma-crossover}, {@code rsi-reversion}, ...). */
public interface StrategyFactory<C extends Record> extends ComponentFactory<C, Strategy>, ExtensionPoint {}
