package io.flywheel.plugins.strategies;

import io.flywheel.api.PluginContext;
import io.flywheel.api.strategy.Strategy;
import io.flywheel.api.strategy.StrategyFactory;
import org.pf4j.Extension;
import org.ta4j.core.BarSeries;
import org.ta4j.core.BaseStrategy;
import org.ta4j.core.indicators.helpers.ClosePriceIndicator;
import org.ta4j.core.indicators.helpers.HighPriceIndicator;
import org.ta4j.core.indicators.helpers.LowPriceIndicator;
import org.ta4j.core.rules.OverIndicatorRule;
import org.ta4j.core.rules.UnderIndicatorRule;

/**
 * {@code type: donchian-breakout}: the turtle rule. Buys when the close breaks above the highest
 * high of the previous {@code entry} bars, sells when it breaks below the lowest low of the
 * previous {@code exit} bars.
 */
@Extension
public final class DonchianBreakoutFactory implements StrategyFactory<DonchianBreakoutFactory.Config> {

    /**
     * @param entry bars in the breakout channel (default 20)
     * @param exit bars in the exit channel (default 10)
     * @param exposure the fraction of its capital invested while long (default 1)
     */
    public record Config(Integer entry, Integer exit, Double exposure) {
        public Config {
            entry = entry == null ? 20 : entry;
            exit = exit == null ? 10 : exit;
            exposure = Params.exposure(exposure);
            if (entry < 1) {
                throw new IllegalArgumentException("entry: must be at least 1, found " + entry);
            }
            if (exit < 1) {
                throw new IllegalArgumentException("exit: must be at least 1, found " + exit);
            }
        }
    }

    @Override
    public String type() {
        return "donchian-breakout";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Strategy create(Config c, PluginContext context) {
        return new IndicatorStrategy(context.instanceId(), lookback(c), c.exposure(), series -> rules(c, series));
    }

    private static int lookback(Config c) {
        return Math.max(c.entry(), c.exit()) + 1;
    }

    /** The entry and exit rules on {@code series}, as ta4j sees them. */
    public static org.ta4j.core.Strategy rules(Config c, BarSeries series) {
        ClosePriceIndicator close = new ClosePriceIndicator(series);
        var upper = Indicators.highestBefore(new HighPriceIndicator(series), c.entry());
        var lower = Indicators.lowestBefore(new LowPriceIndicator(series), c.exit());
        return new BaseStrategy("donchian-breakout", new OverIndicatorRule(close, upper), new UnderIndicatorRule(close, lower), lookback(c));
    }

    @Override
    public String description() {
        return "Buys a close above the highest high of the last entry bars, sells one below the lowest low of the last exit bars";
    }
}
