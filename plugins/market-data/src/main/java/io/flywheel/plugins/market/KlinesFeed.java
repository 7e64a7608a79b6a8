package io.flywheel.plugins.market;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.flywheel.api.http.FetchException;
import io.flywheel.api.http.HttpFetcher;
import io.flywheel.api.http.HttpRequest;
import io.flywheel.api.http.HttpResult;
import io.flywheel.api.market.Bar;
import io.flywheel.api.market.MarketFeed;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Polls a klines endpoint per symbol from just after {@code since} (or {@code history} bars back),
 * page by page, and keeps only candles that have closed by the host clock. Order, duplicates and
 * gaps are checked across polls against the last bar delivered.
 */
final class KlinesFeed implements MarketFeed {
    /** A safety stop for pagination: 100 pages of 1000 is about 11 years of hourly bars. */
    static final int MAX_PAGES = 100;
    private static final JsonFactory JSON = new JsonFactory();

    private final KlinesFeedFactory.Config config;
    private final HttpFetcher http;
    private final Clock clock;
    private final Consumer<String> warnings;
    private final BarChecks checks;
    private final Map<String, Bar> delivered = new HashMap<>();

    KlinesFeed(KlinesFeedFactory.Config config, HttpFetcher http, Clock clock, Consumer<String> warnings) {
        this.config = config;
        this.http = http;
        this.clock = clock;
        this.warnings = warnings;
        this.checks = new BarChecks(new BarChecks.Rules(config.interval(), config.maxGap(), config.gaps(), config.badRows()));
    }

    @Override
    public List<Bar> fetch(Instant since) {
        return fetchEach(symbol -> since);
    }

    /** Each symbol from its own last bar: one that stopped trading costs one request per poll, not the others' bars since it stopped. */
    @Override
    public List<Bar> fetch(Map<String, Instant> since, Instant others) {
        return fetchEach(symbol -> since.getOrDefault(symbol, others));
    }

    private List<Bar> fetchEach(java.util.function.Function<String, Instant> sinceFor) {
        Instant now = clock.instant();
        List<Bar> out = new ArrayList<>();
        for (String symbol : config.symbols()) {
            Instant since = sinceFor.apply(symbol);
            Instant start = since == null ? now.minus(config.interval().multipliedBy(config.history())) : since.plusMillis(1);
            List<RawRow> rows = new ArrayList<>();
            for (int page = 0; page < MAX_PAGES; page++) {
                URI uri = uri(symbol, start);
                Page p = page(uri, symbol, now);
                rows.addAll(p.closed());
                if (p.received() < config.limit() || p.sawOpenCandle() || p.lastOpen() == null) {
                    break;
                }
                start = p.lastOpen().plusMillis(1);
            }
            Map<String, Bar> previous = new HashMap<>();
            Bar last = delivered.get(symbol);
            if (last != null && since != null && !last.time().isAfter(since)) {
                previous.put(symbol, last);
            }
            BarChecks.Result checked = checks.check(rows, previous, null);
            checked.warnings().forEach(warnings);
            for (Bar b : checked.bars()) {
                if (since == null || b.time().isAfter(since)) {
                    out.add(b);
                    delivered.put(symbol, b);
                }
            }
        }
        out.sort(Comparator.comparing(Bar::time));
        return out;
    }

    URI uri(String symbol, Instant start) {
        String base = config.url().toString();
        String query = "symbol=" + URLEncoder.encode(symbol, StandardCharsets.UTF_8) + "&interval=" + URLEncoder.encode(config.intervalParam(), StandardCharsets.UTF_8)
                + "&limit=" + config.limit() + "&startTime=" + start.toEpochMilli();
        return URI.create(base + (base.contains("?") ? "&" : "?") + query);
    }

    /** @param received rows in the response; {@code closed} those whose candle had closed */
    private record Page(List<RawRow> closed, int received, boolean sawOpenCandle, Instant lastOpen) {}

    private Page page(URI uri, String symbol, Instant now) {
        HttpResult result;
        try {
            result = http.fetch(HttpRequest.get(uri).withConditional(false));
        } catch (FetchException e) {
            throw new BadMarketDataException("klines for " + symbol + ": " + e.getMessage());
        }
        List<RawRow> closed = new ArrayList<>();
        int received = 0;
        boolean open = false;
        Instant lastOpen = null;
        try (JsonParser p = JSON.createParser(result.body())) {
            JsonToken top = p.nextToken();
            if (top == JsonToken.START_OBJECT) {
                throw new BadMarketDataException(uri + ": the endpoint answered with an error: " + errorText(p));
            }
            if (top != JsonToken.START_ARRAY) {
                throw new BadMarketDataException(uri + ": expected a JSON array of klines, found " + top);
            }
            while (p.nextToken() == JsonToken.START_ARRAY) {
                received++;
                String where = uri + " row " + received;
                List<String> values = new ArrayList<>();
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == null) {
                        throw new BadMarketDataException(where + ": the JSON ends inside a kline");
                    }
                    if (t.isStructStart()) {
                        p.skipChildren();
                        values.add("");
                    } else {
                        values.add(p.getValueAsString());
                    }
                }
                RawRow row = row(values, symbol, where);
                if (row.time() != null) {
                    lastOpen = row.time();
                    Instant closeTime = values.size() > 6 ? parseMillis(values.get(6)) : null;
                    Instant closesAt = closeTime != null ? closeTime.plusMillis(1) : row.time().plus(config.interval());
                    if (closesAt.isAfter(now)) {
                        open = true;
                        continue;
                    }
                }
                closed.add(row);
            }
        } catch (IOException e) {
            throw new BadMarketDataException(uri + ": not valid JSON: " + e.getMessage());
        }
        return new Page(closed, received, open, lastOpen);
    }

    private static RawRow row(List<String> v, String symbol, String where) {
        if (v.size() < 6) {
            return RawRow.unreadable(symbol, where, "a kline needs at least 6 values (open time, open, high, low, close, volume), found " + v.size());
        }
        Instant time = parseMillis(v.get(0));
        if (time == null) {
            return RawRow.unreadable(symbol, where, "open time '" + v.get(0) + "' is not epoch milliseconds");
        }
        double[] d = new double[5];
        String[] names = {"open", "high", "low", "close", "volume"};
        for (int i = 0; i < 5; i++) {
            try {
                d[i] = Double.parseDouble(v.get(i + 1));
            } catch (NumberFormatException | NullPointerException e) {
                return RawRow.unreadable(symbol, where, names[i] + " '" + v.get(i + 1) + "' is not a number");
            }
        }
        return new RawRow(symbol, time, d[0], d[1], d[2], d[3], d[4], where, null);
    }

    private static Instant parseMillis(String s) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(s.strip()));
        } catch (NumberFormatException | NullPointerException e) {
            return null;
        }
    }

    private static String errorText(JsonParser p) throws IOException {
        StringBuilder b = new StringBuilder();
        while (p.nextToken() != null) {
            if (p.currentToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (p.currentToken().isScalarValue()) {
                    b.append(b.isEmpty() ? "" : ", ").append(name).append('=').append(p.getValueAsString());
                } else {
                    p.skipChildren();
                }
            }
        }
        return b.toString();
    }
}
