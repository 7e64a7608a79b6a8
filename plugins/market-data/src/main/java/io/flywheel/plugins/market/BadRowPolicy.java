package io.flywheel.plugins.market;

/** What to do about a row that cannot be a bar (NaN, non-positive price, high below low, out of order). */
public enum BadRowPolicy {
    /** The fetch fails, naming the first bad row. */
    FAIL,
    /** The row is dropped and reported. */
    SKIP
}
