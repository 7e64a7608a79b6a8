package io.flywheel.plugins.market;

import io.flywheel.api.PluginContext;
import io.flywheel.api.market.MarketFeed;
import io.flywheel.api.market.MarketFeedFactory;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * {@code type: klines}: a REST endpoint answering with Binance-style kline arrays
 * ({@code [[openTime, open, high, low, close, volume, closeTime, ...], ...]}), fetched through the
 * host's polite HTTP client. Only closed candles are returned.
 */
@Extension
public final class KlinesFeedFactory implements MarketFeedFactory<KlinesFeedFactory.Config> {
    private static final Map<Duration, String> INTERVALS = Map.ofEntries(
            Map.entry(Duration.ofMinutes(1), "1m"), Map.entry(Duration.ofMinutes(3), "3m"), Map.entry(Duration.ofMinutes(5), "5m"),
            Map.entry(Duration.ofMinutes(15), "15m"), Map.entry(Duration.ofMinutes(30), "30m"), Map.entry(Duration.ofHours(1), "1h"),
            Map.entry(Duration.ofHours(2), "2h"), Map.entry(Duration.ofHours(4), "4h"), Map.entry(Duration.ofHours(6), "6h"),
            Map.entry(Duration.ofHours(8), "8h"), Map.entry(Duration.ofHours(12), "12h"), Map.entry(Duration.ofDays(1), "1d"),
            Map.entry(Duration.ofDays(3), "3d"), Map.entry(Duration.ofDays(7), "1w"));

    /**
     * @param url the klines endpoint, for example {@code https://api.binance.com/api/v3/klines}
     * @param symbols the symbols to fetch, as the endpoint spells them ({@code BTCUSDT})
     * @param interval the bar length
     * @param intervalParam the endpoint's name for it (default: {@code 1m}, {@code 4h}, {@code 1d}, ... from {@code interval})
     * @param limit bars per request (default 1000, the Binance maximum)
     * @param history bars fetched on the first poll, to warm strategies up (default 500)
     * @param maxGap spacing up to this is not reported as a gap (default: {@code interval})
     * @param gaps {@code skip} (default) or {@code forward-fill}
     * @param badRows {@code fail} (default) or {@code skip}
     */
    public record Config(URI url, List<String> symbols, Duration interval, String intervalParam, Integer limit, Integer history,
            Duration maxGap, GapPolicy gaps, BadRowPolicy badRows) {
        public Config {
            if (url == null) {
                throw new IllegalArgumentException("url: required, for example https://api.binance.com/api/v3/klines");
            }
            if (symbols == null || symbols.isEmpty()) {
                throw new IllegalArgumentException("symbols: give at least one symbol");
            }
            symbols = List.copyOf(symbols);
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("interval: required and positive, for example 1h");
            }
            if (intervalParam == null) {
                intervalParam = INTERVALS.get(interval);
                if (intervalParam == null) {
                    throw new IllegalArgumentException("interval-param: " + BarChecks.human(interval)
                            + " has no standard kline name; give the endpoint's name for it");
                }
            }
            limit = limit == null ? 1000 : limit;
            history = history == null ? 500 : history;
            if (limit < 1 || limit > 5000) {
                throw new IllegalArgumentException("limit: must be 1 to 5000, found " + limit);
            }
            if (history < 1) {
                throw new IllegalArgumentException("history: must be at least 1, found " + history);
            }
        }
    }

    @Override
    public String type() {
        return "klines";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public MarketFeed create(Config config, PluginContext context) {
        return new KlinesFeed(config, context.http(), context.clock(), w -> context.log().warn("{}", w));
    }

    @Override
    public String description() {
        return "Closed candles from a Binance-style REST klines endpoint, polled through the host's polite HTTP client";
    }
}
