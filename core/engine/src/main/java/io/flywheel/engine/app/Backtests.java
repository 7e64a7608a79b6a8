package io.flywheel.engine.app;

import io.flywheel.api.PluginContext;
import io.flywheel.api.Scheduler;
import io.flywheel.api.command.CommandDispatcher;
import io.flywheel.api.feedback.EngagementSink;
import io.flywheel.api.market.Bar;
import io.flywheel.engine.config.FlywheelConfig;
import io.flywheel.engine.http.DefaultHttpFetcher;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.rules.JsRuntime;
import io.flywheel.engine.rules.JsStrategyWeightRule;
import io.flywheel.engine.rules.RulesConfig;
import io.flywheel.engine.rules.StrategyWeightRule;
import io.flywheel.engine.trading.Backtester;
import io.flywheel.engine.trading.Markets;
import io.flywheel.engine.trading.PaperTrader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * Loads what {@code flywheel backtest} needs from a preflight: the markets and strategies as
 * configured, made with the same contexts the live run lends them (no store is opened).
 */
public final class Backtests implements AutoCloseable {
    private final TradingSetup setup;
    private final JsRuntime js;
    private final JsStrategyWeightRule rule;

    private Backtests(TradingSetup setup, JsRuntime js, JsStrategyWeightRule rule) {
        this.setup = setup;
        this.js = js;
        this.rule = rule;
    }

    /** The configured {@code strategy-weights.js}: the same rule the live paper book uses. */
    public StrategyWeightRule rule() {
        return rule;
    }

    /** What to call the rule in reports: the script's name and short hash. */
    public String ruleName() {
        return "strategy-weights.js " + rule.scriptHash().substring(0, 12);
    }

    public static Backtests open(Preflight.Result pre, Clock clock, Scheduler scheduler, RandomGenerator random) {
        FlywheelConfig config = pre.requireConfig();
        DefaultHttpFetcher http = new DefaultHttpFetcher(config.http(), clock, scheduler, random);
        KeywordWeights weights = new KeywordWeights(config.keywords());
        EngagementSink noEngagement = e -> CompletableFuture.completedFuture(false);
        CommandDispatcher commands = new Flywheel.LateDispatcher(); // never bound: no commands run during a backtest
        java.nio.file.Path dataDir = config.store().path().toAbsolutePath().getParent();
        TradingSetup setup = TradingSetup.of(pre,
                (kind, id) -> (PluginContext) new HostContext(id, kind, clock, scheduler, http.forCaller(kind + "/" + id), dataDir, weights, noEngagement, commands),
                Flywheel::createInstance);
        JsRuntime js = null;
        try {
            js = JsRuntime.start();
            return new Backtests(setup, js, JsStrategyWeightRule.standalone(RulesConfig.of(config), js));
        } catch (RuntimeException | LinkageError e) {
            setup.close();
            if (js != null) {
                js.close();
            }
            throw e;
        }
    }

    public TradingSetup setup() {
        return setup;
    }

    /** Every bar of each market the given strategies trade, merged in time order, with each strategy's symbol resolved. */
    public record Data(List<Bar> bars, List<Backtester.Entry> entries) {}

    public Data load(List<PaperTrader.Spec> specs) {
        Map<String, List<Bar>> byMarket = new LinkedHashMap<>();
        for (PaperTrader.Spec s : specs) {
            if (!byMarket.containsKey(s.marketId())) {
                try {
                    byMarket.put(s.marketId(), setup.feeds().get(s.marketId()).fetch(null));
                } catch (Exception e) {
                    // The message carries the cause's (file and line); the CLI prints it once.
                    throw new IllegalStateException("market " + s.marketId() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                }
            }
        }
        byMarket.forEach((market, bars) -> {
            if (bars.isEmpty()) {
                // else the strategy's symbol lookup failed with "symbol: required", which sent the operator to the wrong place
                throw new IllegalStateException("market " + market + ": delivered no bars (an empty file, or nothing yet at the exchange); nothing to test");
            }
        });
        List<Backtester.Entry> entries = new ArrayList<>();
        Set<String> symbols = new LinkedHashSet<>();
        Map<String, String> owner = new LinkedHashMap<>();
        for (PaperTrader.Spec s : specs) {
            String symbol = Markets.symbolFor(s.id(), s.marketId(), s.symbol(), byMarket.get(s.marketId()));
            String o = owner.putIfAbsent(symbol, s.marketId());
            if (o != null && !o.equals(s.marketId())) {
                throw new IllegalStateException("markets " + o + " and " + s.marketId() + " both deliver " + symbol + "; backtest them separately");
            }
            symbols.add(symbol);
            entries.add(new Backtester.Entry(s.id(), symbol, s.strategy()));
        }
        List<Bar> bars = new ArrayList<>();
        byMarket.forEach((market, list) -> list.stream().filter(b -> symbols.contains(b.symbol()) && market.equals(owner.get(b.symbol()))).forEach(bars::add));
        // The paper book's order (PaperTrader): ties in time by the market's place among the feeds, then by symbol.
        List<String> markets = new ArrayList<>(setup.feeds().keySet());
        Map<String, Integer> rank = new java.util.HashMap<>();
        owner.forEach((symbol, market) -> rank.put(symbol, markets.indexOf(market)));
        bars.sort(Comparator.comparing(Bar::time).thenComparingInt((Bar b) -> rank.get(b.symbol())).thenComparing(Bar::symbol));
        return new Data(List.copyOf(bars), List.copyOf(entries));
    }

    @Override
    public void close() {
        setup.close();
        rule.close();
        js.close();
    }

}
