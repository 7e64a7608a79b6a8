package io.flywheel.engine.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.FlywheelException;
import io.flywheel.api.lead.RawLead;
import io.flywheel.api.lead.SourceResult;
import io.flywheel.engine.log.LoggedLines;
import io.flywheel.engine.output.ConsoleOutputFactory;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sources that run together: which copy of a lead is kept, and what a continuous run logs per source run. */
class SourceRoundTest {
    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.atDefaultStart();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final ScriptedSource sources = new ScriptedSource();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final AtomicReference<Thread> digestThread = new AtomicReference<>();
    private Flywheel flywheel;

    @BeforeEach
    void assemble() throws Exception {
        Files.writeString(dir.resolve("config.yml"), """
                keywords: {backend: 2}
                sources:
                  - id: hn-hiring
                    type: scripted
                    platform: hackernews
                    every: 30m
                  - id: remote-digest
                    type: scripted
                    platform: digest
                    every: 1h
                outputs:
                  - id: console
                    type: console
                    color: false
                """);
        // The race the demo lost: the digest (listed second) re-publishes the posting with tracking
        // parameters and its fetch ends first; the original's fetch ends only once the digest's run
        // has either stored its copy or is waiting for its turn.
        sources.answer = id -> {
            if (id.equals("remote-digest")) {
                digestThread.set(Thread.currentThread());
                return SourceResult.of(List.of(RawLead.of("Backend engineer, remote", "https://news.ycombinator.com/item?id=1&utm_source=digest")));
            }
            if (id.equals("hn-hiring")) {
                awaitDigestStoredOrWaiting();
                return SourceResult.of(List.of(RawLead.of("Backend engineer, remote", "https://news.ycombinator.com/item?id=1")));
            }
            throw new FlywheelException("HTTP 503 (https://example.org/" + id + ")");
        };
        Preflight.Result pre = Preflight.run(dir.resolve("config.yml"), Map.of(), host -> {
            host.registerBuiltIn(new ConsoleOutputFactory(new PrintStream(printed, true, StandardCharsets.UTF_8)));
            host.registerBuiltIn(sources);
        });
        assertThat(pre.problems().all()).isEmpty();
        flywheel = Flywheel.assemble(pre, clock, scheduler, new SplittableRandom(42));
    }

    @AfterEach
    void close() {
        flywheel.close();
    }

    /** Without sleeping: yields until the digest's thread has finished its run or is parked (waiting for its turn). */
    private void awaitDigestStoredOrWaiting() {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Thread t = digestThread.get();
            if (t != null && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TERMINATED)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the digest's run neither ended nor waited");
            }
            Thread.yield();
        }
    }

    @Test
    void inRunOnceTheSourceListedFirstKeepsALeadAReposterFetchedFirst() {
        List<SourceRun> runs = flywheel.runOnce();

        assertThat(runs).extracting(SourceRun::sourceId, SourceRun::stored, SourceRun::duplicates)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("hn-hiring", 1, 0), org.assertj.core.groups.Tuple.tuple("remote-digest", 0, 1));
        assertThat(flywheel.store().size()).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("[hackernews] Backend engineer, remote").doesNotContain("[digest]");
    }

    @Test
    void theFirstRunsOfAContinuousRunAreOneRoundToo() {
        flywheel.start();
        scheduler.advance(Duration.ZERO);

        assertThat(flywheel.store().size()).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("[hackernews] Backend engineer, remote").doesNotContain("[digest]");
    }

    @Test
    void aContinuousRunLogsOneLinePerSourceRunAndFailuresAsBefore() {
        // Flywheel's "Source ..." lines are the per-run info lines; SourceRunner's are its warnings
        try (LoggedLines runs = LoggedLines.of(Flywheel.class); LoggedLines warnings = LoggedLines.of(SourceRunner.class)) {
            flywheel.start();
            scheduler.advance(Duration.ZERO);
            // the two runs of the round end in either order
            List<String> info = starting(runs, "Source ").stream().sorted().toList();
            assertThat(info).hasSize(2);
            assertThat(info.get(0)).matches("Source hn-hiring: 1 found, 1 new, 0 already known in \\d+ ms");
            assertThat(info.get(1)).matches("Source remote-digest: 1 found, 0 new, 1 already known in \\d+ ms");

            // four postings, one line; a failing run keeps its warning and adds no info line
            sources.answer = id -> {
                if (id.equals("hn-hiring")) {
                    return SourceResult.of(List.of(RawLead.of("a", "https://example.org/a"), RawLead.of("b", "https://example.org/b"),
                            RawLead.of("   ", "https://example.org/untitled"), RawLead.of("a", "https://example.org/a")));
                }
                throw new FlywheelException("HTTP 503 (https://example.org/digest.atom)");
            };
            scheduler.advance(Duration.ofMinutes(65));   // hn-hiring at 30m and 60m (+ jitter), the digest at 1h
            List<String> again = starting(runs, "Source ").stream().skip(2).toList();
            assertThat(again).hasSize(2);
            assertThat(again.get(0)).matches("Source hn-hiring: 4 found, 2 new, 1 already known, 1 without a title in \\d+ ms");
            assertThat(again.get(1)).matches("Source hn-hiring: 4 found, 0 new, 3 already known, 1 without a title in \\d+ ms");
            assertThat(starting(warnings, "Source remote-digest")).containsExactly("Source remote-digest failed: HTTP 503 (https://example.org/digest.atom)");

            sources.answer = id -> SourceResult.of(List.of());
            scheduler.advance(Duration.ofMinutes(70));
            assertThat(starting(runs, "Source remote-digest").stream().skip(1).toList()).singleElement().asString()
                    .matches("Source remote-digest: 0 found, 0 new, 0 already known in \\d+ ms; working again after 1 failure\\(s\\) in a row");
        }
    }

    @Test
    void aRunWhosePagesWereNotModifiedSaysSoRatherThanThatItFetchedNothing() {
        try (LoggedLines runs = LoggedLines.of(Flywheel.class)) {
            flywheel.start();
            scheduler.advance(Duration.ZERO);
            sources.answer = id -> SourceResult.unchangedSinceLastRun();
            scheduler.advance(Duration.ofMinutes(35));   // hn-hiring at 30m (+ jitter)
            assertThat(starting(runs, "Source hn-hiring").stream().skip(1).toList()).singleElement().asString()
                    .matches("Source hn-hiring: not modified since its last run \\(\\d+ ms\\)");
        }
    }

    /** Without sleeping: yields until {@code t} has ended, up to 5 s; whether it did. */
    private static boolean ended(AtomicReference<Thread> t) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (t.get() == null || t.get().getState() != Thread.State.TERMINATED) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.yield();
        }
        return true;
    }

    @Test
    void aSourceThatHangsHoldsTheOnesAfterItOnlyForTheRoundWait() {
        java.util.concurrent.atomic.AtomicBoolean digestEndedWhileHnHung = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.function.Function<String, SourceResult> digest = sources.answer;
        sources.answer = id -> {
            if (!id.equals("hn-hiring")) {
                return digest.apply(id);
            }
            // hn-hiring hangs: the digest has fetched and waits its turn; the round's wait passes
            awaitDigestStoredOrWaiting();
            scheduler.advance(Flywheel.ROUND_WAIT);
            digestEndedWhileHnHung.set(ended(digestThread));
            throw new FlywheelException("timed out");
        };
        flywheel.start();
        scheduler.advance(Duration.ZERO);

        assertThat(digestEndedWhileHnHung).as("the digest stored its leads and ended while hn-hiring still hung").isTrue();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("[digest] Backend engineer, remote");
    }

    @Test
    void stoppingMidRoundLetsTheSourcesWaitingForTheirTurnStoreWhatTheyFetched() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean digestEndedWhileHnHung = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicReference<Thread> stopper = new AtomicReference<>();
        java.util.function.Function<String, SourceResult> digest = sources.answer;
        sources.answer = id -> {
            if (!id.equals("hn-hiring")) {
                return digest.apply(id);
            }
            // hn-hiring hangs past Ctrl-C: the digest, which fetched and waits its turn, stores at once
            awaitDigestStoredOrWaiting();
            stopper.set(Thread.ofVirtual().start(() -> flywheel.stop(Duration.ofMinutes(1))));
            digestEndedWhileHnHung.set(ended(digestThread));
            throw new FlywheelException("timed out");
        };
        flywheel.start();
        scheduler.advance(Duration.ZERO);
        stopper.get().join();

        assertThat(digestEndedWhileHnHung).as("the digest stored its leads and ended while hn-hiring still hung").isTrue();
        assertThat(flywheel.store().size()).isEqualTo(1);
    }

    @Test
    void aSourceInterruptedWhileWaitingItsTurnStoresItsLeadsAndLeavesTheStoreUsable() {
        java.util.function.Function<String, SourceResult> digest = sources.answer;
        sources.answer = id -> {
            if (!id.equals("hn-hiring")) {
                return digest.apply(id);
            }
            // the digest fetched and waits its turn; it is interrupted (a pool shutting down) before hn-hiring ends
            awaitDigestStoredOrWaiting();
            digestThread.get().interrupt();
            assertThat(ended(digestThread)).as("the interrupted digest ended its run").isTrue();
            return SourceResult.of(List.of(RawLead.of("Java developer", "https://news.ycombinator.com/item?id=2")));
        };
        List<SourceRun> runs = flywheel.runOnce();

        assertThat(runs).extracting(SourceRun::sourceId, SourceRun::error).containsExactly(
                org.assertj.core.groups.Tuple.tuple("hn-hiring", null), org.assertj.core.groups.Tuple.tuple("remote-digest", null));
        assertThat(flywheel.store().size()).as("the digest's lead and hn-hiring's, stored after it").isEqualTo(2);
        sources.answer = id -> SourceResult.of(List.of(RawLead.of("Go developer", "https://news.ycombinator.com/item?id=3")));
        assertThat(flywheel.runOnce()).extracting(SourceRun::error).containsOnlyNulls();
        assertThat(flywheel.store().size()).as("the store still takes leads").isEqualTo(3);
    }

    private static List<String> starting(LoggedLines lines, String prefix) {
        return lines.messages().stream().filter(m -> m.startsWith(prefix)).toList();
    }
}
