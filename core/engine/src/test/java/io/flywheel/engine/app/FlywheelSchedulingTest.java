package io.flywheel.engine.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.FlywheelException;
import io.flywheel.api.lead.RawLead;
import io.flywheel.api.lead.SourceResult;
import io.flywheel.engine.output.ConsoleOutputFactory;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlywheelSchedulingTest {
    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.atDefaultStart();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final ScriptedSource sources = new ScriptedSource();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private Flywheel flywheel;
    private Instant start;

    @BeforeEach
    void assemble() throws Exception {
        Files.writeString(dir.resolve("config.yml"), """
                keywords: {backend: 2}
                sources:
                  - id: fast
                    type: scripted
                    every: 10m
                    jitter: 0s
                  - id: slow
                    type: scripted
                    every: 1h
                    jitter: 5m
                outputs:
                  - id: console
                    type: console
                    color: false
                """);
        Preflight.Result pre = Preflight.run(dir.resolve("config.yml"), Map.of(), host -> {
            host.registerBuiltIn(new ConsoleOutputFactory(new PrintStream(printed, true, StandardCharsets.UTF_8)));
            host.registerBuiltIn(sources);
        });
        assertThat(pre.problems().all()).isEmpty();
        RandomGenerator random = new SplittableRandom(42);
        flywheel = Flywheel.assemble(pre, clock, scheduler, random);
        start = clock.instant();
    }

    @AfterEach
    void close() {
        flywheel.close();
    }

    @Test
    void runsEachSourceAtItsIntervalWithJitterOnTheInjectedClock() {
        flywheel.start();
        scheduler.advance(Duration.ofHours(3));

        List<Instant> fast = sources.fetches.get("fast");
        assertThat(fast).hasSize(19);
        for (int i = 0; i < fast.size(); i++) {
            assertThat(fast.get(i)).isEqualTo(start.plus(Duration.ofMinutes(10L * i)));
        }
        List<Instant> slow = sources.fetches.get("slow");
        assertThat(slow).hasSizeBetween(3, 4);
        for (int i = 1; i < slow.size(); i++) {
            Duration gap = Duration.between(slow.get(i - 1), slow.get(i));
            assertThat(gap).isBetween(Duration.ofHours(1), Duration.ofMinutes(65));
        }
        assertThat(flywheel.store().size()).isEqualTo(2);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Backend engineer at fast", "Backend engineer at slow");
    }

    @Test
    void aFailingSourceIsPausedWithGrowingBackoffAndRecovers() {
        sources.answer = id -> {
            if (id.equals("fast")) {
                throw new FlywheelException("HTTP 503 (https://example.org/fast)");
            }
            return SourceResult.of(List.of(RawLead.of("ok", "https://example.org/ok")));
        };
        flywheel.start();
        scheduler.advance(Duration.ofHours(2));

        List<Instant> fast = sources.fetches.get("fast");
        // 10m after the first failure, then paused 20m, 40m, 80m
        assertThat(fast).containsExactly(start, start.plus(Duration.ofMinutes(10)), start.plus(Duration.ofMinutes(30)), start.plus(Duration.ofMinutes(70)));
        SourceHealth health = flywheel.health().stream().filter(h -> h.sourceId().equals("fast")).findFirst().orElseThrow();
        assertThat(health.healthy()).isFalse();
        assertThat(health.consecutiveFailures()).isEqualTo(4);
        assertThat(health.lastError()).contains("HTTP 503");
        assertThat(sources.fetches.get("slow")).isNotEmpty();

        sources.answer = id -> SourceResult.of(List.of(RawLead.of("back", "https://example.org/back")));
        scheduler.advance(Duration.ofHours(2));
        assertThat(flywheel.health().stream().filter(h -> h.sourceId().equals("fast")).findFirst().orElseThrow().healthy()).isTrue();
    }

    @Test
    void stopCancelsWhatIsScheduledAndDrainsTheOutbox() {
        flywheel.start();
        scheduler.advance(Duration.ofMinutes(1));
        int before = sources.fetches.get("fast").size();
        flywheel.stop(Duration.ofSeconds(5));
        scheduler.advance(Duration.ofHours(5));
        assertThat(sources.fetches.get("fast")).hasSize(before);
        assertThat(flywheel.store().pendingCount("console")).isZero();
    }

    @Test
    void postsAnOutputCouldNotTakeYetGoOutOnTheRetryBeat() {
        flywheel.close();
        GatedOutput gated = new GatedOutput();
        flywheel = assembleWith(gated);
        flywheel.start();
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(gated.delivered).isEmpty();
        assertThat(flywheel.store().pendingCount("console")).isEqualTo(2);

        gated.ready = true;
        scheduler.advance(Flywheel.OUTBOX_RETRY);
        assertThat(gated.delivered).hasSize(2);
        assertThat(flywheel.store().pendingCount("console")).isZero();
    }

    @Test
    void anOutputThatNeverAnswersDoesNotHoldTheStopPastItsGrace() {
        flywheel.close();
        GatedOutput stuck = new GatedOutput();
        stuck.answer = new java.util.concurrent.CompletableFuture<>(); // a webhook waiting out a long rate limit, say
        flywheel = assembleWith(stuck);
        flywheel.start();
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(flywheel.store().pendingCount("console")).isEqualTo(2);

        stuck.ready = true;
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () -> flywheel.stop(Duration.ofMillis(200)));
        assertThat(stuck.delivered).hasSize(2);
        assertThat(flywheel.store().pendingCount("console")).isEqualTo(2);
    }

    @Test
    void whenAssemblyFailsWhatItHadMadeIsClosedAndTheStoreReleased() {
        flywheel.close();
        GatedOutput output = new GatedOutput();
        sources.failToCreate = "slow";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> assembleWith(output))
                .hasMessageContaining("slow").hasMessageContaining("cannot reach what slow scrapes");
        assertThat(output.closed).isTrue();

        sources.failToCreate = null;
        flywheel = assembleWith(output);
        assertThat(flywheel.store().size()).isZero();
    }

    /** The test's config with {@code output} as its console output. */
    private Flywheel assembleWith(GatedOutput output) {
        Preflight.Result pre = Preflight.run(dir.resolve("config.yml"), Map.of(), host -> {
            host.registerBuiltIn(output);
            host.registerBuiltIn(sources);
        });
        return Flywheel.assemble(pre, clock, scheduler, new SplittableRandom(7));
    }

    /** An output type named console that is not ready until the test says so (a bot still connecting). */
    static final class GatedOutput implements io.flywheel.api.output.OutputFactory<GatedOutput.Config> {
        record Config(Boolean color) {}

        volatile boolean ready;
        volatile boolean closed;
        /** What send answers; {@code null}: every post delivered at once. */
        volatile java.util.concurrent.CompletableFuture<List<io.flywheel.api.output.Delivery>> answer;
        final List<String> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public String type() {
            return "console";
        }

        @Override
        public Class<Config> configType() {
            return Config.class;
        }

        @Override
        public io.flywheel.api.output.Output create(Config config, io.flywheel.api.PluginContext context) {
            return new io.flywheel.api.output.Output() {
                @Override
                public java.util.concurrent.CompletableFuture<List<io.flywheel.api.output.Delivery>> send(List<io.flywheel.api.output.Post> posts) {
                    posts.forEach(p -> delivered.add(p.title()));
                    if (answer != null) {
                        return answer;
                    }
                    return java.util.concurrent.CompletableFuture.completedFuture(
                            posts.stream().map(p -> new io.flywheel.api.output.Delivery(p.id(), "m")).toList());
                }

                @Override
                public boolean ready() {
                    return ready;
                }

                @Override
                public void close() {
                    closed = true;
                }
            };
        }
    }

    @Test
    void runOnceRunsEverySourceOnceAndStoresNothingTwice() {
        List<SourceRun> first = flywheel.runOnce();
        assertThat(first).extracting(SourceRun::stored).containsExactly(1, 1);
        List<SourceRun> second = flywheel.runOnce();
        assertThat(second).extracting(SourceRun::stored).containsExactly(0, 0);
        assertThat(second).extracting(SourceRun::duplicates).containsExactly(1, 1);
        assertThat(flywheel.store().size()).isEqualTo(2);
    }

    @Test
    void aSourceThatSuddenlyFindsNothingIsNotAFailureButIsFlaggedInItsRun() {
        flywheel.runOnce();
        sources.answer = id -> SourceResult.of(List.of());
        List<SourceRun> runs = flywheel.runOnce();
        assertThat(runs).allSatisfy(r -> assertThat(r.failed()).isFalse());
        assertThat(flywheel.health()).allSatisfy(h -> assertThat(h.lastFound()).isZero());
        assertThat(flywheel.health()).allSatisfy(h -> assertThat(h.warning()).contains("selectors or URL may be stale"));
    }
}
