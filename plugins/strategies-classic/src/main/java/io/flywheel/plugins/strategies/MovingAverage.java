package io.flywheel.plugins.strategies;

/** Kind of moving average ({@code average: sma} or {@code ema} in config.yml). */
public enum MovingAverage { SMA, EMA }
