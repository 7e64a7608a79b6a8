package io.flywheel.engine.trading;

import io.flywheel.api.market.MarketFeed;
import io.flywheel.engine.feedback.FeedbackLog;
import io.flywheel.engine.feedback.WeightHistory;
import io.flywheel.engine.store.LeadStore;
import io.flywheel.engine.store.MapDbStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A paper trader as the tests build one: they vary its strategies, feeds (in their configured order, which
 * breaks ties in time), settings and polling intervals; costs, rule, outputs and directory are always these.
 */
record PaperBook(Path dir, List<PaperTrader.Spec> specs, Map<String, MarketFeed> feeds, TradingBook.Settings settings, Map<String, Duration> every) {
    static final Backtester.Costs COSTS = new Backtester.Costs(10, 5);

    PaperBook {
        feeds = Collections.unmodifiableMap(new LinkedHashMap<>(feeds));
    }

    /** No feeds yet, each polled at the default interval; add feeds with {@link #feed}. */
    static PaperBook of(Path dir, List<PaperTrader.Spec> specs, TradingBook.Settings settings) {
        return new PaperBook(dir, specs, Map.of(), settings, Map.of());
    }

    /** Settings of 10,000 capital and a 2% minimum weight, rebalanced every {@code rebalance}; {@code tradeFrom} null: from the first run. */
    static TradingBook.Settings settings(Duration rebalance, Instant tradeFrom) {
        return new TradingBook.Settings(10_000, rebalance, 0.02, tradeFrom);
    }

    static TradingBook.Settings weekly(Instant tradeFrom) {
        return settings(Duration.ofDays(7), tradeFrom);
    }

    static TradingBook.Settings daily(Instant tradeFrom) {
        return settings(Duration.ofDays(1), tradeFrom);
    }

    /** This book with {@code feed} as market {@code id}, after the feeds it has. */
    PaperBook feed(String id, MarketFeed feed) {
        Map<String, MarketFeed> more = new LinkedHashMap<>(feeds);
        more.put(id, feed);
        return new PaperBook(dir, specs, more, settings, every);
    }

    PaperBook every(Map<String, Duration> every) {
        return new PaperBook(dir, specs, feeds, settings, every);
    }

    PaperTrader.Setup setup() {
        return new PaperTrader.Setup(specs, feeds, settings, COSTS, new HedgeRule(10), () -> "java:hedge", List.of("console"), dir.resolve("trading"), every);
    }

    /** A trader on {@code store} for leads, feedback and weights alike. */
    PaperTrader open(MapDbStore store, Clock clock) {
        return open(store, store, store, clock);
    }

    PaperTrader open(LeadStore leads, FeedbackLog feedback, WeightHistory weights, Clock clock) {
        return new PaperTrader(setup(), leads, feedback, weights, clock);
    }
}
