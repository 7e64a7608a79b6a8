package io.flywheel.plugins.strategies;

/** Checks shared by the strategies' config records. */
final class Params {
    private Params() {}

    static double exposure(Double exposure) {
        double e = exposure == null ? 1.0 : exposure;
        if (!(e > 0 && e <= 1)) {
            throw new IllegalArgumentException("exposure: must be more than 0 and at most 1, found " + e);
        }
        return e;
    }
}
