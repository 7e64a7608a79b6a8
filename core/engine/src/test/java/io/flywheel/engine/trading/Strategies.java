package io.flywheel.engine.trading;

import io.flywheel.api.strategy.Strategy;

/** Plain Java strategies for engine tests (the real ones live in the strategies-classic plugin). */
final class Strategies {
    private Strategies() {}

    /** Long while the fast simple average of closes is above the slow one. */
    static Strategy smaCross(int fast, int slow) {
        return h -> {
            int n = h.size();
            if (n < slow) {
                return 0;
            }
            return mean(h, n, fast) > mean(h, n, slow) ? 1 : 0;
        };
    }

    private static double mean(io.flywheel.api.strategy.BarHistory h, int n, int period) {
        double s = 0;
        for (int i = n - period; i < n; i++) {
            s += h.bar(i).close();
        }
        return s / period;
    }
}
