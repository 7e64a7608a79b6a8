package io.flywheel.dist;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled config.yml's sources of every type (rss, html, json, browser) run offline in the assembled distribution. */
class BundledSourcesIT {
    @TempDir
    Path dir;

    @Test
    void everyDemoSourceTypeRunsOfflineAndStatusShowsThemHealthy() {
        Path config = Distribution.deployment(dir);

        var run = Distribution.run(dir, Map.of(), "run", "--once", "--config", config.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("hn-hiring: 9 found", "remote-digest: 5 found", "hn-thread: 9 found", "hn-search: 9 found")
                .doesNotContain("failed").doesNotContain("hn-app:");

        var status = Distribution.run(dir, Map.of(), "status", "--config", config.toString());
        assertThat(status.exit()).as(status.out() + status.err()).isZero();
        assertThat(status.out()).containsPattern("hn-thread\\s+ok").containsPattern("hn-search\\s+ok").containsPattern("hn-app\\s+disabled")
                .contains("4 source(s): 0 unhealthy, 0 possibly stale");
    }

    private static void assumeChromium() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isExecutable(Path.of("/usr/bin/chromedriver")),
                "no Chromium here (.ci/run installs chromium and chromium-driver)");
    }

    @Test
    void sigtermWhileChromiumRunsLeavesNoBrowserProcessBehind() throws Exception {
        assumeChromium();
        Path config = Distribution.deployment(dir);
        Process p = Distribution.start(dir, Map.of("FLYWHEEL_BROWSER", "true"), dir.resolve("stderr.txt"), "run", "--config", config.toString());
        try {
            Distribution.firstLine(p.getInputStream(), "^$");   // keep stdout drained
            Set<ProcessHandle> browsers = ConcurrentHashMap.newKeySet();
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                p.toHandle().descendants().filter(d -> d.info().command().map(c -> c.contains("chrom")).orElse(false)).forEach(browsers::add);
                return browsers.stream().anyMatch(b -> b.info().command().map(c -> !c.contains("chromedriver")).orElse(false));
            });

            p.destroy();   // SIGTERM while the browser source is running or pooled

            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
            assertThat(p.exitValue()).isZero();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(browsers).noneMatch(ProcessHandle::isAlive));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void theBrowserSourceRunsWhenSwitchedOnAndChromiumIsInstalled() {
        assumeChromium();
        Path config = Distribution.deployment(dir);

        var run = Distribution.run(dir, Map.of("FLYWHEEL_BROWSER", "true"), "run", "--once", "--config", config.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("hn-app: 9 found").doesNotContain("failed");
    }
}
