package io.flywheel.plugins.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.http.FetchException;
import io.flywheel.api.http.HttpFetcher;
import io.flywheel.api.http.HttpRequest;
import io.flywheel.api.http.HttpResult;
import io.flywheel.api.market.Bar;
import io.flywheel.testkit.LocalHttpServer;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.PriceFixtures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KlinesFeedTest {
    private static final Duration FOUR_HOURS = Duration.ofHours(4);
    /** Real BTC-USD 4-hour bars from 2016-05-18 (Coinbase), served the way Binance serves klines. */
    private static final List<Bar> BTC = PriceFixtures.btc4h().subList(0, 2500);

    private final LocalHttpServer server = LocalHttpServer.start();
    private final List<String> warnings = new ArrayList<>();

    @AfterEach
    void stop() {
        server.close();
    }

    /** The host's fetcher in miniature: GET, and 4xx/5xx become FetchException as the host does. */
    static final class LoopbackFetcher implements HttpFetcher {
        private final HttpClient client = HttpClient.newHttpClient();

        @Override
        public HttpResult fetch(HttpRequest request) {
            try {
                HttpResponse<byte[]> r = client.send(java.net.http.HttpRequest.newBuilder(request.uri()).build(), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() >= 400) {
                    throw new FetchException(request.uri(), r.statusCode(), "HTTP " + r.statusCode());
                }
                return new HttpResult(r.uri(), r.statusCode(), Map.of(), r.body(), null, Instant.EPOCH);
            } catch (IOException | InterruptedException e) {
                throw new FetchException(request.uri(), "network error", e);
            }
        }
    }

    /** Serves {@code bars} like /api/v3/klines: startTime, limit, and the candle still open at {@code now}. */
    static Function<LocalHttpServer.Request, LocalHttpServer.Response> klines(List<Bar> bars, ManualClock clock) {
        return req -> {
            Map<String, String> q = java.util.Arrays.stream(req.query().split("&")).map(kv -> kv.split("=", 2))
                    .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
            long start = Long.parseLong(q.get("startTime"));
            int limit = Integer.parseInt(q.get("limit"));
            String body = bars.stream()
                    .filter(b -> b.time().toEpochMilli() >= start && !b.time().isAfter(clock.instant()))
                    .limit(limit)
                    .map(b -> String.format(Locale.ROOT, "[%d,\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",%d,\"0\",10,\"0\",\"0\",\"0\"]",
                            b.time().toEpochMilli(), b.open(), b.high(), b.low(), b.close(), b.volume(),
                            b.time().plus(FOUR_HOURS).toEpochMilli() - 1))
                    .collect(Collectors.joining(",", "[", "]"));
            return LocalHttpServer.Response.ok(body, "application/json");
        };
    }

    private KlinesFeed feed(ManualClock clock, Integer limit, Integer history) {
        var c = new KlinesFeedFactory.Config(server.uri("/api/v3/klines"), List.of("BTCUSD"), FOUR_HOURS, null, limit, history, null, null, null);
        return new KlinesFeed(c, new LoopbackFetcher(), clock, warnings::add);
    }

    private static List<Bar> as(String symbol, List<Bar> bars) {
        return bars.stream().map(b -> new Bar(symbol, b.time(), b.open(), b.high(), b.low(), b.close(), b.volume())).toList();
    }

    @Test
    void firstPollPagesThroughHistoryAndLeavesOutTheCandleStillOpen() {
        // 2 hours into bar 1200: bars 0..1199 are closed, 1200 is still forming.
        ManualClock clock = new ManualClock(BTC.get(1200).time().plus(Duration.ofHours(2)));
        server.route("/api/v3/klines", klines(BTC, clock));

        List<Bar> bars = feed(clock, 100, 450).fetch(null);

        Instant from = clock.instant().minus(FOUR_HOURS.multipliedBy(450));
        List<Bar> expected = BTC.subList(0, 1200).stream().filter(b -> !b.time().isBefore(from)).toList();
        assertThat(expected).hasSizeGreaterThan(440);
        assertThat(bars).isEqualTo(as("BTCUSD", expected));
        assertThat(server.requests("/api/v3/klines")).hasSize(expected.size() / 100 + 1);
        assertThat(server.requests("/api/v3/klines").getFirst().query()).contains("symbol=BTCUSD", "interval=4h", "limit=100");
        assertThat(warnings).isEmpty();
    }

    @Test
    void laterPollsReturnOnlyNewlyClosedBars() {
        ManualClock clock = new ManualClock(BTC.get(1200).time().plus(Duration.ofHours(2)));
        server.route("/api/v3/klines", klines(BTC, clock));
        KlinesFeed feed = feed(clock, 1000, 10);
        List<Bar> first = feed.fetch(null);

        clock.advance(Duration.ofHours(4 * 3));
        List<Bar> next = feed.fetch(first.getLast().time());

        assertThat(next).isEqualTo(as("BTCUSD", BTC.subList(1200, 1203)));
        assertThat(server.requests("/api/v3/klines").getLast().query()).contains("startTime=" + (BTC.get(1199).time().toEpochMilli() + 1));
    }

    /** A symbol that stopped trading (delisted, halted) must not make every poll page through the others' bars since it stopped. */
    @Test
    void eachSymbolIsAskedFromItsOwnLastBar() throws Exception {
        ManualClock clock = new ManualClock(BTC.get(1200).time().plus(Duration.ofHours(2)));
        var btc = klines(BTC, clock);
        var stopped = klines(BTC.subList(0, 1000), clock);
        server.route("/api/v3/klines", req -> req.query().contains("symbol=DEADUSD") ? stopped.apply(req) : btc.apply(req));
        var c = new KlinesFeedFactory.Config(server.uri("/api/v3/klines"), List.of("BTCUSD", "DEADUSD"), FOUR_HOURS, null, 100, 300, null, null, null);
        KlinesFeed feed = new KlinesFeed(c, new LoopbackFetcher(), clock, warnings::add);
        feed.fetch(null);
        int before = server.requests("/api/v3/klines").size();

        clock.advance(Duration.ofHours(4 * 3));
        List<Bar> next = feed.fetch(Map.of("BTCUSD", BTC.get(1199).time(), "DEADUSD", BTC.get(999).time()), BTC.get(999).time());

        assertThat(next).isEqualTo(as("BTCUSD", BTC.subList(1200, 1203)));
        var asked = server.requests("/api/v3/klines").subList(before, server.requests("/api/v3/klines").size());
        assertThat(asked).as("one request per symbol, each from its own last bar").hasSize(2);
        assertThat(asked.get(0).query()).contains("symbol=BTCUSD", "startTime=" + (BTC.get(1199).time().toEpochMilli() + 1));
        assertThat(asked.get(1).query()).contains("symbol=DEADUSD", "startTime=" + (BTC.get(999).time().toEpochMilli() + 1));
    }

    @Test
    void theRealFeedsGapIsReported() {
        List<Bar> all = PriceFixtures.btc4h();
        int gapAt = -1;
        for (int i = 1; i < all.size(); i++) {
            if (Duration.between(all.get(i - 1).time(), all.get(i).time()).compareTo(FOUR_HOURS) > 0) {
                gapAt = i;
                break;
            }
        }
        List<Bar> around = all.subList(gapAt - 5, gapAt + 5);
        ManualClock clock = new ManualClock(around.getLast().time().plus(Duration.ofHours(5)));
        server.route("/api/v3/klines", klines(around, clock));

        List<Bar> bars = feed(clock, 1000, 50).fetch(null);

        assertThat(bars).hasSize(10);
        assertThat(warnings).singleElement().asString().contains("row 6: gap in BTCUSD of 8h after " + around.get(4).time());
    }

    @Test
    void anErrorAnswerIsNamedWithTheUrl() {
        ManualClock clock = new ManualClock(Instant.parse("2024-01-01T00:00:00Z"));
        server.route("/api/v3/klines", req -> LocalHttpServer.Response.ok("{\"code\":-1121,\"msg\":\"Invalid symbol.\"}", "application/json"));

        assertThatThrownBy(() -> feed(clock, null, null).fetch(null))
                .isInstanceOf(BadMarketDataException.class)
                .hasMessageContaining("/api/v3/klines?symbol=BTCUSD")
                .hasMessageContaining("code=-1121, msg=Invalid symbol.");
    }

    @Test
    void anHttpFailureNamesTheSymbol() {
        ManualClock clock = new ManualClock(Instant.parse("2024-01-01T00:00:00Z"));
        server.route("/api/v3/klines", req -> LocalHttpServer.Response.status(400));

        assertThatThrownBy(() -> feed(clock, null, null).fetch(null)).hasMessageContaining("klines for BTCUSD: HTTP 400");
    }

    @Test
    void aBadKlineIsNamedByUrlAndRow() {
        ManualClock clock = new ManualClock(Instant.parse("2024-01-02T00:00:00Z"));
        long t = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
        long h = FOUR_HOURS.toMillis();
        server.route("/api/v3/klines", req -> LocalHttpServer.Response.ok("[[" + t + ",\"1\",\"2\",\"0.5\",\"1\",\"1\"],[" + (t + h)
                + ",\"1\",\"2\",\"0.5\",\"1\",\"1\"],[" + (t + 2 * h) + ",\"1\",\"0.4\",\"0.5\",\"1\",\"1\"]]", "application/json"));

        assertThatThrownBy(() -> feed(clock, null, null).fetch(null)).hasMessageContaining("row 3: high 0.4 is below low 0.5");
    }

    @Test
    void invalidJsonIsNamed() {
        ManualClock clock = new ManualClock(Instant.parse("2024-01-02T00:00:00Z"));
        server.route("/api/v3/klines", req -> LocalHttpServer.Response.ok("[[1,2", "application/json"));

        assertThatThrownBy(() -> feed(clock, null, null).fetch(null)).isInstanceOf(BadMarketDataException.class);
    }

    @Test
    void configNeedsAKnownIntervalOrItsName() {
        URI url = URI.create("https://example.org/klines");
        assertThatThrownBy(() -> new KlinesFeedFactory.Config(url, List.of("X"), Duration.ofMinutes(7), null, null, null, null, null, null))
                .hasMessageStartingWith("interval-param:");
        assertThat(new KlinesFeedFactory.Config(url, List.of("X"), Duration.ofDays(1), null, null, null, null, null, null).intervalParam()).isEqualTo("1d");
        assertThatThrownBy(() -> new KlinesFeedFactory.Config(url, List.of(), Duration.ofDays(1), null, null, null, null, null, null))
                .hasMessageStartingWith("symbols:");
    }
}
