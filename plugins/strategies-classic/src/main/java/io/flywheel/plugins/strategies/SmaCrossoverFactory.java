package io.flywheel.plugins.strategies;

import io.flywheel.api.PluginContext;
import io.flywheel.api.strategy.Strategy;
import io.flywheel.api.strategy.StrategyFactory;
import org.pf4j.Extension;
import org.ta4j.core.BarSeries;
import org.ta4j.core.BaseStrategy;
import org.ta4j.core.Indicator;
import org.ta4j.core.indicators.helpers.ClosePriceIndicator;
import org.ta4j.core.num.Num;
import org.ta4j.core.rules.OverIndicatorRule;
import org.ta4j.core.rules.UnderIndicatorRule;

/** {@code type: sma-crossover}: long while the fast moving average of the close is above the slow one. */
@Extension
public final class SmaCrossoverFactory implements StrategyFactory<SmaCrossoverFactory.Config> {

    /**
     * @param fast bars in the fast average (default 20)
     * @param slow bars in the slow average (default 50), more than {@code fast}
     * @param average {@code sma} (default) or {@code ema}
     * @param exposure the fraction of its capital invested while long (default 1)
     */
    public record Config(Integer fast, Integer slow, MovingAverage average, Double exposure) {
        public Config {
            fast = fast == null ? 20 : fast;
            slow = slow == null ? 50 : slow;
            average = average == null ? MovingAverage.SMA : average;
            exposure = Params.exposure(exposure);
            if (fast < 1) {
                throw new IllegalArgumentException("fast: must be at least 1, found " + fast);
            }
            if (slow <= fast) {
                throw new IllegalArgumentException("slow: must be more than fast (" + fast + "), found " + slow);
            }
        }
    }

    @Override
    public String type() {
        return "sma-crossover";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Strategy create(Config c, PluginContext context) {
        return new IndicatorStrategy(context.instanceId(), c.slow(), c.exposure(), series -> rules(c, series));
    }

    /** The entry and exit rules on {@code series}, as ta4j sees them (also what the benchmark runs through ta4j's own backtester). */
    public static org.ta4j.core.Strategy rules(Config c, BarSeries series) {
        ClosePriceIndicator close = new ClosePriceIndicator(series);
        Indicator<Num> fast = Indicators.movingAverage(c.average(), close, c.fast());
        Indicator<Num> slow = Indicators.movingAverage(c.average(), close, c.slow());
        return new BaseStrategy("sma-crossover", new OverIndicatorRule(fast, slow), new UnderIndicatorRule(fast, slow), c.slow());
    }

    @Override
    public String description() {
        return "Long while the fast moving average is above the slow one (fast, slow, average: sma|ema, exposure)";
    }
}
