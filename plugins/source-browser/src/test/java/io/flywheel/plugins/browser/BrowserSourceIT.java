package io.flywheel.plugins.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.FlywheelException;
import io.flywheel.api.lead.RawLead;
import io.flywheel.api.lead.SourceQuery;
import io.flywheel.engine.config.Settings;
import io.flywheel.engine.http.DefaultHttpFetcher;
import io.flywheel.plugins.listing.Select;
import io.flywheel.testkit.LocalHttpServer;
import io.flywheel.testkit.LocalHttpServer.Response;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import io.flywheel.testkit.TestPluginContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The browser source in real headless Chromium (Debian's chromium + chromium-driver) against a page that renders with JavaScript. */
class BrowserSourceIT {
    static final Select JOBS = new Select("li.job", "h3.title a", null, ".company", ".where", null, "time @datetime", null, null, null);

    private final ManualClock clock = ManualClock.atDefaultStart();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final LocalHttpServer server = LocalHttpServer.start();
    private final CountDownLatch release = new CountDownLatch(1);
    private TestPluginContext context;

    @BeforeEach
    void start() throws IOException {
        byte[] page;
        try (InputStream in = getClass().getResourceAsStream("/js-board.html")) {
            page = in.readAllBytes();
        }
        server.serve("/board", Response.bytes(page, "text/html; charset=utf-8"));
        server.route("/hang", r -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Response.ok("<html><body>too late</body></html>", "text/html");
        });
        Settings.Http http = new Settings.Http("FlywheelTest/1.0", Duration.ofSeconds(10), 5_000_000L, 0, 1, Duration.ZERO, Duration.ofMinutes(5), 5, Map.of());
        context = new TestPluginContext("js-board", clock, scheduler, new DefaultHttpFetcher(http, clock, scheduler, new Random(1)), null, List.of());
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.close();
    }

    private static BrowserSourceFactory.Config config(URI url, int scrolls, Duration pageLoad) {
        return new BrowserSourceFactory.Config(url, null, JOBS, null, null, null, null, Duration.ofSeconds(5), scrolls, Duration.ofSeconds(2),
                pageLoad, null, null, 1, null, null, null);
    }

    @Test
    void rendersItemsAddedByJavaScriptScrollsForMoreAndReusesItsSession() throws Exception {
        BrowserSource source = (BrowserSource) new BrowserSourceFactory().create(config(server.uri("/board"), 2, Duration.ofSeconds(20)), context);
        List<Path> folders;
        try (source) {
            List<RawLead> leads = source.fetch(new SourceQuery(List.of())).leads();

            assertThat(leads).hasSize(30);   // 10 rendered after load, 10 more per scroll, two scrolls allowed
            assertThat(leads.getFirst().title()).isEqualTo("Senior Backend Engineer #1");
            assertThat(leads.getFirst().url()).isEqualTo(server.uri("/jobs/1000").toString());
            assertThat(leads.getFirst().company()).isEqualTo("Railway");
            assertThat(leads.getFirst().published()).isEqualTo(Instant.parse("2026-01-01T09:00:00Z"));

            assertThat(source.fetch(new SourceQuery(List.of())).leads()).hasSize(30);
            assertThat(source.pool().started()).isEqualTo(1);
            folders = source.pool().sessions().stream().map(BrowserSession::folder).toList();
            assertThat(processesUsing(folders)).isNotEmpty();
        }
        assertThat(processesUsing(folders)).isEmpty();
        assertThat(folders).allSatisfy(f -> assertThat(Files.exists(f)).isFalse());
    }

    @Test
    void aPageThatRewritesItsUrlWithCharactersJavaRefusesStillRendersInAKeptSession() throws Exception {
        // Chromium leaves | { } ^ unescaped in the query it reports, which java.net.URI refuses
        server.serve("/filtered", Response.ok("""
                <html><body><ul>
                <li class="job"><h3 class="title"><a href="jobs/7">Platform Engineer</a></h3><span class="company">Acme</span></li>
                </ul><script>history.replaceState(null, '', '?sort=date|desc&f={"remote":true}&x=^');</script></body></html>
                """, "text/html"));
        BrowserSource source = (BrowserSource) new BrowserSourceFactory().create(config(server.uri("/filtered"), 0, Duration.ofSeconds(20)), context);
        try (source) {
            List<RawLead> leads = source.fetch(new SourceQuery(List.of())).leads();

            assertThat(leads).extracting(RawLead::title).containsExactly("Platform Engineer");
            assertThat(leads.getFirst().url()).isEqualTo(server.uri("/jobs/7").toString());
            assertThat(source.fetch(new SourceQuery(List.of())).leads()).hasSize(1);
            assertThat(source.pool().started()).isEqualTo(1);
        }
    }

    @Test
    void aPageThatNeverLoadsIsCutOffAndLeavesNoChromiumBehind() throws Exception {
        BrowserSource source = (BrowserSource) new BrowserSourceFactory().create(config(server.uri("/hang"), 0, Duration.ofSeconds(2)), context);
        try (source) {
            assertThatThrownBy(() -> source.fetch(new SourceQuery(List.of())))
                    .isInstanceOf(FlywheelException.class)
                    .hasMessageContaining("did not load within page-load-timeout 2s")
                    .hasMessageContaining(server.uri("/hang").toString());
            assertThat(source.pool().sessions()).isEmpty();
        }
        assertThat(processesUsing(List.of(Path.of(System.getProperty("java.io.tmpdir"), "flywheel-chromium-")))).isEmpty();
    }

    @Test
    void aCrashedBrowserIsReplacedByAFreshSession() throws Exception {
        BrowserSource source = (BrowserSource) new BrowserSourceFactory().create(config(server.uri("/board"), 0, Duration.ofSeconds(20)), context);
        try (source) {
            assertThat(source.fetch(new SourceQuery(List.of())).leads()).hasSize(10);
            BrowserSession crashed = source.pool().sessions().getFirst();
            for (ProcessHandle p : processesUsing(List.of(crashed.folder()))) {
                p.destroyForcibly();
            }

            assertThat(source.fetch(new SourceQuery(List.of())).leads()).hasSize(10);
            assertThat(source.pool().started()).isEqualTo(2);
            assertThat(processesUsing(List.of(crashed.folder()))).isEmpty();
        }
    }

    /** Live processes whose command line names one of {@code folders} (or starts with it). */
    static List<ProcessHandle> processesUsing(List<Path> folders) {
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().arguments().map(Arrays::asList).orElse(List.of()).stream()
                        .anyMatch(a -> folders.stream().anyMatch(f -> a.contains(f.toString()))))
                .toList();
    }
}
