package io.flywheel.plugins.web;

import io.flywheel.engine.config.Settings;
import io.flywheel.engine.http.DefaultHttpFetcher;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import io.flywheel.testkit.TestPluginContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/** What the source tests share: the host's real fetcher on a fake clock, and the saved pages. */
final class WebSources {
    final ManualClock clock = ManualClock.atDefaultStart();
    final ManualScheduler scheduler = new ManualScheduler(clock);

    TestPluginContext context(String id, long maxBytes, String... keywords) {
        Settings.Http http = new Settings.Http("FlywheelTest/1.0", Duration.ofSeconds(10), maxBytes, 1, 1, Duration.ofMillis(500),
                Duration.ofMinutes(5), 5, Map.of());
        return new TestPluginContext(id, clock, scheduler, new DefaultHttpFetcher(http, clock, scheduler, new Random(5)), null, List.of(keywords));
    }

    TestPluginContext context(String id, String... keywords) {
        return context(id, 5_000_000, keywords);
    }

    static byte[] resource(String name) {
        try (InputStream in = WebSources.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return name.endsWith(".gz") ? new GZIPInputStream(in).readAllBytes() : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path resourcePath(String name) {
        try {
            return Path.of(WebSources.class.getResource("/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}
