package io.flywheel.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.http.FetchException;
import io.flywheel.api.http.HttpRequest;
import io.flywheel.api.http.HttpResult;
import io.flywheel.engine.config.Settings;
import io.flywheel.testkit.LocalHttpServer;
import io.flywheel.testkit.LocalHttpServer.Response;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DefaultHttpFetcherTest {
    private final ManualClock clock = ManualClock.atDefaultStart();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final LocalHttpServer server = LocalHttpServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    static Settings.Http settings(Duration interval, int retries) {
        return new Settings.Http("FlywheelTest/1.0 (+tests)", Duration.ofSeconds(5), 100_000L, retries, 1, interval, Duration.ofMinutes(5), 5, Map.of());
    }

    private DefaultHttpFetcher fetcher(Settings.Http s) {
        return new DefaultHttpFetcher(s, clock, scheduler, new Random(7));
    }

    private DefaultHttpFetcher fetcher() {
        return fetcher(settings(Duration.ZERO, 3));
    }

    @Test
    void unchangedPageCostsOneConditionalRequestAnswered304() {
        server.route("/feed", r -> "\"v1\"".equals(r.header("If-None-Match"))
                ? Response.status(304)
                : Response.ok("<rss/>", "application/rss+xml").withHeader("ETag", "\"v1\"").withHeader("Last-Modified", "Mon, 05 Jan 2026 08:00:00 GMT"));
        DefaultHttpFetcher http = fetcher();

        HttpResult first = http.get(server.uri("/feed"));
        HttpResult second = http.get(server.uri("/feed"));

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.notModified()).isTrue();
        assertThat(second.body()).isEmpty();
        List<LocalHttpServer.Request> requests = server.requests("/feed");
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).header("If-None-Match")).isEqualTo("\"v1\"");
        assertThat(requests.get(1).header("If-Modified-Since")).isEqualTo("Mon, 05 Jan 2026 08:00:00 GMT");
    }

    @Test
    void eachCallerHasItsOwnValidatorsSoNoneGetsA304ForAPageItNeverSaw() {
        server.route("/feed", r -> "\"v1\"".equals(r.header("If-None-Match")) ? Response.status(304) : Response.ok("<rss/>", "application/rss+xml").withHeader("ETag", "\"v1\""));
        DefaultHttpFetcher http = fetcher();
        DefaultHttpFetcher.Caller a = http.forCaller("source/a");
        DefaultHttpFetcher.Caller b = http.forCaller("source/b");

        assertThat(a.get(server.uri("/feed")).status()).isEqualTo(200);
        assertThat(b.get(server.uri("/feed")).status()).isEqualTo(200);
        assertThat(http.get(server.uri("/feed")).status()).isEqualTo(200);
        assertThat(a.get(server.uri("/feed")).notModified()).isTrue();
        assertThat(b.get(server.uri("/feed")).notModified()).isTrue();
    }

    @Test
    void aCallerThatForgetsItsValidatorsGetsTheWholePageAgainAndOthersKeepTheirs() {
        server.route("/feed", r -> "\"v1\"".equals(r.header("If-None-Match")) ? Response.status(304) : Response.ok("<rss/>", "application/rss+xml").withHeader("ETag", "\"v1\""));
        DefaultHttpFetcher http = fetcher();
        DefaultHttpFetcher.Caller a = http.forCaller("source/a");
        DefaultHttpFetcher.Caller b = http.forCaller("source/b");
        a.get(server.uri("/feed"));
        b.get(server.uri("/feed"));

        a.forgetValidators();

        assertThat(a.get(server.uri("/feed")).status()).isEqualTo(200);
        assertThat(server.requests("/feed").get(2).header("If-None-Match")).isNull();
        assertThat(b.get(server.uri("/feed")).notModified()).isTrue();
    }

    @Test
    void callerMustBeNamed() {
        assertThatThrownBy(() -> fetcher().forCaller(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("caller must name the instance, was ' '");
    }

    @Test
    void nonConditionalRequestSendsNoValidators() {
        server.serve("/feed", Response.ok("x", "text/plain").withHeader("ETag", "\"v1\""));
        DefaultHttpFetcher http = fetcher();
        http.get(server.uri("/feed"));
        http.fetch(HttpRequest.get(server.uri("/feed")).withConditional(false));
        assertThat(server.requests("/feed").get(1).header("If-None-Match")).isNull();
    }

    @Test
    void retriesServerErrorsWithExponentialBackoffAndJitter() {
        AtomicInteger calls = new AtomicInteger();
        server.route("/flaky", r -> calls.incrementAndGet() <= 3 ? Response.status(502) : Response.ok("ok", "text/plain"));

        HttpResult result = fetcher().get(server.uri("/flaky"));

        assertThat(result.status()).isEqualTo(200);
        List<Duration> waits = scheduler.sleeps();
        assertThat(waits).hasSize(3);
        assertThat(waits.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(waits.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(waits.get(2)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @Test
    void givesUpAfterTheAllowedRetriesNamingStatusAndUrl() {
        server.serve("/down", Response.status(500));

        assertThatThrownBy(() -> fetcher().get(server.uri("/down")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("HTTP 500 Internal Server Error after 4 attempts")
                .hasMessageContaining(server.uri("/down").toString())
                .satisfies(e -> assertThat(((FetchException) e).status()).isEqualTo(500));
        assertThat(server.requests("/down")).hasSize(4);
    }

    @Test
    void clientErrorsAreNotRetried() {
        assertThatThrownBy(() -> fetcher().get(server.uri("/missing")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("HTTP 404 Not Found");
        assertThat(server.requests("/missing")).hasSize(1);
        assertThat(scheduler.sleeps()).isEmpty();
    }

    @Test
    void tooManyRequestsWaitsForRetryAfterSeconds() {
        AtomicInteger calls = new AtomicInteger();
        server.route("/api", r -> calls.incrementAndGet() == 1 ? Response.status(429).withHeader("Retry-After", "7") : Response.ok("[]", "application/json"));

        assertThat(fetcher().get(server.uri("/api")).status()).isEqualTo(200);
        assertThat(scheduler.sleeps()).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void serviceUnavailableWaitsUntilRetryAfterHttpDate() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().plusSeconds(90).atOffset(ZoneOffset.UTC));
        AtomicInteger calls = new AtomicInteger();
        server.route("/jobs", r -> calls.incrementAndGet() == 1 ? Response.status(503).withHeader("Retry-After", date) : Response.ok("ok", "text/html"));

        assertThat(fetcher().get(server.uri("/jobs")).status()).isEqualTo(200);
        assertThat(scheduler.sleeps()).containsExactly(Duration.ofSeconds(90));
        assertThat(server.requests("/jobs")).hasSize(2);
    }

    @Test
    void retryAfterBeyondMaxWaitFailsAtOnceAndHoldsTheWholeHost() {
        server.serve("/api", Response.status(429).withHeader("Retry-After", "3600"));
        server.serve("/other", Response.ok("ok", "text/plain"));
        DefaultHttpFetcher http = fetcher();

        assertThatThrownBy(() -> http.get(server.uri("/api")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("Retry-After 3600s")
                .hasMessageContaining("http.max-wait");
        assertThatThrownBy(() -> http.get(server.uri("/other")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("cannot be asked before");
        assertThat(server.requests("/other")).isEmpty();
        assertThat(scheduler.sleeps()).isEmpty();

        clock.advance(Duration.ofHours(1));
        assertThat(http.get(server.uri("/other")).status()).isEqualTo(200);
    }

    @Test
    void retryAfterOnTheLastAttemptStillHoldsTheHost() {
        server.serve("/ra/1", Response.status(429).withHeader("Retry-After", "3600"));
        server.serve("/ra/2", Response.ok("ok", "text/plain"));
        DefaultHttpFetcher http = fetcher(settings(Duration.ZERO, 0));

        assertThatThrownBy(() -> http.get(server.uri("/ra/1")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("Retry-After 3600s");
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> http.get(server.uri("/ra/2")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("cannot be asked before");
        assertThat(server.requests("/ra/2")).isEmpty();
    }

    @Test
    void shortRetryAfterOnTheLastAttemptDelaysTheHostsNextRequest() {
        server.serve("/ra/1", Response.status(503).withHeader("Retry-After", "7"));
        server.serve("/ra/2", Response.ok("ok", "text/plain"));
        DefaultHttpFetcher http = fetcher(settings(Duration.ZERO, 0));

        assertThatThrownBy(() -> http.get(server.uri("/ra/1")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("HTTP 503 Service Unavailable")
                .hasMessageContaining("Retry-After 7s");
        assertThat(http.get(server.uri("/ra/2")).status()).isEqualTo(200);
        assertThat(scheduler.sleeps()).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void networkErrorsAreRetriedThenReportedClearly() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        URI uri = URI.create("http://127.0.0.1:" + closedPort + "/x");

        assertThatThrownBy(() -> fetcher(settings(Duration.ZERO, 2)).fetch(HttpRequest.get(uri).withRobots(false)))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("network error: cannot connect")
                .hasMessageContaining("3 attempts")
                .satisfies(e -> assertThat(((FetchException) e).status()).isEqualTo(-1));
        assertThat(scheduler.sleeps()).hasSize(2);
    }

    @Test
    void followsRedirectsWithRelativeLocations() {
        server.serve("/old", Response.redirect("/new?x=1"));
        server.serve("/new", Response.ok("here", "text/plain"));

        HttpResult r = fetcher().get(server.uri("/old"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.uri()).isEqualTo(server.uri("/new?x=1"));
        assertThat(r.text()).isEqualTo("here");
    }

    @Test
    void callersHeadersAreNotSentToAnotherOriginOnRedirect() {
        try (LocalHttpServer other = LocalHttpServer.start()) {
            URI elsewhere = URI.create("http://localhost:" + other.port() + "/data");
            server.serve("/redir", Response.redirect(elsewhere.toString()));
            other.serve("/data", Response.ok("{}", "application/json"));

            HttpResult r = fetcher().fetch(HttpRequest.get(server.uri("/redir")).withHeaders(Map.of("Authorization", "Bearer secret", "X-Api-Key", "k1")));

            assertThat(r.uri()).isEqualTo(elsewhere);
            assertThat(server.requests("/redir").getFirst().header("Authorization")).isEqualTo("Bearer secret");
            LocalHttpServer.Request hop = other.requests("/data").getFirst();
            assertThat(hop.header("Authorization")).isNull();
            assertThat(hop.header("X-Api-Key")).isNull();
            assertThat(hop.header("User-Agent")).isEqualTo("FlywheelTest/1.0 (+tests)");
        }
    }

    @Test
    void callersHeadersAreKeptOnSameOriginRedirects() {
        server.serve("/old", Response.redirect(server.uri("/new").toString()));
        server.serve("/new", Response.ok("here", "text/plain"));

        fetcher().fetch(HttpRequest.get(server.uri("/old")).withHeaders(Map.of("Authorization", "Bearer secret")));

        assertThat(server.requests("/new").getFirst().header("Authorization")).isEqualTo("Bearer secret");
    }

    @Test
    void originComparesSchemeHostAndEffectivePort() {
        assertThat(DefaultHttpFetcher.sameOrigin(URI.create("https://Example.com/a"), URI.create("https://example.com:443/b"))).isTrue();
        assertThat(DefaultHttpFetcher.sameOrigin(URI.create("http://example.com/a"), URI.create("https://example.com/a"))).isFalse();
        assertThat(DefaultHttpFetcher.sameOrigin(URI.create("http://example.com/a"), URI.create("http://example.com:8080/a"))).isFalse();
        assertThat(DefaultHttpFetcher.sameOrigin(URI.create("http://example.com/a"), URI.create("http://api.example.com/a"))).isFalse();
    }

    @Test
    void redirectLocationIsEscapedAsBrowsersDo() {
        server.serve("/old", Response.redirect("/new jobs?q=a|b"));
        server.serve("/new jobs", Response.ok("here", "text/plain"));

        HttpResult r = fetcher().get(server.uri("/old"));

        assertThat(r.text()).isEqualTo("here");
        assertThat(r.uri()).isEqualTo(server.uri("/new%20jobs?q=a%7Cb"));
    }

    @Test
    void redirectLoopIsDetectedWithTheChain() {
        server.serve("/a", Response.redirect("/b"));
        server.serve("/b", Response.redirect("/a"));

        assertThatThrownBy(() -> fetcher().get(server.uri("/a")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("redirect loop: " + server.uri("/a") + " -> " + server.uri("/b") + " -> " + server.uri("/a"));
        assertThat(server.requests("/a")).hasSize(1);
        assertThat(server.requests("/b")).hasSize(1);
    }

    @Test
    void tooManyRedirectsAreRefused() {
        for (int i = 0; i < 10; i++) {
            server.serve("/r" + i, Response.redirect("/r" + (i + 1)));
        }
        assertThatThrownBy(() -> fetcher().get(server.uri("/r0")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("more than 5 redirects (http.max-redirects)");
    }

    @Test
    void bodyOverTheSizeCapIsRefused() {
        server.serve("/big", Response.bytes(new byte[200_000], "text/html"));

        assertThatThrownBy(() -> fetcher().get(server.uri("/big")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("100000-byte cap (http.max-bytes)");
        assertThat(server.requests("/big")).hasSize(1);
    }

    @Test
    void gzipBodiesAreDecompressedAndCappedAfterDecompression() throws IOException {
        server.serve("/small.gz", Response.bytes(gzip("hello gzip".getBytes(StandardCharsets.UTF_8)), "text/plain").withHeader("Content-Encoding", "gzip"));
        server.serve("/bomb.gz", Response.bytes(gzip(new byte[500_000]), "text/plain").withHeader("Content-Encoding", "gzip"));
        DefaultHttpFetcher http = fetcher();

        assertThat(http.get(server.uri("/small.gz")).text()).isEqualTo("hello gzip");
        assertThat(server.requests("/small.gz").getFirst().header("Accept-Encoding")).isEqualTo("gzip");
        assertThatThrownBy(() -> http.get(server.uri("/bomb.gz"))).hasMessageContaining("once decompressed");
    }

    @Test
    void slowResponseTimesOutWithAClearMessage() {
        CountDownLatch release = new CountDownLatch(1);
        server.route("/slow", r -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Response.ok("late", "text/plain");
        });
        try {
            HttpRequest request = new HttpRequest(server.uri("/slow"), Map.of(), Duration.ofMillis(300), true, true);
            assertThatThrownBy(() -> fetcher(settings(Duration.ZERO, 0)).fetch(request))
                    .isInstanceOf(FetchException.class)
                    .hasMessageContaining("300 ms");
        } finally {
            release.countDown();
        }
    }

    @Test
    void sendsTheConfiguredUserAgent() {
        server.serve("/ua", Response.ok("ok", "text/plain"));
        fetcher().get(server.uri("/ua"));
        assertThat(server.requests("/ua").getFirst().header("User-Agent")).isEqualTo("FlywheelTest/1.0 (+tests)");
    }

    @Test
    void unknownDeclaredCharsetIsReportedAsNone() {
        server.serve("/odd", new Response(200, Map.of("Content-Type", "text/html; charset=x-no-such-charset"), "hi".getBytes(StandardCharsets.UTF_8)));
        HttpResult r = fetcher().get(server.uri("/odd"));
        assertThat(r.charset()).isNull();
        assertThat(r.header("content-type")).contains("text/html; charset=x-no-such-charset");
    }

    @Test
    void readsLocalFilesAndNamesMissingOnes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path f = java.nio.file.Files.writeString(dir.resolve("feed.xml"), "<rss/>");
        assertThat(fetcher().get(f.toUri()).text()).isEqualTo("<rss/>");
        assertThatThrownBy(() -> fetcher().get(dir.resolve("nope.xml").toUri())).hasMessageContaining("no such file");
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
