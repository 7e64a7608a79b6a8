package io.flywheel.plugins.strategies;

import io.flywheel.api.PluginContext;
import io.flywheel.api.strategy.Strategy;
import io.flywheel.api.strategy.StrategyFactory;
import org.pf4j.Extension;

/** {@code type: buy-and-hold}: always invested; the baseline every other strategy should beat. */
@Extension
public final class BuyAndHoldFactory implements StrategyFactory<BuyAndHoldFactory.Config> {

    /** @param exposure the fraction of its capital invested (default 1) */
    public record Config(Double exposure) {
        public Config {
            exposure = Params.exposure(exposure);
        }
    }

    @Override
    public String type() {
        return "buy-and-hold";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Strategy create(Config c, PluginContext context) {
        double exposure = c.exposure();
        return history -> exposure;
    }

    @Override
    public String description() {
        return "Always invested (exposure); the baseline";
    }
}
