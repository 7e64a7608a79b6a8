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

/** {@code type: rsi-reversion}: buys when the RSI says oversold, sells when it says overbought. */
@Extension
public final class RsiReversionFactory implements StrategyFactory<RsiReversionFactory.Config> {

    /**
     * @param period RSI period (default 14)
     * @param buyBelow enter when the RSI falls below this (default 30)
     * @param sellAbove exit when the RSI rises above this (default 70)
     * @param exposure the fraction of its capital invested while long (default 1)
     */
    public record Config(Integer period, Double buyBelow, Double sellAbove, Double exposure) {
        public Config {
            period = period == null ? 14 : period;
            buyBelow = buyBelow == null ? 30.0 : buyBelow;
            sellAbove = sellAbove == null ? 70.0 : sellAbove;
            exposure = Params.exposure(exposure);
            if (period < 2) {
                throw new IllegalArgumentException("period: must be at least 2, found " + period);
            }
            if (!(buyBelow > 0 && buyBelow < sellAbove && sellAbove < 100)) {
                throw new IllegalArgumentException("buy-below/sell-above: need 0 < buy-below < sell-above < 100, found " + buyBelow + " and " + sellAbove);
            }
        }
    }

    @Override
    public String type() {
        return "rsi-reversion";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Strategy create(Config c, PluginContext context) {
        return new IndicatorStrategy(context.instanceId(), c.period(), c.exposure(), series -> rules(c, series));
    }

    /** The entry and exit rules on {@code series}, as ta4j sees them. */
    public static org.ta4j.core.Strategy rules(Config c, BarSeries series) {
        Indicator<Num> rsi = Indicators.rsi(new ClosePriceIndicator(series), c.period());
        return new BaseStrategy("rsi-reversion", new UnderIndicatorRule(rsi, c.buyBelow()), new OverIndicatorRule(rsi, c.sellAbove()), c.period());
    }

    @Override
    public String description() {
        return "Buys when the RSI falls below buy-below, sells when it rises above sell-above (period, buy-below, sell-above, exposure)";
    }
}
