package io.flywheel.engine.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.NoConfig;
import io.flywheel.api.PluginContext;
import io.flywheel.api.market.Bar;
import io.flywheel.api.market.MarketFeed;
import io.flywheel.api.market.MarketFeedFactory;
import io.flywheel.api.strategy.Strategy;
import io.flywheel.api.strategy.StrategyFactory;
import io.flywheel.engine.config.Problem;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.log.LoggedLines;
import io.flywheel.engine.output.ConsoleOutputFactory;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import io.flywheel.testkit.PriceFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The paper book inside {@code flywheel run}: markets polled at their interval, signals posted, returns in the feedback log. */
class FlywheelTradingTest {
    private static final List<Bar> ETH = PriceFixtures.ethDaily().subList(0, 400);
    private static final Duration DAY = Duration.ofDays(1);

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(ETH.get(200).time().plus(Duration.ofHours(1)));
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final AtomicInteger fetches = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean marketDown = new java.util.concurrent.atomic.AtomicBoolean();
    /** Run (once) at the start of the next fetch: what happens while a slow feed is being asked. */
    private final java.util.concurrent.atomic.AtomicReference<Runnable> duringFetch = new java.util.concurrent.atomic.AtomicReference<>();

    /** A market of real ETH-USD days, each served once it has closed by the host clock. */
    private final class TestMarket implements MarketFeedFactory<NoConfig> {
        @Override public String type() { return "test-market"; }
        @Override public Class<NoConfig> configType() { return NoConfig.class; }
        @Override public MarketFeed create(NoConfig c, PluginContext ctx) {
            return since -> {
                fetches.incrementAndGet();
                Runnable during = duringFetch.getAndSet(null);
                if (during != null) {
                    during.run();
                }
                if (marketDown.get()) {
                    throw new IllegalStateException("HTTP 503 from the exchange");
                }
                return ETH.stream().filter(b -> !b.time().plus(DAY).isAfter(ctx.clock().instant()))
                        .filter(b -> since == null || b.time().isAfter(since)).toList();
            };
        }
    }

    private final AtomicInteger otherFetches = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean otherDown = new java.util.concurrent.atomic.AtomicBoolean();

    /** A second market, of the same days as {@code OTHER-USD}. */
    private final class OtherMarket implements MarketFeedFactory<NoConfig> {
        @Override public String type() { return "test-other-market"; }
        @Override public Class<NoConfig> configType() { return NoConfig.class; }
        @Override public MarketFeed create(NoConfig c, PluginContext ctx) {
            return since -> {
                otherFetches.incrementAndGet();
                if (otherDown.get()) {
                    throw new IllegalStateException("HTTP 503 from the other exchange");
                }
                return ETH.stream().filter(b -> !b.time().plus(DAY).isAfter(ctx.clock().instant()))
                        .filter(b -> since == null || b.time().isAfter(since))
                        .map(b -> new Bar("OTHER-USD", b.time(), b.open(), b.high(), b.low(), b.close(), b.volume())).toList();
            };
        }
    }

    private static final class Hold implements StrategyFactory<NoConfig> {
        @Override public String type() { return "test-hold"; }
        @Override public Class<NoConfig> configType() { return NoConfig.class; }
        @Override public Strategy create(NoConfig c, PluginContext ctx) { return h -> 1.0; }
    }

    private static final class Dips implements StrategyFactory<NoConfig> {
        @Override public String type() { return "test-dips"; }
        @Override public Class<NoConfig> configType() { return NoConfig.class; }
        @Override public Strategy create(NoConfig c, PluginContext ctx) {
            return h -> h.size() > 2 && h.current().close() < h.bar(h.size() - 3).close() ? 1 : 0;
        }
    }

    /** {@code yaml} checked with the console output writing nowhere. */
    private Preflight.Result preflight(String yaml) throws IOException {
        return preflight(yaml, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    /** The bot of {@code pre} on the test clock and {@code scheduler}. */
    private Flywheel assemble(Preflight.Result pre, ManualScheduler scheduler) {
        return Flywheel.assemble(pre, clock, scheduler, RandomGenerator.of("L64X128MixRandom"));
    }

    private Preflight.Result preflight(String yaml, PrintStream console) throws IOException {
        Path config = Files.writeString(dir.resolve("config.yml"), yaml);
        return Preflight.run(config, Map.of(), host -> {
            host.registerBuiltIn(new ConsoleOutputFactory(console));
            host.registerBuiltIn(new TestMarket());
            host.registerBuiltIn(new OtherMarket());
            host.registerBuiltIn(new Hold());
            host.registerBuiltIn(new Dips());
        });
    }

    private static final String CONFIG = """
            plugins: {dir: plugins}
            keywords: {java: 1}
            markets:
              - id: eth
                type: test-market
                every: 1d
            strategies:
              - id: hold
                type: test-hold
              - id: dips
                type: test-dips
                market: eth
            trading:
              rebalance: 7d
            outputs:
              - id: console
                type: console
                kinds: [signal]
            """;

    @Test
    void theFeedsKeepTheConfiguredOrderTheTieRuleOfThePaperBookDependsOn() throws IOException {
        List<String> ids = List.of("zeta", "eth", "alpha", "sol", "btc", "mid", "ada", "xrp", "dot", "link", "bnb", "avax");
        StringBuilder yaml = new StringBuilder("plugins: {dir: plugins}\nkeywords: {java: 1}\nmarkets:\n");
        ids.forEach(id -> yaml.append("  - id: ").append(id).append("\n    type: test-market\n    every: 1d\n"));
        yaml.append("strategies:\n  - id: hold\n    type: test-hold\n    market: eth\ntrading:\n  rebalance: 7d\n");
        Preflight.Result pre = preflight(yaml.toString());
        assertThat(pre.problems().all()).isEmpty();
        TradingSetup setup = TradingSetup.of(pre, (kind, id) -> null, Flywheel::createInstance);
        try {
            assertThat(List.copyOf(setup.feeds().keySet())).as("a market's place among the feeds breaks ties in time").isEqualTo(ids);
            assertThat(List.copyOf(setup.every().keySet())).isEqualTo(ids);
        } finally {
            setup.close();
        }
    }

    @Test
    void marketsArePolledAtTheirIntervalAndSignalsReachTheOutputs() throws IOException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Preflight.Result pre = preflight(CONFIG, new PrintStream(console, true, StandardCharsets.UTF_8));
        assertThat(pre.problems().all()).isEmpty();
        try (Flywheel f = assemble(pre, scheduler)) {
            f.start();
            scheduler.advance(Duration.ZERO);
            assertThat(fetches).as("the first poll catches up").hasValue(1);
            assertThat(f.trader().orElseThrow().start()).isEqualTo(clock.instant());
            for (int day = 0; day < 60; day++) {
                scheduler.advance(DAY);
            }
            assertThat(fetches).hasValue(61);
            f.stop(Duration.ofSeconds(5));

            String out = console.toString(StandardCharsets.UTF_8);
            assertThat(out).contains("BUY ETH-USD (hold)").contains("(dips)");
            List<FeedbackEvent> returns = f.store().events(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), Set.of(FeedbackEvent.Type.TRADE_RETURN));
            assertThat(returns).extracting(FeedbackEvent::subject).contains("hold", "dips");
            assertThat(f.store().pendingCount("console")).as("every signal delivered").isZero();
        }
    }

    @Test
    void aMarketDownAtARestartFailsItsPollForFlywheelStatusWhileTheBookIsBuiltWithoutIt() throws IOException {
        Preflight.Result pre = preflight(CONFIG);
        try (Flywheel f = assemble(pre, scheduler)) {
            f.start();
            scheduler.advance(Duration.ZERO);
            scheduler.advance(DAY);
            f.stop(Duration.ofSeconds(5));
        }
        marketDown.set(true);
        ManualScheduler restarted = new ManualScheduler(clock);
        pre = preflight(CONFIG);
        try (Flywheel f = assemble(pre, restarted)) {
            TradingStatusFile file = TradingStatusFile.besideStore(f.store().file());
            f.start();
            restarted.advance(Duration.ZERO);
            TradingStatusFile.Status down = file.read().orElseThrow();
            assertThat(down.book()).as("the book is built, waiting for eth").isPresent();
            assertThat(down.failing()).isTrue();
            assertThat(down.polls()).anySatisfy(p -> {
                assertThat(p.market()).isEqualTo("eth");
                assertThat(p.error()).contains("HTTP 503 from the exchange");
            });

            marketDown.set(false);
            restarted.advance(DAY);
            TradingStatusFile.Status back = file.read().orElseThrow();
            assertThat(back.failing()).isFalse();
            assertThat(back.book().orElseThrow().problems()).isEmpty();
            f.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void eachPollWritesTheBookAndAFailedPollForFlywheelStatus() throws IOException {
        Preflight.Result pre = preflight(CONFIG);
        try (Flywheel f = assemble(pre, scheduler)) {
            TradingStatusFile file = TradingStatusFile.besideStore(f.store().file());
            f.start();
            scheduler.advance(Duration.ZERO);
            TradingStatusFile.Status caughtUp = file.read().orElseThrow();
            assertThat(caughtUp.failing()).isFalse();
            assertThat(caughtUp.book().orElseThrow().equities()).containsOnlyKeys("hold", "dips");
            assertThat(caughtUp.book().orElseThrow().lastBar()).isEqualTo(ETH.get(199).time());

            marketDown.set(true);
            scheduler.advance(DAY);
            TradingStatusFile.Status down = file.read().orElseThrow();
            assertThat(down.failing()).isTrue();
            assertThat(down.polls()).anySatisfy(p -> {
                assertThat(p.market()).isEqualTo("eth");
                assertThat(p.at()).isEqualTo(clock.instant());
                assertThat(p.error()).contains("HTTP 503 from the exchange");
            });
            assertThat(down.lines(List.of("hold", "dips"))).anyMatch(l -> l.contains("FAILING: the last poll of market eth"));

            marketDown.set(false);
            scheduler.advance(DAY);
            TradingStatusFile.Status back = file.read().orElseThrow();
            assertThat(back.failing()).isFalse();
            assertThat(back.book().orElseThrow().lastBar()).isEqualTo(ETH.get(201).time());
            f.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aFailedPollIsTriedAgainAfterADelayThatDoublesUpToItsEveryAndTheLogSaysWhen() throws IOException {
        LoggedLines logged = LoggedLines.of(Flywheel.class);
        Preflight.Result pre = preflight(CONFIG);
        try (Flywheel f = assemble(pre, scheduler)) {
            TradingStatusFile file = TradingStatusFile.besideStore(f.store().file());
            f.start();
            scheduler.advance(Duration.ZERO);
            marketDown.set(true);
            scheduler.advance(DAY);
            Instant failed = clock.instant();
            assertThat(fetches).as("the daily poll, failed").hasValue(2);
            assertThat(logged.messages())
                    .anyMatch(m -> m.startsWith("Paper trading on eth failed 1 time(s) in a row: ")
                            && m.endsWith("; next try at " + failed.plus(Duration.ofMinutes(1)) + " (in PT1M)"));
            scheduler.advance(Duration.ofSeconds(59));
            assertThat(fetches).as("not before a minute").hasValue(2);
            scheduler.advance(Duration.ofSeconds(1));
            assertThat(fetches).as("a minute later").hasValue(3);
            scheduler.advance(Duration.ofMinutes(2));
            assertThat(fetches).as("two minutes after that").hasValue(4);
            assertThat(logged.messages())
                    .as("the 3rd failure of the same error not logged, the 4th (a power of 2) is")
                    .noneMatch(m -> m.startsWith("Paper trading on eth failed 3 time(s)"));
            scheduler.advance(Duration.ofMinutes(4));
            assertThat(fetches).as("four minutes after that").hasValue(5);
            assertThat(logged.messages())
                    .anyMatch(m -> m.startsWith("Paper trading on eth failed 4 time(s) in a row (1 like it since ")
                            && m.endsWith("; next try at " + failed.plus(Duration.ofMinutes(15)) + " (in PT8M)"));
            assertThat(file.read().orElseThrow().failing()).isTrue();

            marketDown.set(false);
            scheduler.advance(Duration.ofMinutes(8));
            assertThat(fetches).as("eight minutes after that, and it succeeds").hasValue(6);
            assertThat(file.read().orElseThrow().failing()).isFalse();
            assertThat(logged.messages())
                    .anyMatch(m -> m.startsWith("Paper trading on eth works again after 4 failed tries in a row"));
            scheduler.advance(Duration.ofHours(23));
            assertThat(fetches).as("no more tries once it succeeded").hasValue(6);
            scheduler.advance(Duration.ofMinutes(45));
            assertThat(fetches).as("the daily polls keep their time").hasValue(7);
            assertThat(clock.instant()).isEqualTo(failed.plus(DAY));
            f.stop(Duration.ofSeconds(5));
        } finally {
            logged.close();
        }
        assertThat(Flywheel.retryDelay(1, DAY)).isEqualTo(Duration.ofMinutes(1));
        assertThat(Flywheel.retryDelay(11, DAY)).isEqualTo(Duration.ofMinutes(1024));
        assertThat(Flywheel.retryDelay(12, DAY)).as("never beyond every").isEqualTo(DAY);
        assertThat(Flywheel.retryDelay(40, DAY)).isEqualTo(DAY);
        assertThat(Flywheel.retryDelay(3, Duration.ofMinutes(3))).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void aMarketPolledEveryMinuteThatFailsForGoodLogsAFewLinesAnHourNotTwoAMinute() throws IOException {
        LoggedLines logged = LoggedLines.of(Flywheel.class);
        Preflight.Result pre = preflight(CONFIG.replace("every: 1d", "every: 1m"));
        try (Flywheel f = assemble(pre, scheduler)) {
            f.start();
            scheduler.advance(Duration.ZERO);
            marketDown.set(true);
            int before = fetches.get();
            scheduler.advance(DAY);
            assertThat(fetches.get() - before).as("polled every minute").isEqualTo(1440);
            List<String> lines = logged.messages().stream().filter(m -> m.contains("on eth")).toList();
            assertThat(lines).as("the 1st, 2nd, 4th ... 1024th failure and one an hour in between").hasSizeBetween(24, 40);
            assertThat(lines.getFirst()).startsWith("Paper trading on eth failed 1 time(s) in a row: ").contains("next try at its next poll");
            assertThat(lines).anyMatch(m -> m.startsWith("Paper trading on eth failed 1024 time(s) in a row ("));
            assertThat(lines.getLast()).matches("Paper trading on eth failed 1[34][0-9][0-9] time\\(s\\) in a row \\([0-9]+ like it since .*");

            marketDown.set(false);
            scheduler.advance(Duration.ofMinutes(1));
            assertThat(logged.messages()).last().asString()
                    .startsWith("Paper trading on eth works again after 1440 failed tries in a row (last logged at ");
            f.stop(Duration.ofSeconds(5));
        } finally {
            logged.close();
        }
    }

    @Test
    void aRetryStillPollingWhenTheRegularPollComesLeavesOneRetryNotTwo() throws IOException {
        Preflight.Result pre = preflight(CONFIG);
        try (Flywheel f = assemble(pre, scheduler)) {
            f.start();
            scheduler.advance(Duration.ZERO);
            marketDown.set(true);
            scheduler.advance(DAY);
            assertThat(fetches).as("the daily poll, failed").hasValue(2);
            // the retry a minute later asks a slow feed; while it waits, the next daily poll comes due (its own thread in production)
            duringFetch.set(() -> scheduler.advance(DAY.minus(Duration.ofMinutes(1))));
            scheduler.advance(Duration.ofMinutes(1));
            assertThat(fetches).as("the retry, and the daily poll while it waited").hasValue(4);
            // both failed: the second failure's retry replaces the first's, so the market is asked once in the next 5 minutes
            scheduler.advance(Duration.ofMinutes(5));
            assertThat(fetches).as("one retry, not two").hasValue(5);
            marketDown.set(false);
            scheduler.advance(Duration.ofMinutes(60));
            int afterSuccess = fetches.get();
            scheduler.advance(Duration.ofHours(20));
            assertThat(fetches).as("no retry left once a try succeeded").hasValue(afterSuccess);
            f.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aCatchUpThatFailsAsAWholeIsTriedAgainWithTheBackoffOfAMarketNotEveryMinute() throws IOException {
        LoggedLines logged = LoggedLines.of(Flywheel.class);
        Preflight.Result pre = preflight(CONFIG);
        try (Flywheel f = assemble(pre, scheduler)) {
            // a first run with the feed down: nothing tells the strategies' symbol, so the catch-up fails whole
            marketDown.set(true);
            f.start();
            scheduler.advance(Duration.ZERO);
            Instant failed = clock.instant();
            assertThat(fetches).as("the catch-up, failed").hasValue(1);
            assertThat(logged.messages())
                    .anyMatch(m -> m.startsWith("Paper trading: the catch-up failed 1 time(s) in a row: ")
                            && m.endsWith("; next try at " + failed.plus(Duration.ofMinutes(1)) + " (in PT1M)"));
            scheduler.advance(Duration.ofMinutes(1));
            assertThat(fetches).as("a minute later").hasValue(2);
            scheduler.advance(Duration.ofMinutes(1));
            assertThat(fetches).as("not a minute after that").hasValue(2);
            scheduler.advance(Duration.ofMinutes(1));
            assertThat(fetches).as("two minutes after that").hasValue(3);
            scheduler.advance(Duration.ofMinutes(3));
            assertThat(fetches).hasValue(3);
            scheduler.advance(Duration.ofMinutes(1));
            assertThat(fetches).as("four minutes after that").hasValue(4);

            marketDown.set(false);
            scheduler.advance(Duration.ofMinutes(8));
            assertThat(fetches).as("eight minutes after that, and it succeeds").hasValue(5);
            Instant caughtUp = clock.instant();
            assertThat(f.trader().orElseThrow().snapshot()).isPresent();
            scheduler.advance(DAY.minus(Duration.ofSeconds(1)));
            assertThat(fetches).as("then the market's daily poll only").hasValue(5);
            scheduler.advance(Duration.ofSeconds(1));
            assertThat(fetches).hasValue(6);
            assertThat(clock.instant()).isEqualTo(caughtUp.plus(DAY));
            f.stop(Duration.ofSeconds(5));
        } finally {
            logged.close();
        }
    }

    @Test
    void aPollThatRebuiltTheBookRetriesTheMarketWhoseFeedFailedThereNotItself() throws IOException {
        String yaml = """
                plugins: {dir: plugins}
                keywords: {java: 1}
                markets:
                  - id: eth
                    type: test-market
                    every: 1d
                  - id: other
                    type: test-other-market
                    every: 1d
                strategies:
                  - id: hold-eth
                    type: test-hold
                    market: eth
                  - id: hold-other
                    type: test-hold
                    market: other
                trading:
                  rebalance: 7d
                outputs:
                  - id: console
                    type: console
                    kinds: [signal]
                """;
        Preflight.Result pre = preflight(yaml);
        assertThat(pre.problems().all()).isEmpty();
        try (Flywheel f = assemble(pre, scheduler)) {
            f.start();
            scheduler.advance(Duration.ZERO);
            assertThat(fetches).hasValue(1);
            assertThat(otherFetches).hasValue(1);
            // eth's daily poll cannot save the book's state: the book is dropped, to be rebuilt whole at the next poll
            Path blocked = Files.createDirectories(f.store().file().toAbsolutePath().getParent().resolve("trading/paper.properties.tmp"));
            scheduler.advance(DAY);
            assertThat(fetches).as("eth's daily poll").hasValue(2);
            assertThat(otherFetches).as("the other market's daily poll, which traded the day's bars and failed").hasValue(2);
            Files.delete(blocked);
            marketDown.set(true);
            scheduler.advance(Duration.ofMinutes(1));
            assertThat(otherFetches).as("the other market's retry, which rebuilt the book").hasValue(3);
            assertThat(fetches).as("the rebuild asked eth too, which failed").hasValue(3);
            scheduler.advance(Duration.ofMinutes(1));
            assertThat(fetches).as("eth, tried again a minute later").hasValue(4);
            scheduler.advance(Duration.ofHours(12));
            assertThat(otherFetches).as("the other market succeeded: no retry of it").hasValue(3);
            f.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aStrategyMustNameAMarketThatExists() throws IOException {
        Preflight.Result pre = preflight(CONFIG.replace("market: eth", "market: etc") + """
                """, System.out);
        assertThat(pre.problems().all()).extracting(Problem::toString)
                .anyMatch(p -> p.contains("strategies[dips]: market: no enabled market 'etc'; configured: eth. Did you mean 'eth'?"));
        pre.plugins().close();

        Preflight.Result two = preflight(CONFIG.replace("markets:\n", "markets:\n  - id: eth2\n    type: test-market\n"), System.out);
        assertThat(two.problems().all()).extracting(Problem::toString)
                .anyMatch(p -> p.contains("strategies[hold]: market: required, naming one of the markets: eth2, eth"));
        two.plugins().close();
    }

    @Test
    void frozenLearningKeepsTheStrategyWeightsAndStrategiesShowsTheBook() throws IOException {
        Preflight.Result pre = preflight(CONFIG + "learning: {freeze: true}\n");
        assertThat(pre.problems().all()).isEmpty();
        try (Flywheel f = assemble(pre, scheduler)) {
            f.start();
            scheduler.advance(Duration.ZERO);
            for (int day = 0; day < 30; day++) {
                scheduler.advance(DAY);
            }
            List<io.flywheel.engine.feedback.WeightSet> sets = f.store().history(io.flywheel.engine.feedback.WeightSet.Kind.STRATEGY, Instant.EPOCH,
                    Instant.parse("2100-01-01T00:00:00Z"));
            assertThat(sets).hasSizeGreaterThanOrEqualTo(3);
            assertThat(sets).allSatisfy(s -> {
                assertThat(s.weights()).containsEntry("hold", 0.5).containsEntry("dips", 0.5);
                assertThat(s.note()).contains("frozen", "learning.freeze: true in config.yml");
            });
            String report = f.commands().dispatch(new io.flywheel.api.command.CommandCall("strategies", Map.of(), "7", List.of(), "c")).join().text();
            assertThat(report).contains("Paper book", "hold", "dips", "50.0%").containsPattern("hold\\s+\\d+\\.\\d\\d");
        }
    }
}
