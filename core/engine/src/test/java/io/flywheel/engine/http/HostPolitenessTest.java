package io.flywheel.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.http.FetchException;
import io.flywheel.api.http.HttpFetcher;
import io.flywheel.api.http.HttpRequest;
import io.flywheel.engine.config.Settings;
import io.flywheel.testkit.LocalHttpServer;
import io.flywheel.testkit.LocalHttpServer.Response;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HostPolitenessTest {
    private final ManualClock clock = ManualClock.atDefaultStart();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final LocalHttpServer server = LocalHttpServer.start();
    private final LocalHttpServer other = LocalHttpServer.start();

    @AfterEach
    void stop() {
        server.close();
        other.close();
    }

    private DefaultHttpFetcher fetcher(Duration interval) {
        return new DefaultHttpFetcher(DefaultHttpFetcherTest.settings(interval, 0), clock, scheduler, new Random(3));
    }

    @Test
    void neverTwoConcurrentRequestsToOneHostAndTheIntervalIsKept() throws Exception {
        List<Instant> starts = new CopyOnWriteArrayList<>();
        CountDownLatch secondArrived = new CountDownLatch(2);
        server.route("/page", r -> {
            starts.add(clock.instant());
            secondArrived.countDown();
            try {
                // a request let through while this one is in flight would arrive here and be counted
                secondArrived.await(150, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Response.ok("ok", "text/html");
        });
        DefaultHttpFetcher http = fetcher(Duration.ofSeconds(2));

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                runs.add(pool.submit(() -> http.get(server.uri("/page"))));
            }
            for (Future<?> f : runs) {
                f.get(30, TimeUnit.SECONDS);
            }
        }

        assertThat(server.maxConcurrent()).isEqualTo(1);
        assertThat(starts).hasSize(5);
        List<Instant> sorted = starts.stream().sorted().toList();
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(Duration.between(sorted.get(i - 1), sorted.get(i))).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        }
    }

    @Test
    void differentHostsAreFetchedConcurrently() throws Exception {
        CountDownLatch bothIn = new CountDownLatch(2);
        LocalHttpServer.Response ok = Response.ok("ok", "text/html");
        for (LocalHttpServer s : List.of(server, other)) {
            s.route("/slow", r -> {
                bothIn.countDown();
                try {
                    bothIn.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return ok;
            });
        }
        DefaultHttpFetcher http = fetcher(Duration.ofSeconds(1));

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> a = pool.submit(() -> http.get(server.uri("/slow")));
            Future<?> b = pool.submit(() -> http.get(other.uri("/slow")));
            a.get(20, TimeUnit.SECONDS);
            b.get(20, TimeUnit.SECONDS);
        }
        // each handler only returned early because the other host's request was in flight at the same time
        assertThat(bothIn.getCount()).isZero();
    }

    @Test
    void robotsTxtDisallowIsEnforcedUnlessTheSourceOptsOut() {
        server.serve("/robots.txt", Response.ok("User-agent: *\nDisallow: /private\n\nUser-agent: FlywheelTest\nDisallow: /search\n", "text/plain"));
        server.serve("/private", Response.ok("secret", "text/html"));
        server.serve("/search", Response.ok("results", "text/html"));
        DefaultHttpFetcher http = fetcher(Duration.ZERO);

        assertThatThrownBy(() -> http.get(server.uri("/search?q=java")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("robots.txt disallows /search?q=java for user-agent 'flywheeltest'")
                .hasMessageContaining("robots: false");
        // our own group applies, not the * group
        assertThat(http.get(server.uri("/private")).text()).isEqualTo("secret");
        assertThat(http.fetch(HttpRequest.get(server.uri("/search")).withRobots(false)).text()).isEqualTo("results");
        assertThat(server.requests("/robots.txt")).hasSize(1);
        assertThat(server.requests("/search")).hasSize(1);
    }

    @Test
    void robotsTxtRedirectWithASpaceInItsLocationIsFollowed() {
        server.serve("/robots.txt", Response.redirect("/robots files/robots.txt"));
        server.serve("/robots files/robots.txt", Response.ok("User-agent: *\nDisallow: /private\n", "text/plain"));
        server.serve("/public", Response.ok("hello", "text/html"));
        DefaultHttpFetcher http = fetcher(Duration.ZERO);

        assertThatThrownBy(() -> http.get(server.uri("/private")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("robots.txt disallows /private");
        assertThat(http.get(server.uri("/public")).text()).isEqualTo("hello");
        assertThat(server.requests("/robots.txt")).hasSize(1);
        assertThat(server.requests("/robots files/robots.txt")).hasSize(1);
    }

    @Test
    void robotsTxtRedirectToAnInvalidUrlCountsAsUnavailableAndAllowsAll() {
        server.serve("/robots.txt", Response.redirect("http://[::1/robots.txt"));
        server.serve("/a", Response.ok("a", "text/html"));
        server.serve("/b", Response.ok("b", "text/html"));
        DefaultHttpFetcher http = fetcher(Duration.ZERO);

        assertThat(http.get(server.uri("/a")).text()).isEqualTo("a");
        assertThat(http.get(server.uri("/b")).text()).isEqualTo("b");
        assertThat(server.requests("/robots.txt")).hasSize(1);
    }

    @Test
    void robotsTxtIsReadAgainAfterADay() {
        server.serve("/robots.txt", Response.ok("User-agent: *\nAllow: /\n", "text/plain"));
        server.serve("/p", Response.ok("ok", "text/html"));
        DefaultHttpFetcher http = fetcher(Duration.ZERO);
        http.get(server.uri("/p"));
        clock.advance(Duration.ofHours(23));
        http.get(server.uri("/p"));
        assertThat(server.requests("/robots.txt")).hasSize(1);
        clock.advance(Duration.ofHours(2));
        http.get(server.uri("/p"));
        assertThat(server.requests("/robots.txt")).hasSize(2);
    }

    @Test
    void unreadableRobotsTxtDisallowsForNowWithAClearMessage() {
        server.serve("/robots.txt", Response.status(503));
        server.serve("/jobs", Response.ok("ok", "text/html"));

        assertThatThrownBy(() -> fetcher(Duration.ZERO).get(server.uri("/jobs")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("robots.txt could not be read (HTTP 503)")
                .hasMessageContaining("RFC 9309");
        assertThat(server.requests("/jobs")).isEmpty();
    }

    @Test
    void aHostThatRefusesConnectionsIsSaidToBeUnreachableNotBlamedOnRobotsTxt() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        // before: "http://127.0.0.1:N/robots.txt could not be read (...), which RFC 9309 treats as disallow-all for now;
        // set robots: false on the source to ignore robots.txt", which sent the operator to the wrong setting
        assertThatThrownBy(() -> fetcher(Duration.ZERO).get(java.net.URI.create("http://127.0.0.1:" + port + "/feed.atom")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("http://127.0.0.1:" + port + " cannot be reached (")
                .hasMessageContaining("tried its robots.txt first")
                .hasMessageNotContaining("robots: false");
    }

    @Test
    void aHostThatAnsweredWithABrokenRobotsTxtIsNotSaidToBeUnreachable() {
        // the host answered: its robots.txt claims gzip and is not. Before: "<origin> cannot be reached", hiding robots: false
        server.serve("/robots.txt", Response.ok("User-agent: *\nAllow: /\n", "text/plain").withHeader("Content-Encoding", "gzip"));
        server.serve("/feed.atom", Response.ok("<feed/>", "application/atom+xml"));
        assertThatThrownBy(() -> fetcher(Duration.ZERO).get(server.uri("/feed.atom")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("/robots.txt could not be read (")
                .hasMessageContaining("robots: false")
                .hasMessageNotContaining("cannot be reached");
    }

    @Test
    void aRobotsTxtRedirectToADeadHostDoesNotSayTheOriginIsUnreachable() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        // the origin answered with a redirect; the host it points at is down. Before: "<origin> cannot be reached"
        server.serve("/robots.txt", Response.redirect("http://127.0.0.1:" + port + "/robots.txt"));
        assertThatThrownBy(() -> fetcher(Duration.ZERO).get(server.uri("/feed.atom")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("/robots.txt could not be read (")
                .hasMessageNotContaining("cannot be reached (");
    }

    @Test
    void crawlDelayRaisesTheHostsInterval() {
        server.serve("/robots.txt", Response.ok("User-agent: *\nCrawl-delay: 5\n", "text/plain"));
        List<Instant> starts = new CopyOnWriteArrayList<>();
        server.route("/p", r -> {
            starts.add(clock.instant());
            return Response.ok("ok", "text/html");
        });
        DefaultHttpFetcher http = fetcher(Duration.ofSeconds(1));
        http.get(server.uri("/p"));
        http.get(server.uri("/p"));
        assertThat(Duration.between(starts.get(0), starts.get(1))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void browserNavigationsTakeTheSameTurnsThroughPermits() {
        server.serve("/robots.txt", Response.ok("User-agent: *\nDisallow: /admin\n", "text/plain"));
        DefaultHttpFetcher http = fetcher(Duration.ofSeconds(3));
        URI page = server.uri("/jobs");

        Instant before = clock.instant();
        try (HttpFetcher.Permit first = http.permit(page, true)) {
            assertThat(first).isNotNull();
        }
        try (HttpFetcher.Permit second = http.permit(page, true)) {
            assertThat(second).isNotNull();
        }
        // robots.txt took the first turn, then one navigation each: two intervals
        assertThat(Duration.between(before, clock.instant())).isEqualTo(Duration.ofSeconds(6));
        assertThatThrownBy(() -> http.permit(server.uri("/admin"), true)).hasMessageContaining("robots.txt disallows /admin");
        http.permit(server.uri("/admin"), false).close();
    }

    @Test
    void perHostOverridesApplyToSubdomains() {
        Settings.Http s = new Settings.Http(null, null, null, null, 1, Duration.ofSeconds(1), null, null,
                Map.of("example.org", new Settings.Host(2, Duration.ofSeconds(10))));
        assertThat(s.limitsFor("jobs.example.org")).isEqualTo(new Settings.Host(2, Duration.ofSeconds(10)));
        assertThat(s.limitsFor("example.org")).isEqualTo(new Settings.Host(2, Duration.ofSeconds(10)));
        assertThat(s.limitsFor("example.com")).isEqualTo(new Settings.Host(1, Duration.ofSeconds(1)));
    }

    @Test
    void aHostNameWithAnUnderscoreGetsItsOverrideOnAnyPort() {
        // java.net.URI gives no host for my_api (a compose service): the name comes from the authority
        assertThat(HostGate.host(URI.create("http://user@my_api:8080/x"))).isEqualTo("my_api");
        assertThat(HostGate.host(URI.create("http://my_api/x"))).isEqualTo("my_api");
        assertThat(HostGate.host(URI.create("http://[::1]:8080/x"))).isEqualTo("[::1]");
        Settings.Http s = new Settings.Http(null, null, null, null, 1, Duration.ofSeconds(1), null, null,
                Map.of("my_api", new Settings.Host(3, Duration.ofSeconds(4))));
        assertThat(s.limitsFor(HostGate.host(URI.create("http://my_api:8080/x")))).isEqualTo(new Settings.Host(3, Duration.ofSeconds(4)));
    }

    @Test
    void politenessKeyIgnoresDefaultPortsButSeparatesLocalServers() {
        assertThat(HostGate.key(URI.create("http://Example.org/a"))).isEqualTo("example.org");
        assertThat(HostGate.key(URI.create("https://example.org:443/a"))).isEqualTo("example.org");
        assertThat(HostGate.key(URI.create("http://127.0.0.1:8081/"))).isEqualTo("127.0.0.1:8081");
    }
}
