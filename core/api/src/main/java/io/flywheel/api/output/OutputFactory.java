package io.flywheel.api.output;

import io.flywheel.api.ComponentFactory;
import org.pf4j.ExtensionPoint;

/** Extension point for output types ({@code console}, {@code discord}, {@code webhook}, ...). */
public interface OutputFactory<C extends Record> extends ComponentFactory<C, Output>, ExtensionPoint {}
