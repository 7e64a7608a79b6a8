package io.flywheel.engine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.flywheel.api.FlywheelException;
import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.lead.RawLead;
import io.flywheel.api.lead.SourceQuery;
import io.flywheel.api.lead.SourceResult;
import io.flywheel.engine.config.HostSettings;
import io.flywheel.engine.config.Settings;
import io.flywheel.engine.http.DefaultHttpFetcher;
import io.flywheel.engine.lead.IngestResult;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.lead.LeadPipeline;
import io.flywheel.testkit.LocalHttpServer;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.Tag("mockito") // runs in the JVM with Mockito's agent (see core/engine/pom.xml)
class SourceRunnerTest {
    private final ManualClock clock = ManualClock.atDefaultStart();
    private final LeadPipeline pipeline = mock(LeadPipeline.class);
    private final AtomicReference<Object> next = new AtomicReference<>();
    private final List<SourceQuery> queries = new ArrayList<>();
    private final LeadSource source = query -> {
        queries.add(query);
        Object o = next.get();
        if (o instanceof Exception e) {
            throw e;
        }
        return (SourceResult) o;
    };
    private final HostSettings.Source settings = new HostSettings.Source(Duration.ofMinutes(10), Duration.ZERO, "board", 2);

    SourceRunnerTest() {
        when(pipeline.ingest(anyString(), anyString(), anyList())).thenAnswer(inv -> {
            List<RawLead> raws = inv.getArgument(2);
            return new IngestResult(inv.getArgument(0), raws.size(), 0, 0, List.of());
        });
    }

    private SourceRunner runner() {
        return new SourceRunner("jobs-board", source, settings, pipeline, new KeywordWeights(Map.of("java", 3.0, "remote", 2.0, "sql", 1.0)), clock, new Random(1));
    }

    private static SourceResult items(int n) {
        List<RawLead> leads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leads.add(RawLead.of("Job " + i, "https://example.org/" + i));
        }
        return SourceResult.of(leads);
    }

    @Test
    void failingSourceIsPausedWithGrowingBackoffAndRecovers() {
        SourceRunner r = runner();
        next.set(new FlywheelException("HTTP 503 Service Unavailable after 4 attempts (https://example.org/jobs)"));

        r.run();
        assertThat(r.health().consecutiveFailures()).isEqualTo(1);
        assertThat(r.health().state(clock.instant())).isEqualTo(SourceHealth.State.FAILING);
        assertThat(r.nextDelay()).isEqualTo(Duration.ofMinutes(10));

        List<Duration> pauses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            r.run();
            pauses.add(Duration.between(clock.instant(), r.health().pausedUntil()));
            assertThat(r.health().state(clock.instant())).isEqualTo(SourceHealth.State.PAUSED);
            assertThat(r.nextDelay()).isEqualTo(pauses.getLast());
            clock.advance(pauses.getLast());
        }
        assertThat(pauses).containsExactly(Duration.ofMinutes(20), Duration.ofMinutes(40), Duration.ofMinutes(80), Duration.ofMinutes(160));
        assertThat(r.health().healthy()).isFalse();
        assertThat(r.health().lastError()).contains("HTTP 503").contains("https://example.org/jobs");

        next.set(items(3));
        SourceRun ok = r.run();
        assertThat(ok.failed()).isFalse();
        assertThat(r.health().healthy()).isTrue();
        assertThat(r.health().pausedUntil()).isNull();
        assertThat(r.nextDelay()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aFailureThatQuotesASecretIsKeptMasked() {
        io.flywheel.engine.log.SecretMasker.register("sk_live_abcdef123");
        SourceRunner r = runner();
        next.set(new FlywheelException("HTTP 403 Forbidden (https://api.example.org/jobs?api_key=sk_live_abcdef123)"));
        SourceRun run = r.run();
        // What /sources, flywheel status and the status file show.
        assertThat(r.health().lastError()).contains("HTTP 403").doesNotContain("sk_live_abcdef123");
        assertThat(run.error()).doesNotContain("sk_live_abcdef123");
    }

    @Test
    void pauseIsCappedAtSixHours() {
        SourceRunner r = runner();
        next.set(new IllegalStateException("boom"));
        for (int i = 0; i < 15; i++) {
            r.run();
        }
        assertThat(Duration.between(clock.instant(), r.health().pausedUntil())).isEqualTo(SourceRunner.MAX_PAUSE);
    }

    @Test
    void zeroItemsWhereThereWereSomeIsReportedAsStaleWithTheSourceId() {
        SourceRunner r = runner();
        next.set(items(25));
        r.run();
        assertThat(r.health().state(clock.instant())).isEqualTo(SourceHealth.State.OK);

        next.set(items(0));
        SourceRun run = r.run();

        assertThat(run.failed()).isFalse();
        assertThat(r.health().state(clock.instant())).isEqualTo(SourceHealth.State.STALE);
        assertThat(r.health().warning()).contains("found no items where its last run found 25").contains("selectors or URL may be stale");
        assertThat(StatusReport.table(List.of(r.health()), List.of(), clock.instant(), java.time.ZoneOffset.UTC).get(1))
                .startsWith("jobs-board").contains("stale").contains("selectors or URL may be stale");

        next.set(items(0));
        r.run();
        assertThat(r.health().state(clock.instant())).isEqualTo(SourceHealth.State.STALE);
        next.set(items(4));
        r.run();
        assertThat(r.health().warning()).isNull();
    }

    @Test
    void unchangedPagesAreHealthyAndNotStale() {
        SourceRunner r = runner();
        next.set(items(5));
        r.run();
        next.set(SourceResult.unchangedSinceLastRun());
        r.run();
        assertThat(r.health().state(clock.instant())).isEqualTo(SourceHealth.State.OK);
        assertThat(r.health().lastFound()).isEqualTo(5);
    }

    @Test
    void aFailedRunDoesNotLeaveValidatorsThatHideThePageFromTheNextRun() {
        try (LocalHttpServer server = LocalHttpServer.start()) {
            server.route("/jobs", r -> "\"v1\"".equals(r.header("If-None-Match")) ? LocalHttpServer.Response.status(304)
                    : LocalHttpServer.Response.ok("<html>jobs</html>", "text/html").withHeader("ETag", "\"v1\""));
            DefaultHttpFetcher http = new DefaultHttpFetcher(new Settings.Http("FlywheelTest/1.0 (+tests)", Duration.ofSeconds(5), 100_000L, 0, 1,
                    Duration.ZERO, Duration.ofMinutes(5), 5, Map.of()), clock, new ManualScheduler(clock), new Random(7));
            DefaultHttpFetcher.Caller sourceHttp = http.forCaller("source/jobs-board");
            LeadSource page = query -> sourceHttp.get(server.uri("/jobs")).notModified() ? SourceResult.unchangedSinceLastRun() : items(1);
            when(pipeline.ingest(anyString(), anyString(), anyList()))
                    .thenThrow(new IllegalStateException("store is read-only"))
                    .thenAnswer(inv -> new IngestResult(inv.getArgument(0), 1, 0, 0, List.of()));
            SourceRunner r = new SourceRunner("jobs-board", page, settings, pipeline, new KeywordWeights(Map.of()), clock, new Random(1),
                    SourceHealth.fresh("jobs-board"), sourceHttp::forgetValidators);

            assertThat(r.run().error()).contains("store is read-only");
            assertThat(r.run().found()).isEqualTo(1);   // the page again, not a 304
            assertThat(r.run().found()).isZero();       // now it was ingested, unchanged is right

            List<LocalHttpServer.Request> requests = server.requests("/jobs");
            assertThat(requests).hasSize(3);
            assertThat(requests.get(1).header("If-None-Match")).isNull();
            assertThat(requests.get(2).header("If-None-Match")).isEqualTo("\"v1\"");
        }
    }

    @Test
    void aFailedRunReportsItsOwnTimeNotItsWaitForItsTurn() throws Exception {
        next.set(items(2));
        when(pipeline.ingest(anyString(), anyString(), anyList())).thenThrow(new IllegalStateException("disk full"));
        SourceRunner r = runner();
        IngestOrder order = new IngestOrder(List.of("first", "jobs-board"));
        AtomicReference<SourceRun> run = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> run.set(r.run(order)));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (t.getState() != Thread.State.WAITING) {   // fetched, waiting for "first"
            assertThat(System.nanoTime()).as("the run waits for its turn").isLessThan(deadline);
            Thread.yield();
        }
        clock.advance(Duration.ofMinutes(5));
        order.done("first");
        t.join();

        assertThat(run.get().error()).isEqualTo("disk full");
        assertThat(run.get().took()).isEqualTo(Duration.ZERO);
    }

    @Test
    void sourcesSearchTheTopKeywordsByWeight() {
        SourceRunner r = runner();
        next.set(items(1));
        r.run();
        assertThat(queries.getFirst().focusKeywords()).containsExactly("java", "remote");
    }

    @Test
    void healthSurvivesARestartThroughTheStatusFile(@TempDir Path dir) {
        SourceRunner r = runner();
        next.set(new FlywheelException("HTTP 500"));
        r.run();
        r.run();
        SourceStatusFile file = SourceStatusFile.besideStore(dir.resolve("flywheel.db"));
        file.write(clock.instant(), List.of(r.health()));

        SourceStatusFile.Snapshot read = file.read();
        assertThat(read.written()).isEqualTo(clock.instant());
        SourceHealth restored = read.sources().get("jobs-board");
        assertThat(restored).isEqualTo(r.health());

        SourceRunner again = new SourceRunner("jobs-board", source, settings, pipeline, new KeywordWeights(Map.of()), clock, new Random(1), restored);
        assertThat(again.pauseLeft()).contains(Duration.between(clock.instant(), restored.pausedUntil()));
        clock.advance(Duration.between(clock.instant(), restored.pausedUntil()));
        assertThat(again.pauseLeft()).as("the pause is over").isEmpty();
    }

    @Test
    void unreadableStatusFileIsIgnored(@TempDir Path dir) throws Exception {
        SourceStatusFile file = new SourceStatusFile(dir.resolve("sources.json"));
        java.nio.file.Files.writeString(file.file(), "{ not json");
        assertThat(file.read().sources()).isEmpty();
    }

    @Test
    void aStatusFileThatCannotBeWrittenIsLoggedNamingItAndTheRunGoesOn(@TempDir Path dir) throws Exception {
        SourceStatusFile file = SourceStatusFile.besideStore(dir.resolve("flywheel.db"));
        java.nio.file.Files.createDirectories(file.file().resolve("in-the-way"));
        List<String> logged;
        try (var lines = io.flywheel.engine.log.LoggedLines.of(SourceStatusFile.class)) {
            file.write(java.time.Instant.parse("2026-01-05T10:00:00Z"), List.of());
            logged = lines.messages();
        }
        assertThat(logged).singleElement().asString()
                .startsWith("Cannot write source status to " + file.file() + ": java.nio.file.");
        try (var s = java.nio.file.Files.list(file.file().getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly("sources.json");
        }
    }
}
