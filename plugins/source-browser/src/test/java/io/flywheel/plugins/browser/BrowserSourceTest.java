package io.flywheel.plugins.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.FlywheelException;
import io.flywheel.api.lead.SourceQuery;
import io.flywheel.engine.config.Settings;
import io.flywheel.engine.http.DefaultHttpFetcher;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import io.flywheel.testkit.TestPluginContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the browser source does without a browser: runs anywhere, no Chromium needed. */
class BrowserSourceTest {
    private final ManualClock clock = ManualClock.atDefaultStart();
    private final ManualScheduler scheduler = new ManualScheduler(clock);

    @Test
    void missingChromiumFailsTheRunWithWhatToInstall() throws Exception {
        var config = new BrowserSourceFactory.Config(URI.create("file:///tmp/board.html"), null, BrowserSourceIT.JOBS, null, null, null, null,
                null, null, null, null, Path.of("/nonexistent/chromium"), Path.of("/nonexistent/chromedriver"), null, null, null, null);
        var ctx = new TestPluginContext("js", clock, scheduler, new DefaultHttpFetcher(Settings.Http.defaults(), clock, scheduler, new Random(1)), null, List.of());
        try (var source = new BrowserSourceFactory().create(config, ctx)) {
            assertThatThrownBy(() -> source.fetch(new SourceQuery(List.of())))
                    .isInstanceOf(FlywheelException.class)
                    .hasMessageContaining("Chromium not found at /nonexistent/chromium")
                    .hasMessageContaining("apt-get install chromium chromium-driver");
        }
    }

    @Test
    void configDefaultsToDebiansBinariesAndBoundsTheRender() {
        var config = new BrowserSourceFactory.Config(URI.create("https://example.org/jobs"), null, BrowserSourceIT.JOBS, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null);
        assertThat(config.chromium()).isEqualTo(Path.of("/usr/bin/chromium"));
        assertThat(config.chromedriver()).isEqualTo(Path.of("/usr/bin/chromedriver"));
        assertThat(config.renderBudget()).isEqualTo(Duration.ofSeconds(30 + 10 + 3 * 2 + 10));
        assertThat(BrowserSession.FLAGS).contains("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--no-first-run");
        assertThatThrownBy(() -> new BrowserSourceFactory.Config(URI.create("https://example.org/jobs"), null, BrowserSourceIT.JOBS, null, null, null, null,
                null, null, null, null, null, null, 20, null, null, null)).hasMessageContaining("sessions: must be between 1 and 8");
    }

    @Test
    void configProblemsNameTheKeyAndTheValue() {
        assertThatThrownBy(() -> config(Duration.ofSeconds(-1), null, null, null)).hasMessage("wait-for: must not be negative, found PT-1S");
        assertThatThrownBy(() -> config(null, Duration.ofMillis(-5), null, null)).hasMessage("scroll-wait: must not be negative, found PT-0.005S");
        assertThatThrownBy(() -> config(null, null, Duration.ZERO, null)).hasMessage("page-load-timeout: must be positive, found PT0S");
        assertThatThrownBy(() -> config(null, null, null, "a.next[")).hasMessageStartingWith("next: 'a.next[' is not a valid CSS selector");
    }

    @Test
    void theKeysEverySourceSharesReadAsForTheOtherSources() {
        URI a = URI.create("https://example.org/a");
        URI b = URI.create("https://example.org/b");
        var config = new BrowserSourceFactory.Config(a, List.of(b), BrowserSourceIT.JOBS, null, 2, 0, null, null, null, null, null, null, null, null,
                null, null, null);
        assertThat(config.all()).containsExactly(a, b);
        assertThat(config.pagination()).isEqualTo(new io.flywheel.plugins.listing.Pagination(2, 0, 1));
        assertThat(config.robots()).isTrue();
        assertThat(config.limit()).isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> new BrowserSourceFactory.Config(null, List.of(), BrowserSourceIT.JOBS, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null)).hasMessage("set url (or urls) to the listing page");
        assertThatThrownBy(() -> new BrowserSourceFactory.Config(a, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null)).hasMessage("missing required key 'select' (item, title, link, ... selectors)");
        assertThatThrownBy(() -> new BrowserSourceFactory.Config(a, null, BrowserSourceIT.JOBS, null, null, null, null, null, null, null, null, null, null,
                null, null, null, 0)).hasMessage("limit: must be positive, found 0");
    }

    @Test
    void thePageUrlIsEscapedAsBrowsersWriteItOrFallsBackToTheRequestedOne() {
        URI requested = URI.create("http://127.0.0.1:8080/filtered");
        assertThat(BrowserSession.pageUri("http://127.0.0.1:8080/filtered?sort=date|desc&f={%22remote%22:true}", requested))
                .isEqualTo(URI.create("http://127.0.0.1:8080/filtered?sort=date%7Cdesc&f=%7B%22remote%22:true%7D"));
        assertThat(BrowserSession.pageUri("http://[::1", requested)).isSameAs(requested);
    }

    private static BrowserSourceFactory.Config config(Duration waitFor, Duration scrollWait, Duration pageLoadTimeout, String next) {
        return new BrowserSourceFactory.Config(URI.create("https://example.org/jobs"), null, BrowserSourceIT.JOBS, next, null, null, null,
                waitFor, null, scrollWait, pageLoadTimeout, null, null, null, null, null, null);
    }
}
