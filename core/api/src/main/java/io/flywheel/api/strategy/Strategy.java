package io.flywheel.api.strategy;

/** A trading strategy: decides, after each bar, how much of its sub-account should be invested. */
@FunctionalInterface
public interface Strategy {

    /**
     * The target exposure after the current bar: {@code 1} fully long, {@code 0} flat, {@code -1}
     * fully short (where the broker allows). Orders fill at the next bar's open.
     */
    double targetExposure(BarHistory history);
}
