package io.flywheel.engine.app;

import io.flywheel.api.PluginContext;
import io.flywheel.api.market.MarketFeed;
import io.flywheel.api.strategy.Strategy;
import io.flywheel.engine.config.ComponentKind;
import io.flywheel.engine.config.FlywheelConfig;
import io.flywheel.engine.config.HostSettings;
import io.flywheel.engine.config.Instance;
import io.flywheel.engine.config.Problems;
import io.flywheel.engine.config.Settings;
import io.flywheel.engine.trading.Backtester;
import io.flywheel.engine.trading.PaperTrader;
import io.flywheel.engine.trading.TradingBook;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured markets and strategies, made: one feed per market, and for every strategy a
 * supplier of fresh instances (each backtest run and each live book needs its own). Shared by the
 * live paper run and {@code flywheel backtest}.
 *
 * @param feeds market id to its feed
 * @param every market id to its poll interval
 * @param specs the enabled strategies, each with its market and symbol
 */
public record TradingSetup(Map<String, MarketFeed> feeds, Map<String, Duration> every, List<PaperTrader.Spec> specs, Settings.Trading settings) {
    private static final Logger log = LoggerFactory.getLogger(TradingSetup.class);

    /** Checks every enabled strategy names an enabled market (or that there is only one to default to). */
    static void check(FlywheelConfig config, Problems problems) {
        List<String> markets = config.enabled(ComponentKind.MARKET).stream().map(Instance::id).toList();
        for (Instance s : config.enabled(ComponentKind.STRATEGY)) {
            String market = s.host(HostSettings.Strategy.class).market();
            if (market == null) {
                if (markets.size() != 1) {
                    problems.error(s.location(), s.path() + ": market: required, naming one of the markets: "
                            + (markets.isEmpty() ? "none is configured (add one under markets:)" : String.join(", ", markets)));
                }
            } else if (!markets.contains(market)) {
                String hint = io.flywheel.engine.config.ConfigLoader.suggest(market, markets).map(m -> " Did you mean '" + m + "'?").orElse("");
                problems.error(s.location(), s.path() + ": market: no enabled market '" + market + "'; configured: "
                        + (markets.isEmpty() ? "none" : String.join(", ", markets)) + "." + hint);
            }
        }
    }

    /**
     * @param context makes the context lent to one instance: (kind, id) to context
     * @param create makes an instance from its bound config with that context
     */
    static TradingSetup of(Preflight.Result pre, java.util.function.BiFunction<String, String, PluginContext> context,
            java.util.function.BiFunction<BoundInstance, PluginContext, Object> create) {
        FlywheelConfig config = pre.requireConfig();
        Map<String, MarketFeed> feeds = new LinkedHashMap<>();
        Map<String, Duration> every = new LinkedHashMap<>();
        try {
            for (BoundInstance b : pre.instances(ComponentKind.MARKET)) {
                feeds.put(b.id(), (MarketFeed) create.apply(b, context.apply("market", b.id())));
                every.put(b.id(), b.instance().host(HostSettings.Market.class).every());
            }
            List<PaperTrader.Spec> specs = new ArrayList<>();
            String onlyMarket = feeds.size() == 1 ? feeds.keySet().iterator().next() : null;
            for (BoundInstance b : pre.instances(ComponentKind.STRATEGY)) {
                HostSettings.Strategy host = b.instance().host(HostSettings.Strategy.class);
                PluginContext ctx = context.apply("strategy", b.id());
                Supplier<Strategy> make = () -> (Strategy) create.apply(b, ctx);
                make.get(); // fail now, naming the strategy, rather than on the first bar
                specs.add(new PaperTrader.Spec(b.id(), host.market() != null ? host.market() : onlyMarket, host.symbol(), make));
            }
            // in config order: a market's place among the feeds breaks ties in time (the paper book's replay, backtests)
            return new TradingSetup(java.util.Collections.unmodifiableMap(feeds), java.util.Collections.unmodifiableMap(every), List.copyOf(specs),
                    config.trading());
        } catch (RuntimeException | LinkageError e) {
            feeds.forEach((id, f) -> close(id, f));
            throw e;
        }
    }

    public boolean active() {
        return !specs.isEmpty();
    }

    /** The desk settings; {@code tradeFrom} is the configured start (or the backtest's {@code from}). */
    public TradingBook.Settings book(java.time.Instant tradeFrom, double minWeight) {
        return new TradingBook.Settings(settings.capital(), settings.rebalance(), minWeight, tradeFrom);
    }

    public Backtester.Costs costs() {
        return new Backtester.Costs(settings.feeBps(), settings.slippageBps());
    }

    /** Strategies by id, for picking. */
    public Map<String, PaperTrader.Spec> byId() {
        Map<String, PaperTrader.Spec> out = new LinkedHashMap<>();
        specs.forEach(s -> out.put(s.id(), s));
        return out;
    }

    public void close() {
        feeds.forEach(TradingSetup::close);
    }

    private static void close(String id, AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("Closing market {}: {}", id, e.toString());
        }
    }

}
