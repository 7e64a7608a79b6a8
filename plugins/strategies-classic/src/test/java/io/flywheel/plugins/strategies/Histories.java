package io.flywheel.plugins.strategies;

import io.flywheel.api.market.Bar;
import io.flywheel.api.strategy.BarHistory;
import io.flywheel.api.strategy.Strategy;
import java.util.List;

/** Runs a strategy bar by bar the way the host does. */
final class Histories {
    private Histories() {}

    /** Strategies use only the instance id of the context they are lent. */
    static io.flywheel.api.PluginContext context(String id) {
        return new io.flywheel.testkit.TestPluginContext(id, java.time.Clock.systemUTC(), null, null, null, null);
    }

    /**
     * A view of the first {@code size} bars of {@code bars}; reading past them fails the test,
     * so the list may hold a poisoned future without the strategy being able to use it.
     */
    static final class Guarded implements BarHistory {
        private final List<Bar> bars;
        int size;

        Guarded(List<Bar> bars) {
            this.bars = bars;
        }

        @Override
        public String symbol() {
            return bars.getFirst().symbol();
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public Bar bar(int index) {
            if (index < 0 || index >= size) {
                throw new AssertionError("strategy read bar " + index + " while only " + size + " bars are in the past");
            }
            return bars.get(index);
        }
    }

    /** The strategy's exposure after each bar of {@code bars}. */
    static double[] exposures(Strategy strategy, List<Bar> bars) {
        Guarded h = new Guarded(bars);
        double[] out = new double[bars.size()];
        for (int i = 0; i < bars.size(); i++) {
            h.size = i + 1;
            out[i] = strategy.targetExposure(h);
        }
        return out;
    }
}
