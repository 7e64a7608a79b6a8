package io.flywheel.plugins.market;

/** What to do about missing bars (gaps are reported either way). */
public enum GapPolicy {
    /** Leave the gap: the next bar follows the last one. */
    SKIP,
    /** Insert flat bars at the previous close with zero volume, one per missing interval. */
    FORWARD_FILL
}
