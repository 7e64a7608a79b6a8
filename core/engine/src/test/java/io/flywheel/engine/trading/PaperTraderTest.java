package io.flywheel.engine.trading;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.market.Bar;
import io.flywheel.api.market.MarketFeed;
import io.flywheel.api.output.Post;
import io.flywheel.api.trading.Fill;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.store.OutboxEntry;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.PriceFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaperTraderTest {
    private static final List<Bar> ETH = PriceFixtures.ethDaily().subList(0, 700);
    private static final Duration DAY = Duration.ofDays(1);
    private static final Backtester.Costs COSTS = PaperBook.COSTS;

    @TempDir
    Path dir;

    /** A market that has the bars whose day has ended by the clock, like a feed that serves only closed candles. */
    private record ClosedBars(List<Bar> bars, ManualClock clock) implements MarketFeed {
        @Override
        public List<Bar> fetch(Instant since) {
            return bars.stream().filter(b -> !b.time().plus(DAY).isAfter(clock.instant()))
                    .filter(b -> since == null || b.time().isAfter(since)).toList();
        }
    }

    private static List<PaperTrader.Spec> specs() {
        return List.of(new PaperTrader.Spec("trend", "eth", null, () -> Strategies.smaCross(5, 30)),
                new PaperTrader.Spec("hold", "eth", "ETH-USD", () -> h -> 1.0),
                new PaperTrader.Spec("dip", "eth", null, () -> h -> h.size() > 3 && h.current().close() < h.bar(h.size() - 4).close() ? 0.5 : 0));
    }

    private static List<Backtester.Entry> entries() {
        return specs().stream().map(s -> new Backtester.Entry(s.id(), "ETH-USD", s.strategy())).toList();
    }

    /** The book on the first 700 ETH days, {@link #specs()} on them. */
    private PaperBook ethBook(ManualClock clock, TradingBook.Settings settings) {
        return PaperBook.of(dir, specs(), settings).feed("eth", new ClosedBars(ETH, clock));
    }

    private PaperTrader trader(ManualClock clock, MapDbStore store, TradingBook.Settings settings) {
        return ethBook(clock, settings).open(store, clock);
    }

    /** What a backtest over {@code bars} gives with the costs and rule of every book here. */
    private static BacktestResult backtest(List<Bar> bars, List<Backtester.Entry> entries, TradingBook.Settings settings) {
        return new Backtester(COSTS).run("replay", bars, entries, settings, null, new HedgeRule(10), Map.of(), Backtester.Progress.NONE);
    }

    /** The journal lines a backtest's fills would be. */
    private static List<String> journalOf(BacktestResult backtest) {
        return backtest.fills().stream().map(f -> BacktestReport.fill(f).strip()).toList();
    }

    @Test
    void aLiveRunWithARestartGivesTheFillsABacktestOverTheSameBarsGives() throws IOException {
        // The paper book starts at bar 300; the process runs, stops at bar 450, starts again and runs to the end.
        Instant start = ETH.get(300).time();
        TradingBook.Settings settings = PaperBook.weekly(null);
        ManualClock clock = new ManualClock(start.plus(Duration.ofHours(6)));
        MapDbStore store = store();
        PaperTrader first = trader(clock, store, settings);
        PaperTrader.PollResult catchUp = first.poll(null);
        assertThat(catchUp.fills()).isZero();
        for (int i = 300; i < 450; i++) {
            clock.advance(DAY);
            first.poll("eth");
        }
        closeStore();

        store = store();
        PaperTrader second = trader(clock, store, settings);
        PaperTrader.PollResult replay = second.poll(null);
        assertThat(replay.fills()).as("bars already reported are replayed silently").isZero();
        assertThat(second.start()).isEqualTo(first.start());
        for (int i = 450; i < ETH.size(); i++) {
            clock.advance(DAY);
            second.poll("eth");
        }

        BacktestResult backtest = backtest(ETH, entries(), PaperBook.weekly(first.start()));

        List<String> expected = journalOf(backtest);
        assertThat(expected).hasSizeGreaterThan(20);
        assertThat(journal()).isEqualTo(expected);
        assertThat(second.book().equity()).isEqualTo(backtest.equity()[backtest.equity().length - 1]);

        // Every period's return is in the feedback log exactly once per strategy, with the weights that were in force.
        List<FeedbackEvent> returns = store.events(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), Set.of(FeedbackEvent.Type.TRADE_RETURN));
        assertThat(returns).hasSize(backtest.periods().size() * 3);
        assertThat(returns).extracting(FeedbackEvent::subject).containsOnly("trend", "hold", "dip");
        PeriodReport p = backtest.periods().get(10);
        assertThat(returns).filteredOn(e -> e.time().equals(p.end()) && e.subject().equals("hold")).singleElement()
                .satisfies(e -> {
                    assertThat(e.value()).isEqualTo(p.returns().get("hold"));
                    assertThat(e.context()).isEqualTo(p.weightsBefore());
                });
        assertThat(store.aggregate(io.flywheel.engine.feedback.Dimension.STRATEGY, Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z")))
                .containsOnlyKeys("trend", "hold", "dip");
        assertThat(store.history(WeightSet.Kind.STRATEGY, Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"))).hasSize(backtest.periods().size())
                .last().extracting(WeightSet::weights).isEqualTo(backtest.periods().getLast().weightsAfter());

        // Signals are queued for the outputs, none twice.
        List<OutboxEntry> posts = store.pending("console", 10_000);
        assertThat(posts).extracting(e -> e.post().kind()).containsOnly(Post.Kind.SIGNAL);
        assertThat(posts).extracting(e -> e.post().id()).doesNotHaveDuplicates();
        assertThat(posts).anyMatch(e -> e.post().title().startsWith("BUY ETH-USD"));
        long entriesAndExits = backtest.fills().stream().map(Fill::order).filter(o -> !o.reason().equals("rebalance")).count();
        // one post per entry, exit or resize; the last few may still wait for their fill at the next open
        assertThat(posts.stream().filter(e -> !e.post().ref().equals("weights")).count()).isBetween(entriesAndExits, entriesAndExits + 3);
        assertThat(posts).as("only news: every post is about a bar after the first catch-up")
                .allSatisfy(e -> assertThat(e.post().time()).isAfter(start));
        closeStore();
    }

    @Test
    void aPollWhoseWritesFailIsFailedAndALaterPollWritesWhatItMissedOnce() throws IOException {
        TradingBook.Settings settings = PaperBook.weekly(null);
        ManualClock clock = new ManualClock(ETH.get(300).time().plus(Duration.ofHours(6)));
        MapDbStore store = store();
        boolean[] weightsFail = {false};
        io.flywheel.engine.feedback.WeightHistory weights = new io.flywheel.engine.feedback.WeightHistory() {
            @Override
            public void append(WeightSet set) {
                if (weightsFail[0]) {
                    throw new IllegalStateException("the store is full");
                }
                store.append(set);
            }

            @Override
            public java.util.Optional<WeightSet> latest(WeightSet.Kind kind) {
                return store.latest(kind);
            }

            @Override
            public List<WeightSet> history(WeightSet.Kind kind, Instant from, Instant to) {
                return store.history(kind, from, to);
            }
        };
        PaperTrader trader = ethBook(clock, settings).open(store, store, weights, clock);
        trader.poll(null);
        int day = 300;
        for (; day < 380; day++) {
            clock.advance(DAY);
            trader.poll("eth");
        }
        // ten days' fills cannot be journaled (here: the journal is a directory for that poll)
        Path journal = dir.resolve("trading/fills.csv");
        Path aside = dir.resolve("fills.aside");
        Files.move(journal, aside);
        Files.createDirectory(journal);
        clock.advance(DAY.multipliedBy(10));
        day += 10;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> trader.poll("eth")).hasMessageContaining(journal.toString());
        Files.delete(journal);
        Files.move(aside, journal);
        for (int i = 0; i < 20; i++, day++) {
            clock.advance(DAY);
            trader.poll("eth");
        }
        // a poll that closes periods cannot write their weights
        weightsFail[0] = true;
        clock.advance(DAY.multipliedBy(10));
        day += 10;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> trader.poll("eth")).hasMessageContaining("the store is full");
        weightsFail[0] = false;
        for (; day < ETH.size(); day++) {
            clock.advance(DAY);
            trader.poll("eth");
        }

        // what was written is what a backtest over the same bars gives: nothing missing, nothing twice
        BacktestResult backtest = backtest(ETH, entries(), PaperBook.weekly(trader.start()));
        Written written = written(store);
        assertThat(written.journal().subList(1, written.journal().size())).isEqualTo(journalOf(backtest));
        assertThat(written.weights()).extracting(WeightSet::time).isEqualTo(backtest.periods().stream().map(PeriodReport::end).toList());
        assertThat(written.returns()).hasSize(backtest.periods().size() * 3);
        assertThat(trader.book().equity()).isEqualTo(backtest.equity()[backtest.equity().length - 1]);
        closeStore();
    }

    /**
     * A first start reports the whole history in one poll: its period returns, then its weight sets,
     * then its fills, then the marks. Killed after the returns or after the weights, it leaves a store
     * from which a restart rebuilds the book an uninterrupted first start has, writing what is missing once.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "killed after the {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"returns", "weights"})
    void aFirstStartKilledInItsCatchUpLeavesAStoreARestartRebuildsTheSameBookFrom(String killedAfter) throws IOException {
        ManualClock clock = new ManualClock(ETH.get(300).time().plus(Duration.ofHours(6)));
        TradingBook.Settings settings = new TradingBook.Settings(10_000, Duration.ofDays(7), 0.02, ETH.getFirst().time());
        var setup = new PaperTrader.Setup(specs(), Map.of("eth", new ClosedBars(ETH, clock)), settings, COSTS, new HedgeRule(10), () -> "java:hedge",
                List.of("console"), dir.resolve("trading"));
        MapDbStore store = store();
        PaperTrader uninterrupted = new PaperTrader(setup, store, store, store, clock);
        PaperTrader.PollResult first = uninterrupted.poll(null);
        assertThat(first.periods()).isPositive();
        assertThat(first.fills()).isPositive();
        BookState truth = BookState.of(uninterrupted);
        Written reported = written(store);
        closeStore();
        deleteAll(dir);

        store = store();
        KilledAfterWrite killedStore = new KilledAfterWrite(store);
        killedStore.armed = killedAfter.equals("returns");
        MapDbStore weightsStore = store;
        io.flywheel.engine.feedback.WeightHistory weights = new io.flywheel.engine.feedback.WeightHistory() {
            @Override
            public void append(WeightSet set) {
                appendAll(List.of(set));
            }

            @Override
            public void appendAll(List<WeightSet> sets) {
                weightsStore.appendAll(sets);
                if (killedAfter.equals("weights")) {
                    throw new Killed();
                }
            }

            @Override
            public java.util.Optional<WeightSet> latest(WeightSet.Kind kind) {
                return weightsStore.latest(kind);
            }

            @Override
            public List<WeightSet> history(WeightSet.Kind kind, Instant from, Instant to) {
                return weightsStore.history(kind, from, to);
            }
        };
        PaperTrader killed = new PaperTrader(setup, killedStore, store, weights, clock);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> killed.poll(null)).isInstanceOf(Killed.class);
        assertThat(store.events(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), Set.of(FeedbackEvent.Type.TRADE_RETURN))).as("the returns were written")
                .isEqualTo(reported.returns());
        assertThat(dir.resolve("trading/fills.csv")).as("the fills were not").doesNotExist();
        closeStore();

        store = store();
        PaperTrader restarted = new PaperTrader(setup, store, store, store, clock);
        PaperTrader.PollResult r = restarted.poll(null);
        assertThat(r.fills()).isEqualTo(first.fills());
        assertSameBook(restarted, new Ended(truth, reported));
        closeStore();
    }

    private static void deleteAll(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(root)) {
                    Files.delete(p);
                }
            }
        }
    }

    private record Written(List<String> journal, List<FeedbackEvent> returns, List<WeightSet> weights) {}

    private Written written(MapDbStore store) throws IOException {
        Instant end = Instant.parse("2100-01-01T00:00:00Z");
        return new Written(Files.readAllLines(dir.resolve("trading/fills.csv")),
                store.events(Instant.EPOCH, end, Set.of(FeedbackEvent.Type.TRADE_RETURN)), store.history(WeightSet.Kind.STRATEGY, Instant.EPOCH, end));
    }

    @Test
    void aCrashBeforeTheWatermarkIsSavedWritesNothingTwiceOnRestart() throws IOException {
        TradingBook.Settings settings = PaperBook.weekly(null);
        ManualClock clock = new ManualClock(ETH.get(300).time().plus(Duration.ofHours(6)));
        Path state = dir.resolve("trading/paper.properties");
        Path journal = dir.resolve("trading/fills.csv");
        MapDbStore store = store();
        PaperTrader trader = trader(clock, store, settings);
        trader.poll(null);
        pollDaily(trader, clock, 60, "eth");
        // Crash 1: everything written (feedback log, weights, journal), then the process dies before paper.properties is saved.
        // Crash 2: the feedback log and weights written, the process dies before the journal and paper.properties.
        for (boolean journalWritten : new boolean[] {true, false}) {
            String stateBefore = Files.readString(state);
            String journalBefore = Files.readString(journal);
            clock.advance(DAY.multipliedBy(20));
            PaperTrader.PollResult r = trader.poll("eth");
            assertThat(r.fills()).isPositive();
            assertThat(r.periods()).isPositive();
            Written truth = written(store);
            closeStore();
            Files.writeString(state, stateBefore);
            if (!journalWritten) {
                Files.writeString(journal, journalBefore);
            }

            store = store();
            trader = trader(clock, store, settings);
            trader.poll(null);
            Written after = written(store);
            assertThat(after.journal()).as("journal written: " + journalWritten).isEqualTo(truth.journal());
            assertThat(after.returns()).isEqualTo(truth.returns());
            assertThat(after.weights()).isEqualTo(truth.weights());
            assertThat(Files.readString(state)).isNotEqualTo(stateBefore);
        }
        closeStore();
    }

    /**
     * Like the klines feed: closed bars only, and asked for everything ({@code since == null}) only
     * the last {@code history} days; nothing older than {@code reach} days ago at all.
     */
    private record Klines(List<Bar> bars, ManualClock clock, int history, int reach) implements MarketFeed {
        @Override
        public List<Bar> fetch(Instant since) {
            Instant from = since == null ? clock.instant().minus(DAY.multipliedBy(history)) : since.plusMillis(1);
            Instant oldest = clock.instant().minus(DAY.multipliedBy(reach));
            Instant f = from.isBefore(oldest) ? oldest : from;
            return bars.stream().filter(b -> !b.time().plus(DAY).isAfter(clock.instant())).filter(b -> !b.time().isBefore(f)).toList();
        }
    }

    private PaperTrader klinesTrader(ManualClock clock, MapDbStore store, int reach) {
        return PaperBook.of(dir, specs(), PaperBook.weekly(null)).feed("eth", new Klines(ETH, clock, 60, reach)).open(store, clock);
    }

    @Test
    void aRestartOnAFeedThatServesOnlyRecentBarsByDefaultFetchesFromTheFirstBarTheBookReplayed() {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader first = klinesTrader(clock, store, 10_000);
        first.poll(null);
        pollDaily(first, clock, 120, "eth");
        closeStore();

        store = store();
        PaperTrader second = klinesTrader(clock, store, 10_000);
        second.poll(null);

        assertThat(second.start()).isEqualTo(first.start());
        assertThat(second.book().barCount()).isEqualTo(first.book().barCount());
        assertThat(second.book().equities()).isEqualTo(first.book().equities());
        assertThat(second.book().weights()).isEqualTo(first.book().weights());
        assertThat(second.problems()).isEmpty();
        assertThat(second.snapshot().orElseThrow().problems()).isEmpty();
        closeStore();
    }

    @Test
    void aRestartWhoseFeedNoLongerReachesBackSaysWhichMarketAndHowFar() {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader first = klinesTrader(clock, store, 10_000);
        first.poll(null);
        Instant firstBar = ETH.get(91).time(); // 60 days back from bar 150 + 6h
        pollDaily(first, clock, 120, "eth");
        closeStore();

        store = store();
        PaperTrader second = klinesTrader(clock, store, 100); // the exchange now keeps 100 days
        second.poll(null);

        Instant reaches = ETH.get(171).time(); // 100 days back from bar 270 + 6h
        assertThat(second.book().barCount()).isLessThan(first.book().barCount());
        assertThat(second.problems()).singleElement().asString()
                .contains("market eth", "reaches back only to " + reaches, "first replayed it from " + firstBar, "without warm-up");
        assertThat(second.snapshot().orElseThrow().problems()).isEqualTo(second.problems());
        closeStore();
    }

    private static final List<Bar> ETH_400 = ETH.subList(0, 400);
    private static final List<Bar> BTC_400 = PriceFixtures.btcDaily().stream()
            .filter(b -> !b.time().isBefore(ETH_400.getFirst().time()) && !b.time().isAfter(ETH_400.getLast().time())).toList();

    /** ETH's and BTC's first 400 days in time order, ETH's bar first on equal times (as the feeds are ordered). */
    private static final List<Bar> ETH_AND_BTC_400 = java.util.stream.Stream.concat(ETH_400.stream(), BTC_400.stream())
            .sorted(java.util.Comparator.comparing(Bar::time)).toList();

    private static List<PaperTrader.Spec> twoMarkets() {
        return List.of(new PaperTrader.Spec("trend", "eth", "ETH-USD", () -> Strategies.smaCross(5, 30)),
                new PaperTrader.Spec("hold-btc", "btc", "BTC-USD", () -> h -> 1.0),
                new PaperTrader.Spec("dip", "eth", "ETH-USD", () -> h -> h.size() > 3 && h.current().close() < h.bar(h.size() - 4).close() ? 0.5 : 0));
    }

    /** {@link #twoMarkets()} on {@code eth}'s bars and BTC's first 400 days. */
    private PaperBook twoMarketBook(ManualClock clock, List<Bar> eth, TradingBook.Settings settings) {
        return PaperBook.of(dir, twoMarkets(), settings).feed("eth", new ClosedBars(eth, clock)).feed("btc", new ClosedBars(BTC_400, clock));
    }

    private PaperTrader twoMarketTrader(ManualClock clock, MapDbStore store, List<Bar> eth, TradingBook.Settings settings) {
        return twoMarketBook(clock, eth, settings).open(store, clock);
    }

    /** What a backtest of {@link #twoMarkets()} over both markets' first 400 days gives. */
    private static BacktestResult twoMarketBacktest(TradingBook.Settings settings) {
        return backtest(ETH_AND_BTC_400, twoMarkets().stream().map(s -> new Backtester.Entry(s.id(), s.symbol(), s.strategy())).toList(), settings);
    }

    @Test
    void barsOfSeveralMarketsAreTradedInTimeOrderWhateverOrderTheyArriveIn() throws IOException {
        // BTC is polled every day, ETH only every third day: ETH bars arrive after later BTC bars.
        assertThat(BTC_400).hasSizeGreaterThan(390);
        TradingBook.Settings settings = PaperBook.weekly(ETH_400.get(100).time());
        ManualClock clock = new ManualClock(ETH_400.get(50).time().plus(Duration.ofHours(6)));
        MapDbStore store = store();
        PaperTrader trader = twoMarketTrader(clock, store, ETH_400, settings);
        trader.poll(null);
        int heldBack = 0;
        for (int i = 50; i < 420; i++) {
            clock.advance(DAY);
            PaperTrader.PollResult btc = trader.poll("btc");
            heldBack += btc.bars() == 0 ? 1 : 0;
            if (i % 3 == 0) {
                trader.poll("eth");
            }
        }
        trader.poll(null);
        assertThat(heldBack).as("BTC polls whose bar waited for ETH's").isGreaterThan(100);

        BacktestResult backtest = twoMarketBacktest(settings);

        List<String> expected = journalOf(backtest);
        assertThat(expected).hasSizeGreaterThan(20).anyMatch(f -> f.contains("BTC-USD")).anyMatch(f -> f.contains("ETH-USD"));
        assertThat(journal()).isEqualTo(expected);
        assertThat(trader.book().equity()).isEqualTo(backtest.equity()[backtest.equity().length - 1]);
        closeStore();
    }

    @Test
    void aMarketPolledLessOftenThanNineOfItsBarIntervalsIsNotOverdueAndMakesNoLateGroups() throws IOException {
        // ETH's daily bars are polled every 10 days (its `every`), BTC's daily: ETH is never late, only polled seldom.
        TradingBook.Settings settings = PaperBook.weekly(ETH_400.get(100).time());
        ManualClock clock = new ManualClock(ETH_400.get(50).time().plus(Duration.ofHours(6)));
        MapDbStore store = store();
        PaperTrader trader = twoMarketBook(clock, ETH_400, settings).every(Map.of("eth", Duration.ofDays(10), "btc", DAY)).open(store, clock);
        trader.poll(null);
        for (int i = 50; i < 420; i++) {
            clock.advance(DAY);
            trader.poll("btc");
            if (i % 10 == 0) {
                trader.poll("eth");
            }
        }
        trader.poll(null);
        assertThat(properties(dir.resolve("trading/paper.properties")).stringPropertyNames()).noneMatch(k -> k.startsWith("late."));

        assertThat(journal()).isEqualTo(journalOf(twoMarketBacktest(settings)));
        closeStore();
    }

    @Test
    void aLateGroupOfSymbolsNoLongerConfiguredIsDroppedFromTheStateFile() throws IOException {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader live = tenQuietDays(clock);
        BookState truth = BookState.of(live);
        closeStore();
        // a group of a market since removed from config.yml
        Path state = dir.resolve("trading/paper.properties");
        java.util.Properties p = properties(state);
        p.setProperty("late.7.after", ETH_400.get(155).time() + " BTC-USD");
        p.setProperty("late.7.sol.SOL-USD", ETH_400.get(140).time() + " " + ETH_400.get(150).time());
        writeProperties(state, p);

        store = store();
        PaperTrader rebuilt = bothUp(clock, store);
        assertThat(rebuilt.poll(null).fills()).isZero();
        assertThat(BookState.of(rebuilt)).isEqualTo(truth);
        assertThat(properties(state).stringPropertyNames()).noneMatch(k -> k.startsWith("late."));
        closeStore();
    }

    @Test
    void aGaveUpKeyOfAMarketNoLongerConfiguredIsDroppedFromTheStateFile() throws IOException {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader live = tenQuietDays(clock);
        BookState truth = BookState.of(live);
        closeStore();
        // given up on at a restart, then its market removed from config.yml (sol), or only its strategy (eth)
        Path state = dir.resolve("trading/paper.properties");
        java.util.Properties p = properties(state);
        p.setProperty("gave-up.sol.SOL-USD", "none");
        p.setProperty("gave-up.eth.SOL-USD", ETH_400.get(140).time().toString());
        writeProperties(state, p);

        store = store();
        PaperTrader rebuilt = bothUp(clock, store);
        assertThat(rebuilt.poll(null).fills()).isZero();
        assertThat(BookState.of(rebuilt)).isEqualTo(truth);
        assertThat(properties(state).stringPropertyNames()).noneMatch(k -> k.startsWith("gave-up.sol.")).contains("gave-up.eth.SOL-USD");
        closeStore();
    }

    @Test
    void aSymbolNewToTheBookIsTradedFromItsMarketsFirstBarAndARestartRebuildsThatBook() throws IOException {
        List<PaperTrader.Spec> ethOnly = List.of(flipAndHold().getFirst());
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader first = lagTrader(clock, store, new ClosedBars(ETH_400, clock), new ClosedBars(BTC_400, clock), ethOnly);
        first.poll(null);
        pollDaily(first, clock, 5);
        closeStore();

        // a strategy on BTC-USD added to config.yml: its history is in the book from BTC's first bar, reported only from now on
        store = store();
        PaperTrader live = lagTrader(clock, store, new ClosedBars(ETH_400, clock), new ClosedBars(BTC_400, clock), flipAndHold());
        assertThat(live.poll(null).fills()).as("BTC's history is not news").isZero();
        assertThat(live.book().barCount()).as("every closed bar of both, BTC's from its first")
                .isEqualTo(java.util.stream.Stream.concat(ETH_400.stream(), BTC_400.stream()).filter(b -> !b.time().plus(DAY).isAfter(clock.instant())).count());
        pollDaily(live, clock, 5);
        Ended truth = end(live);

        store = store();
        PaperTrader rebuilt = lagTrader(clock, store, new ClosedBars(ETH_400, clock), new ClosedBars(BTC_400, clock), flipAndHold());
        assertRebuilds(rebuilt, truth);
        closeStore();
    }

    @Test
    void aLateGroupOfAConfiguredMarketWhoseStrategyWasRemovedIsKeptAndReplayedWhenItIsAddedAgain() throws IOException {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader live = liveThroughAnOutage(clock, store);
        BookState truth = BookState.of(live);
        closeStore();
        Path state = dir.resolve("trading/paper.properties");
        assertThat(properties(state)).containsKey("late.1.eth.ETH-USD");

        // ETH's strategy taken out of config.yml for a restart (market eth still configured), then put back
        store = store();
        PaperTrader without = lagTrader(clock, store, new ClosedBars(ETH_400, clock), new ClosedBars(BTC_400, clock), List.of(flipAndHold().getLast()));
        without.poll(null);
        assertThat(properties(state)).containsKey("late.1.eth.ETH-USD");
        closeStore();

        store = store();
        PaperTrader again = bothUp(clock, store);
        assertThat(again.poll(null).fills()).isZero();
        assertThat(BookState.of(again)).isEqualTo(truth);
        closeStore();
    }

    @Test
    void aMarketThatStopsDeliveringHoldsTheOthersBackOnlyForAWhile() {
        List<Bar> ethStops = ETH_400.subList(0, 200); // the ETH feed's last bar is bar 199
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader trader = twoMarketTrader(clock, store, ethStops, PaperBook.daily(null));
        trader.poll(null);
        Instant lastEth = ethStops.getLast().time();
        List<Integer> released = new java.util.ArrayList<>();
        while (clock.instant().isBefore(lastEth.plus(Duration.ofDays(PaperTrader.STALE_INTERVALS + 4)))) {
            clock.advance(DAY);
            released.add(trader.poll(null).bars());
        }
        // ETH's next bar would begin a day after bar 199; BTC's bars from then on wait until that is
        // more than STALE_INTERVALS days ago, then all go through at once and flow daily again.
        int firstWait = released.indexOf(0);
        int waits = PaperTrader.STALE_INTERVALS - 1;
        assertThat(firstWait).isPositive();
        assertThat(released.subList(firstWait, firstWait + waits)).containsOnly(0);
        assertThat(released.get(firstWait + waits)).as("ETH overdue: the waiting BTC bars go through").isEqualTo(waits + 1);
        assertThat(released.get(firstWait + waits + 1)).isEqualTo(1);
        closeStore();
    }

    /** One feed for two symbols that records how each poll asked for them. */
    private static final class TwoSymbols implements MarketFeed {
        private final List<Bar> bars;
        private final ManualClock clock;
        final List<Map<String, Instant>> asked = new java.util.ArrayList<>();
        /** Symbols the source has no bars of for now. */
        final Set<String> missing = new java.util.HashSet<>();

        TwoSymbols(List<Bar> bars, ManualClock clock) {
            this.bars = bars;
            this.clock = clock;
        }

        @Override
        public List<Bar> fetch(Instant since) {
            return fetch(Map.of(), since);
        }

        @Override
        public List<Bar> fetch(Map<String, Instant> since, Instant others) {
            asked.add(since);
            return bars.stream().filter(b -> !b.time().plus(DAY).isAfter(clock.instant())).filter(b -> !missing.contains(b.symbol())).filter(b -> {
                Instant after = since.getOrDefault(b.symbol(), others);
                return after == null || b.time().isAfter(after);
            }).toList();
        }
    }

    /** One market, {@code pair}, of ETH-USD and BTC-USD, each held; rebalanced daily. */
    private PaperBook pairBook(TwoSymbols feed) {
        return PaperBook.of(dir, List.of(new PaperTrader.Spec("hold-eth", "pair", "ETH-USD", () -> h -> 1.0),
                new PaperTrader.Spec("hold-btc", "pair", "BTC-USD", () -> h -> 1.0)), PaperBook.daily(null)).feed("pair", feed);
    }

    @Test
    void eachSymbolOfAFeedIsPolledFromItsOwnLastBarSoOneThatStoppedCostsTheOthersNothing() {
        List<Bar> both = new java.util.ArrayList<>(ETH_400);
        BTC_400.stream().filter(b -> b.time().isBefore(ETH_400.get(120).time())).forEach(both::add); // BTC-USD stops after bar 119
        both.sort(java.util.Comparator.comparing(Bar::time));
        ManualClock clock = new ManualClock(ETH_400.get(100).time().plus(Duration.ofHours(6)));
        MapDbStore store = store();
        TwoSymbols feed = new TwoSymbols(both, clock);
        PaperTrader trader = pairBook(feed).open(store, clock);
        trader.poll(null);
        pollDaily(trader, clock, 60);

        Map<String, Instant> last = feed.asked.getLast();
        assertThat(last).containsEntry("BTC-USD", BTC_400.stream().filter(b -> b.time().isBefore(ETH_400.get(120).time())).toList().getLast().time());
        assertThat(last).as("ETH-USD asked from its own last bar, not from where BTC-USD stopped").containsEntry("ETH-USD", ETH_400.get(158).time());
        assertThat(trader.book().lastTime()).isEqualTo(ETH_400.get(159).time());
        closeStore();
    }

    @Test
    void aSymbolOfASeveralSymbolMarketMissingAtRestartHasItsHistoryFetchedWhenItIsBack() {
        List<Bar> both = ETH_AND_BTC_400;
        ManualClock clock = new ManualClock(ETH_400.get(100).time().plus(Duration.ofHours(6)));
        java.util.function.Function<TwoSymbols, PaperTrader> trader = feed -> pairBook(feed).open(store(), clock);
        PaperTrader live = trader.apply(new TwoSymbols(both, clock));
        live.poll(null);
        pollDaily(live, clock, 10);
        closeStore();

        // the restart finds the source without BTC-USD; two days later it has it again, with what it missed
        TwoSymbols feed = new TwoSymbols(both, clock);
        feed.missing.add("BTC-USD");
        PaperTrader rebuilt = trader.apply(feed);
        rebuilt.poll(null);
        assertThat(rebuilt.problems()).singleElement().asString().contains("BTC-USD", "waits");
        pollDaily(rebuilt, clock, 2);
        feed.missing.clear();
        rebuilt.poll(null);
        assertThat(rebuilt.problems()).isEmpty();
        long closed = both.stream().filter(b -> !b.time().plus(DAY).isAfter(clock.instant())).count();
        assertThat(rebuilt.book().barCount()).as("every bar of both symbols traded, BTC-USD's missed ones too").isEqualTo(closed);
        closeStore();
    }

    /** A market of minute bars: {@code n} of them, each closed a minute after it began. */
    private record Minutes(int n, Instant from, ManualClock clock) implements MarketFeed {
        @Override
        public List<Bar> fetch(Instant since) {
            List<Bar> out = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                Instant t = from.plus(Duration.ofMinutes(i));
                if (!t.plus(Duration.ofMinutes(1)).isAfter(clock.instant()) && (since == null || t.isAfter(since))) {
                    double p = 100 + (i % 50);
                    out.add(new Bar("X-USD", t, p, p + 1, p - 1, p, 1));
                }
            }
            return out;
        }
    }

    /**
     * A catch-up holds a whole history: it was quadratic (bars removed one by one from an array
     * list), 10 s for a first start on these bars and 20 s for a restart; now under one each.
     */
    @Test
    void aStartAndARestartOnAYearOfMinuteBarsHoldEveryBar() {
        // The catch-up's cost (linear since the restart review; it was quadratic) is not timed here: tests are not timed.
        int n = 500_000;
        Instant from = Instant.parse("2024-01-01T00:00:00Z");
        ManualClock clock = new ManualClock(from.plus(Duration.ofMinutes(n)));
        var specs = List.of(new PaperTrader.Spec("hold", "x", "X-USD", () -> h -> 1.0));
        var settings = PaperBook.weekly(null);
        java.util.function.Supplier<PaperTrader> make = () -> PaperBook.of(dir, specs, settings).feed("x", new Minutes(n, from, clock)).open(store(), clock);
        for (String run : List.of("first start", "restart")) {
            PaperTrader trader = make.get();
            trader.poll(null);
            assertThat(trader.book().barCount()).as(run).isEqualTo(n);
        }
        closeStore();
    }

    /** The clock of the two-market tests: ETH's bar 150 opened six hours ago. */
    private static ManualClock lagClock() {
        return new ManualClock(ETH_400.get(150).time().plus(Duration.ofHours(6)));
    }

    /** Polls every market once a day for {@code days} days. */
    private static void pollDaily(PaperTrader trader, ManualClock clock, int days) {
        pollDaily(trader, clock, days, null);
    }

    /** Polls {@code market} (every market: {@code null}) once a day for {@code days} days. */
    private static void pollDaily(PaperTrader trader, ManualClock clock, int days, String market) {
        for (int i = 0; i < days; i++) {
            clock.advance(DAY);
            trader.poll(market);
        }
    }

    /** A book on ETH and BTC, both feeds up, polled at the start and then daily for ten days. */
    private PaperTrader tenQuietDays(ManualClock clock) {
        PaperTrader live = lagTrader(clock, store(), new ClosedBars(ETH_400, clock));
        live.poll(null);
        pollDaily(live, clock, 10);
        return live;
    }

    /** ETH's daily bars, closed by {@code clock}, from a feed that can go down. */
    private static Outage ethOutage(ManualClock clock) {
        return new Outage(new ClosedBars(ETH_400, clock));
    }

    /** ETH's feed, down: no new bars until {@code down} is cleared. */
    private static Outage ethDown(ManualClock clock) {
        Outage down = ethOutage(clock);
        down.down = true;
        return down;
    }

    private static void writeProperties(Path file, java.util.Properties p) throws IOException {
        try (var w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
    }

    /** The state a crash leaves after a poll's writes: {@code saved}, but every mark the poll moved as it was {@code before}. */
    private static java.util.Properties marksAsBefore(java.util.Properties saved, java.util.Properties before) {
        java.util.Properties crashed = new java.util.Properties();
        crashed.putAll(saved);
        saved.stringPropertyNames().stream().filter(k -> k.startsWith("reported-through")).forEach(crashed::remove);
        before.stringPropertyNames().stream().filter(k -> k.startsWith("reported-through")).forEach(k -> crashed.setProperty(k, before.getProperty(k)));
        return crashed;
    }

    /** What a process left: its book, and the journal, returns and weights it had reported. */
    private record Ended(BookState book, Written reported) {}

    /** Ends {@code trader}'s process: what it left; the store closed. */
    private Ended end(PaperTrader trader) throws IOException {
        Ended ended = new Ended(BookState.of(trader), written(store()));
        closeStore();
        return ended;
    }

    /** A restart's first poll writes nothing and rebuilds the book the live run had. */
    private void assertRebuilds(PaperTrader rebuilt, Ended truth) throws IOException {
        assertThat(rebuilt.poll(null).fills()).isZero();
        assertSameBook(rebuilt, truth);
    }

    /** {@code trader} has the book {@code truth} left, and the journal, returns and weights are still the ones it reported. */
    private void assertSameBook(PaperTrader trader, Ended truth) throws IOException {
        assertThat(BookState.of(trader)).isEqualTo(truth.book());
        assertThat(written(store())).isEqualTo(truth.reported());
    }

    /** A replay's poll: no fill, signal or period is news. */
    private static void assertReportsNothing(PaperTrader.PollResult r) {
        assertThat(r.fills()).isZero();
        assertThat(r.signals()).isZero();
        assertThat(r.periods()).isZero();
    }

    private MapDbStore openStore;

    private MapDbStore store() {
        if (openStore == null) {
            openStore = MapDbStore.open(dir.resolve("flywheel.db"));
        }
        return openStore;
    }

    private void closeStore() {
        openStore.close();
        openStore = null;
    }

    /**
     * A feed whose source can stop updating: while {@code down} it has no new bars, then it has all it
     * missed; while {@code failing} its requests fail, as when its server cannot be reached.
     */
    private static final class Outage implements MarketFeed {
        private final MarketFeed feed;
        boolean down;
        boolean failing;
        /** What a failing request says. */
        String error = "connection refused";
        /** While set, the source has caught up only through this bar. */
        Instant through;

        Outage(MarketFeed feed) {
            this.feed = feed;
        }

        @Override
        public List<Bar> fetch(Instant since) throws Exception {
            if (failing) {
                throw new IOException(error);
            }
            return down ? List.of() : feed.fetch(since).stream().filter(b -> through == null || !b.time().isAfter(through)).toList();
        }
    }

    /** ETH's strategy changes its mind on every bar: each ETH bar traded is a signal, and a fill at the next open. */
    private static List<PaperTrader.Spec> flipAndHold() {
        return List.of(new PaperTrader.Spec("flip", "eth", "ETH-USD", () -> h -> h.size() % 2 == 0 ? 1.0 : 0.0),
                new PaperTrader.Spec("hold-btc", "btc", "BTC-USD", () -> h -> 1.0));
    }

    /** The book on ETH and BTC, both feeds up. */
    private PaperTrader bothUp(ManualClock clock, MapDbStore store) {
        return lagTrader(clock, store, new ClosedBars(ETH_400, clock));
    }

    private PaperTrader lagTrader(ManualClock clock, MapDbStore store, MarketFeed eth) {
        return lagTrader(clock, store, eth, new ClosedBars(BTC_400, clock));
    }

    private PaperTrader lagTrader(ManualClock clock, MapDbStore store, MarketFeed eth, MarketFeed btc) {
        return lagTrader(clock, store, eth, btc, flipAndHold());
    }

    private PaperTrader lagTrader(ManualClock clock, MapDbStore store, MarketFeed eth, MarketFeed btc, List<PaperTrader.Spec> specs) {
        return lagTrader(clock, store, eth, btc, specs, Map.of());
    }

    private PaperTrader lagTrader(ManualClock clock, MapDbStore store, MarketFeed eth, MarketFeed btc, List<PaperTrader.Spec> specs,
            Map<String, Duration> every) {
        return lagBook(eth, btc, specs).every(every).open(store, clock);
    }

    private PaperTrader lagTrader(ManualClock clock, KilledAfterWrite store, MarketFeed eth, MarketFeed btc, List<PaperTrader.Spec> specs) {
        return lagBook(eth, btc, specs).open(store, store.store, store.store, clock);
    }

    private PaperBook lagBook(MarketFeed eth, MarketFeed btc, List<PaperTrader.Spec> specs) {
        return PaperBook.of(dir, specs, PaperBook.weekly(null)).feed("eth", eth).feed("btc", btc);
    }

    /** The newest bar of {@code bars} closed by {@code now}. */
    private static Instant newestClosed(List<Bar> bars, Instant now) {
        return bars.stream().map(Bar::time).filter(t -> !t.plus(DAY).isAfter(now)).max(java.util.Comparator.naturalOrder()).orElseThrow();
    }

    private List<String> journal() throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("trading/fills.csv"));
        return lines.subList(1, lines.size());
    }

    /** Polls daily for ten days, then for {@code downDays} with ETH's feed down; returns ETH's newest bar before it went down. */
    private static Instant pollThroughAnOutage(PaperTrader trader, ManualClock clock, Outage eth, int downDays) {
        trader.poll(null);
        pollDaily(trader, clock, 10);
        eth.down = true;
        Instant before = newestClosed(ETH_400, clock.instant());
        pollDaily(trader, clock, downDays);
        return before;
    }

    private static boolean within(Instant t, Instant after, Instant through) {
        return t.isAfter(after) && !t.isAfter(through);
    }

    /** The time of the bar a journal line's fill is at (its first column). */
    private static Instant filledAt(String journalLine) {
        return Instant.parse(journalLine.substring(0, journalLine.indexOf(',')));
    }

    /** A journal line of a fill of ETH's {@code flip} strategy at a bar after {@code after}, through {@code through}. */
    private static java.util.function.Predicate<String> ethFlipFill(Instant after, Instant through) {
        return l -> l.contains(",flip,ETH-USD,") && within(filledAt(l), after, through);
    }

    @Test
    void aMarketThatComesBackAfterAnOutageHasItsLateBarsReportedOnceAndARestartReportsThemNoMore() throws IOException {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        Outage eth = ethOutage(clock);
        PaperTrader trader = lagTrader(clock, store, eth);
        // ETH's feed stops; once it is overdue BTC's bars go on without it; then ETH delivers what it missed.
        Instant ethBefore = pollThroughAnOutage(trader, clock, eth, PaperTrader.STALE_INTERVALS + 4);
        Instant btcThrough = newestClosed(BTC_400, clock.instant());
        assertThat(trader.book().lastTime()).as("BTC went on without ETH").isEqualTo(btcThrough);
        eth.down = false;
        PaperTrader.PollResult back = trader.poll(null);
        List<Bar> late = ETH_400.stream().filter(b -> within(b.time(), ethBefore, btcThrough)).toList();
        assertThat(late).hasSizeGreaterThan(PaperTrader.STALE_INTERVALS);
        assertThat(back.bars()).isEqualTo(late.size());

        // Every late bar is a signal, posted; each fills the previous one's order at its open, journaled.
        assertThat(back.signals()).isEqualTo(late.size());
        assertThat(back.fills()).isEqualTo(late.size());
        List<String> journal = journal();
        assertThat(journal).filteredOn(ethFlipFill(ethBefore, btcThrough))
                .hasSize(late.size());
        List<OutboxEntry> posts = store.pending("console", 10_000);
        assertThat(posts).filteredOn(e -> e.post().title().contains("ETH-USD") && within(e.post().time(), ethBefore, btcThrough)).hasSize(late.size());
        // The journal holds every fill the book made: its quantities add up to what each strategy holds.
        Map<String, Double> held = trader.book().holdings();
        for (String strategy : List.of("flip", "hold-btc")) {
            double sum = journal.stream().map(l -> l.split(",")).filter(f -> f[1].equals(strategy)).mapToDouble(f -> Double.parseDouble(f[3])).sum();
            assertThat(sum).as(strategy).isCloseTo(held.get(strategy), org.assertj.core.data.Offset.offset(1e-6));
        }
        Written truth = written(store);
        closeStore();

        // A restart replays the late bars where the live book traded them and reports none of them again.
        store = store();
        PaperTrader second = bothUp(clock, store);
        PaperTrader.PollResult replay = second.poll(null);
        assertReportsNothing(replay);
        Written after = written(store);
        assertThat(after.journal()).isEqualTo(truth.journal());
        assertThat(after.returns()).isEqualTo(truth.returns());
        assertThat(after.weights()).isEqualTo(truth.weights());
        assertThat(store.pending("console", 10_000)).isEqualTo(posts);
        // and goes on reporting what is new, once
        clock.advance(DAY);
        PaperTrader.PollResult next = second.poll(null);
        assertThat(next.fills()).isPositive();
        assertThat(journal()).hasSize(truth.journal().size() - 1 + next.fills()).doesNotHaveDuplicates();
        closeStore();
    }

    /** What a book holds, to compare a rebuilt book with the live one exactly. */
    private record BookState(double equity, double cash, Map<String, Double> equities, Map<String, Double> weights, Map<String, Double> holdings,
            Map<String, Double> positions, long bars) {
        static BookState of(PaperTrader trader) {
            TradingBook b = trader.book();
            return new BookState(b.equity(), b.cash(), Map.copyOf(b.equities()), Map.copyOf(b.weights()), Map.copyOf(b.holdings()), Map.copyOf(b.positions()),
                    b.barCount());
        }
    }

    /** A book on ETH and BTC, ETH down long enough for BTC to go on without it, then back: its late bars are traded after BTC's later ones. */
    private PaperTrader liveThroughAnOutage(ManualClock clock, MapDbStore store) throws IOException {
        Outage eth = ethOutage(clock);
        PaperTrader trader = lagTrader(clock, store, eth);
        Instant ethBefore = pollThroughAnOutage(trader, clock, eth, PaperTrader.STALE_INTERVALS + 14);
        Instant btcThrough = newestClosed(BTC_400, clock.instant());
        assertThat(trader.book().lastTime()).as("BTC went on without ETH").isEqualTo(btcThrough);
        assertThat(written(store).returns()).as("periods BTC closed while ETH was down")
                .anyMatch(e -> within(e.time(), ethBefore, btcThrough.minus(Duration.ofDays(7))));
        eth.down = false;
        assertThat(trader.poll(null).fills()).as("ETH's late bars").isPositive();
        return trader;
    }

    @Test
    void lateBarsOfConsecutivePollsWithNothingTradedInBetweenAreOneLateGroupAndARestartRebuildsTheBook() throws IOException {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        Outage eth = ethOutage(clock);
        PaperTrader live = lagTrader(clock, store, eth);
        Instant ethBefore = pollThroughAnOutage(live, clock, eth, PaperTrader.STALE_INTERVALS + 14);
        // ETH's source catches up in two steps, polled twice before BTC has a new bar
        eth.down = false;
        eth.through = ethBefore.plus(DAY.multipliedBy(5));
        assertThat(live.poll(null).bars()).isEqualTo(5);
        eth.through = null;
        assertThat(live.poll(null).bars()).isGreaterThan(PaperTrader.STALE_INTERVALS);
        clock.advance(DAY);
        live.poll(null);
        assertThat(properties(dir.resolve("trading/paper.properties")).stringPropertyNames()).filteredOn(k -> k.startsWith("late."))
                .containsExactlyInAnyOrder("late.1.after", "late.1.eth.ETH-USD");
        Ended truth = end(live);

        store = store();
        PaperTrader rebuilt = bothUp(clock, store);
        assertRebuilds(rebuilt, truth);
        closeStore();
    }

    @Test
    void aRestartAfterAMarketCameBackLateRebuildsTheBookTheLiveRunHad() throws IOException {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader live = liveThroughAnOutage(clock, store);
        pollDaily(live, clock, 5);
        Ended truth = end(live);

        store = store();
        PaperTrader rebuilt = bothUp(clock, store);
        PaperTrader.PollResult replay = rebuilt.poll(null);
        assertReportsNothing(replay);
        assertThat(BookState.of(rebuilt)).as("the book the live run had, late bars traded where it traded them").isEqualTo(truth.book());
        assertThat(written(store)).isEqualTo(truth.reported());
        closeStore();
    }

    @Test
    void aMarketDownAtTheFirstStartHasItsFirstBarRecordedWhenItIsBackSoARestartRebuildsTheBook() throws IOException {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        // BTC's feed serves only its last 60 days when asked for everything, as klines do
        Outage btc = new Outage(new Klines(BTC_400, clock, 60, 10_000));
        btc.failing = true;
        PaperTrader live = lagTrader(clock, store, new ClosedBars(ETH_400, clock), btc);
        assertThat(live.poll(null).failedFeeds()).containsOnlyKeys("btc");
        btc.failing = false;
        pollDaily(live, clock, 30);
        assertThat(properties(dir.resolve("trading/paper.properties"))).containsKey("first.btc");
        Ended truth = end(live);

        store = store();
        PaperTrader rebuilt = lagTrader(clock, store, new ClosedBars(ETH_400, clock), new Klines(BTC_400, clock, 60, 10_000));
        assertThat(rebuilt.poll(null).fills()).isZero();
        assertThat(rebuilt.problems()).isEmpty();
        assertThat(BookState.of(rebuilt)).as("BTC's bars from the first the live run traded, not from the feed's last 60 days").isEqualTo(truth.book());
        assertThat(written(store)).isEqualTo(truth.reported());
        closeStore();
    }

    private static java.util.Properties properties(Path file) throws IOException {
        java.util.Properties p = new java.util.Properties();
        try (var r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "journal written: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void aCrashAfterTheLateBarsWereWrittenBeforeTheStateWasSavedWritesNothingTwiceAndRebuildsTheLiveBook(boolean journalWritten) throws IOException {
        ManualClock clock = lagClock();
        Path state = dir.resolve("trading/paper.properties");
        Path journal = dir.resolve("trading/fills.csv");
        MapDbStore store = store();
        Outage eth = ethOutage(clock);
        PaperTrader live = lagTrader(clock, store, eth);
        pollThroughAnOutage(live, clock, eth, PaperTrader.STALE_INTERVALS + 14);
        java.util.Properties before = properties(state);
        String journalBefore = Files.readString(journal);
        // ETH is back when the next poll comes eight days later: its late bars, then both markets' new bars, a period closed by them.
        eth.down = false;
        clock.advance(DAY.multipliedBy(8));
        PaperTrader.PollResult back = live.poll(null);
        assertThat(back.fills()).as("ETH's late bars").isGreaterThan(PaperTrader.STALE_INTERVALS + 14);
        assertThat(back.periods()).isPositive();
        BookState truth = BookState.of(live);
        Written reported = written(store);
        java.util.Properties saved = properties(state);
        closeStore();

        // The crash: the poll's writes are done (the journal's, or not), the marks it moved are not saved.
        java.util.Properties crashed = marksAsBefore(saved, before);
        assertThat(crashed).isNotEqualTo(saved);
        writeProperties(state, crashed);
        if (!journalWritten) {
            Files.writeString(journal, journalBefore);
        }

        store = store();
        PaperTrader rebuilt = bothUp(clock, store);
        rebuilt.poll(null);
        assertThat(written(store)).isEqualTo(reported);
        assertThat(BookState.of(rebuilt)).isEqualTo(truth);
        assertThat(properties(state)).isEqualTo(saved);
        closeStore();
    }

    @Test
    void aCrashAfterTheLateBarsWereWrittenThenARestartWithThatFeedDownForMoreThanEightIntervalsReportsThemNoMoreWhenItIsBack() throws IOException {
        ManualClock clock = lagClock();
        Path state = dir.resolve("trading/paper.properties");
        MapDbStore store = store();
        Outage eth = ethOutage(clock);
        PaperTrader live = lagTrader(clock, store, eth);
        pollThroughAnOutage(live, clock, eth, PaperTrader.STALE_INTERVALS + 14);
        java.util.Properties before = properties(state);
        eth.down = false;
        clock.advance(DAY.multipliedBy(8));
        assertThat(live.poll(null).fills()).as("ETH's late bars").isGreaterThan(PaperTrader.STALE_INTERVALS + 14);
        Instant ethThrough = newestClosed(ETH_400, clock.instant());
        java.util.Properties saved = properties(state);
        int posted = store.pending("console", 10_000).size();
        closeStore();

        // The crash: everything written, the marks the poll moved not saved.
        java.util.Properties crashed = marksAsBefore(saved, before);
        writeProperties(state, crashed);

        // The restart finds ETH down for more than 8 intervals and goes on without it; then ETH is back.
        store = store();
        Outage down = ethDown(clock);
        PaperTrader rebuilt = lagTrader(clock, store, down);
        rebuilt.poll(null);
        clock.advance(DAY.multipliedBy(PaperTrader.STALE_INTERVALS + 1));
        rebuilt.poll(null);
        assertThat(rebuilt.problems()).anySatisfy(p -> assertThat(p).contains("market eth", "went on without them"));
        assertThat(properties(state).getProperty("reported-through.eth.ETH-USD")).as("ETH's bars the crashed run reported")
                .isEqualTo(ethThrough.toString());
        down.down = false;
        rebuilt.poll(null);
        List<String> ethFills = journal().stream().filter(l -> l.contains(",flip,ETH-USD,")).map(l -> l.substring(0, l.indexOf(','))).toList();
        assertThat(ethFills).as("each ETH bar's fill journaled once").doesNotHaveDuplicates();
        assertThat(store.pending("console", 10_000)).extracting(e -> e.post().id()).doesNotHaveDuplicates();
        assertThat(store.pending("console", 10_000).subList(posted, store.pending("console", 10_000).size()))
                .as("posted after the restart: only ETH bars after those the crashed run reported")
                .noneMatch(e -> e.post().title().contains("ETH-USD") && !e.post().time().isAfter(ethThrough));
        assertThat(written(store).returns()).doesNotHaveDuplicates();
        closeStore();
    }

    @Test
    void aCrashAfterTheLateGroupWasSavedBeforeAnythingWasWrittenThenARestartThatGivesUpReportsThoseBarsWhenTheyCome() throws IOException {
        ManualClock clock = lagClock();
        Path state = dir.resolve("trading/paper.properties");
        MapDbStore store = store();
        Outage eth = ethOutage(clock);
        PaperTrader live = lagTrader(clock, store, eth);
        Instant ethBefore = pollThroughAnOutage(live, clock, eth, PaperTrader.STALE_INTERVALS + 14);
        closeStore();
        Path saved = Files.createDirectories(dir.resolve("before-late-poll"));
        List<Path> files;
        try (var list = Files.list(dir)) {
            files = list.filter(f -> f.getFileName().toString().startsWith("flywheel.db")).toList();
        }
        for (Path f : files) {
            Files.copy(f, saved.resolve(f.getFileName()));
        }
        Files.copy(state, saved.resolve("paper.properties"));
        Files.copy(dir.resolve("trading/fills.csv"), saved.resolve("fills.csv"));

        store = store();
        live = lagTrader(clock, store, eth);
        live.poll(null);
        eth.down = false;
        clock.advance(DAY.multipliedBy(8));
        assertThat(live.poll(null).fills()).as("ETH's late bars").isGreaterThan(PaperTrader.STALE_INTERVALS + 14);
        Instant ethThrough = newestClosed(ETH_400, clock.instant());
        java.util.Properties withGroup = properties(state);
        closeStore();

        // The crash: the late group saved, then nothing of the poll written (store, journal and marks as before it).
        for (Path f : files) {
            Files.copy(saved.resolve(f.getFileName()), f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(saved.resolve("fills.csv"), dir.resolve("trading/fills.csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        java.util.Properties crashed = properties(saved.resolve("paper.properties"));
        withGroup.stringPropertyNames().stream().filter(k -> k.startsWith("late.")).forEach(k -> crashed.setProperty(k, withGroup.getProperty(k)));
        writeProperties(state, crashed);
        assertThat(journal()).noneMatch(ethFlipFill(ethBefore, ethThrough));

        // The restart finds ETH down for more than 8 intervals and goes on without it; then ETH is back.
        store = store();
        Outage down = ethDown(clock);
        PaperTrader rebuilt = lagTrader(clock, store, down);
        rebuilt.poll(null);
        clock.advance(DAY.multipliedBy(PaperTrader.STALE_INTERVALS + 1));
        rebuilt.poll(null);
        assertThat(rebuilt.problems()).anySatisfy(p -> assertThat(p).contains("market eth", "went on without them"));
        down.down = false;
        rebuilt.poll(null);
        List<String> ethFills = journal().stream().filter(l -> l.contains(",flip,ETH-USD,")).map(l -> l.substring(0, l.indexOf(','))).toList();
        assertThat(ethFills).as("each ETH bar's fill journaled once").doesNotHaveDuplicates();
        long lateBars = ETH_400.stream().filter(b -> within(b.time(), ethBefore, ethThrough)).count();
        assertThat(ethFills.stream().map(Instant::parse).filter(t -> within(t, ethBefore, ethThrough)).count())
                .as("the late bars no run wrote are journaled when they come, not dropped").isGreaterThanOrEqualTo(lateBars - 1);
        closeStore();
    }

    @Test
    void aRestartWithTheLateMarketDownWaitsForItsBarsAndThenRebuildsTheLiveBook() throws IOException {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader live = liveThroughAnOutage(clock, store);
        Ended truth = end(live);

        store = store();
        Outage down = ethDown(clock);
        PaperTrader rebuilt = lagTrader(clock, store, down);
        PaperTrader.PollResult waiting = rebuilt.poll(null);
        assertThat(waiting.fills()).isZero();
        assertThat(rebuilt.book().barCount()).as("BTC's bars wait for ETH's").isLessThan(truth.book().bars());
        assertThat(rebuilt.problems()).singleElement().asString().contains("market eth", "ETH-USD", "waits");
        clock.advance(Duration.ofHours(1));
        assertThat(rebuilt.poll(null).bars()).as("still down").isZero();

        down.down = false;
        PaperTrader.PollResult back = rebuilt.poll(null);
        assertReportsNothing(back);
        assertThat(rebuilt.problems()).isEmpty();
        assertSameBook(rebuilt, truth);
        closeStore();
    }

    @Test
    void aRestartAfterTheBookWentOnWithoutADownFeedRebuildsThatBookWithoutWaitingAndTradesTheFeedsBarsLateWhenItIsBack() throws IOException {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader live = liveThroughAnOutage(clock, store);
        Instant lastBefore = live.book().lastTime();
        closeStore();

        store = store();
        Outage down = ethDown(clock);
        PaperTrader without = lagTrader(clock, store, down);
        without.poll(null);
        clock.advance(DAY.multipliedBy(PaperTrader.STALE_INTERVALS + 1));
        assertThat(without.poll(null).fills()).as("went on without ETH").isPositive();
        clock.advance(DAY);
        without.poll(null);
        Ended withoutEth = end(without);

        // ETH still down: the book that went on without it, at once, and nothing to say
        store = store();
        PaperTrader third = lagTrader(clock, store, down);
        PaperTrader.PollResult replay = third.poll(null);
        assertThat(replay.fills()).isZero();
        assertThat(replay.periods()).isZero();
        assertThat(third.problems()).isEmpty();
        assertSameBook(third, withoutEth);

        // ETH is back: its bars are traded late, those after its mark before the first restart reported once
        down.down = false;
        PaperTrader.PollResult back = third.poll(null);
        Instant ethNow = newestClosed(ETH_400, clock.instant());
        long news = ETH_400.stream().filter(b -> within(b.time(), lastBefore, ethNow)).count();
        assertThat(news).isGreaterThan(PaperTrader.STALE_INTERVALS);
        assertThat(back.fills()).isEqualTo(news);
        assertThat(journal()).doesNotHaveDuplicates()
                .filteredOn(ethFlipFill(lastBefore, ethNow)).hasSize((int) news);
        Ended withEth = end(third);

        store = store();
        PaperTrader fourth = bothUp(clock, store);
        assertThat(fourth.poll(null).fills()).isZero();
        assertThat(fourth.problems()).isEmpty();
        assertSameBook(fourth, withEth);
        closeStore();
    }

    @Test
    void aRestartWithTheLateMarketDownForMoreThanEightIntervalsGoesOnWithoutItThenTradesItsBarsLateOnceAndARestartRebuildsThatBook() throws IOException {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader live = liveThroughAnOutage(clock, store);
        Instant lastBefore = live.book().lastTime();
        Written reported = written(store);
        closeStore();

        // ETH is still down: the book waits 8 of ETH's bar intervals (days) from the restart, then goes on without it.
        store = store();
        Outage down = ethDown(clock);
        PaperTrader rebuilt = lagTrader(clock, store, down);
        Instant restart = clock.instant();
        rebuilt.poll(null);
        for (int i = 0; i < PaperTrader.STALE_INTERVALS; i++) {
            clock.advance(DAY);
            assertThat(rebuilt.poll(null).bars()).as("day %d after the restart: waiting", i + 1).isZero();
        }
        assertThat(rebuilt.problems()).singleElement().asString().contains("market eth", "waits");
        assertThat(written(store)).isEqualTo(reported);
        clock.advance(DAY);
        PaperTrader.PollResult on = rebuilt.poll(null);
        assertThat(rebuilt.book().lastTime()).as("BTC's bars, replayed and new, traded without ETH's").isEqualTo(newestClosed(BTC_400, clock.instant()));
        assertThat(on.fills()).as("BTC's new bars").isPositive();
        List<String> problems = rebuilt.problems();
        assertThat(problems).singleElement().asString().contains("market eth", "ETH-USD", "since " + restart, "no longer matches what the run before journaled");
        Written without = written(store);
        assertThat(without.journal()).startsWith(reported.journal().toArray(String[]::new)).doesNotHaveDuplicates();
        assertThat(without.journal().subList(reported.journal().size(), without.journal().size())).as("only fills of bars after the restart")
                .isNotEmpty().allSatisfy(l -> assertThat(filledAt(l)).isAfter(lastBefore));
        assertThat(without.returns()).startsWith(reported.returns().toArray(FeedbackEvent[]::new)).doesNotHaveDuplicates();
        assertThat(without.weights()).startsWith(reported.weights().toArray(WeightSet[]::new)).doesNotHaveDuplicates();
        clock.advance(DAY);
        rebuilt.poll(null);
        assertThat(rebuilt.problems()).as("said once, kept for this run").isEqualTo(problems);

        // ETH is back: its bars are traded late, after BTC's; those after its mark before the restart are news, once.
        down.down = false;
        PaperTrader.PollResult back = rebuilt.poll(null);
        Instant ethNow = newestClosed(ETH_400, clock.instant());
        long news = ETH_400.stream().filter(b -> within(b.time(), lastBefore, ethNow)).count();
        assertThat(news).isGreaterThan(PaperTrader.STALE_INTERVALS);
        assertThat(back.signals()).isEqualTo(news);
        assertThat(back.fills()).isEqualTo(news);
        List<String> journal = journal();
        assertThat(journal).doesNotHaveDuplicates();
        assertThat(journal).filteredOn(l -> l.contains(",flip,ETH-USD,") && !filledAt(l).isAfter(lastBefore))
                .as("ETH's bars traded before the restart: not journaled again")
                .isEqualTo(reported.journal().stream().filter(l -> l.contains(",flip,ETH-USD,")).toList());
        assertThat(journal).filteredOn(ethFlipFill(lastBefore, ethNow))
                .hasSize((int) news);
        assertThat(rebuilt.poll(null).bars()).isZero();
        clock.advance(DAY);
        assertThat(rebuilt.poll(null).fills()).isPositive();
        Ended secondRun = end(rebuilt);

        // A restart with both up rebuilds this run's book: ETH's bars where it traded them, late.
        store = store();
        PaperTrader third = bothUp(clock, store);
        PaperTrader.PollResult replay = third.poll(null);
        assertReportsNothing(replay);
        assertThat(third.problems()).isEmpty();
        assertSameBook(third, secondRun);
        closeStore();
    }

    @Test
    void aBookRunOnceADayByCronGivesUpOnAFeedDownAtEachRunAfterEightIntervalsOfWallTime() throws IOException {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader live = liveThroughAnOutage(clock, store);
        Instant lastBefore = live.book().lastTime();
        closeStore();

        // `flywheel run --once` from cron: one process a day, ETH's feed down at every one of them.
        Instant restart = clock.instant();
        Path state = dir.resolve("trading/paper.properties");
        for (int day = 0; day <= PaperTrader.STALE_INTERVALS + 1; day++) {
            store = store();
            Outage down = ethDown(clock);
            PaperTrader once = lagTrader(clock, store, down);
            PaperTrader.PollResult r = once.poll(null);
            if (day <= PaperTrader.STALE_INTERVALS) {
                assertThat(r.bars()).as("run on day %d after the restart: waiting", day).isZero();
                assertThat(once.problems()).singleElement().asString().contains("market eth", "waits", "until " + restart.plus(DAY.multipliedBy(8)));
                assertThat(properties(state).getProperty("waiting-since.eth.ETH-USD")).isEqualTo(restart.toString());
            } else {
                assertThat(r.fills()).as("run on day %d: went on without ETH", day).isPositive();
                assertThat(once.book().lastTime()).isEqualTo(newestClosed(BTC_400, clock.instant()));
                assertThat(once.problems()).singleElement().asString().contains("market eth", "since " + restart, "went on without them");
                assertThat(properties(state)).doesNotContainKey("waiting-since.eth.ETH-USD").containsKey("gave-up.eth.ETH-USD");
            }
            closeStore();
            clock.advance(DAY);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {"late.1.after|yesterday", "late.1.eth.ETH-USD|2016-10-01T00:00:00Z",
            "late.one.after|2016-10-01T00:00:00Z BTC-USD", "interval.eth|daily", "interval.eth|PT0S", "gave-up.eth.ETH-USD|soon",
            "waiting-since.eth.ETH-USD|soon", "start|last tuesday", "reported-through|soon", "reported-through.eth.ETH-USD|2016-10-01",
            "first.btc|2016"})
    void aValueInTheStateFileThatCannotBeReadIsAnErrorNamingFileKeyAndValue(String key, String value) throws IOException {
        ManualClock clock = lagClock();
        java.util.Properties state = new java.util.Properties();
        state.setProperty("start", ETH_400.get(100).time().toString());
        state.setProperty(key, value);
        Files.createDirectories(dir.resolve("trading"));
        writeProperties(dir.resolve("trading/paper.properties"), state);
        MapDbStore store = store();
        PaperTrader trader = bothUp(clock, store);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> trader.poll(null))
                .hasMessageContaining(dir.resolve("trading/paper.properties").toString()).hasMessageContaining(key).hasMessageContaining("'" + value + "'");
        closeStore();
    }

    @Test
    void aRestartGivesUpOnASeldomPolledMarketOnlyAfterItsOwnFeedWasAskedAgainAfterTheWait() throws IOException {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader live = liveThroughAnOutage(clock, store);
        closeStore();

        // restart with ETH down; ETH is polled every 10 days (its `every`), BTC daily
        Map<String, Duration> every = Map.of("eth", Duration.ofDays(10), "btc", DAY);
        store = store();
        Outage down = ethDown(clock);
        PaperTrader rebuilt = lagTrader(clock, store, down, new ClosedBars(BTC_400, clock), flipAndHold(), every);
        assertThat(rebuilt.poll(null).bars()).isZero();
        for (int day = 1; day < 10; day++) {
            clock.advance(DAY);
            assertThat(rebuilt.poll("btc").bars()).as("day %d: ETH not asked again since the restart, still waited for", day).isZero();
        }
        assertThat(rebuilt.problems()).singleElement().asString().contains("market eth", "waits", "first poll of eth after that");
        clock.advance(DAY);
        down.down = false;
        assertThat(rebuilt.poll("eth").bars()).isPositive();
        rebuilt.poll("btc"); // BTC's bar of today, for the comparison below
        assertThat(rebuilt.problems()).isEmpty();
        Path state = dir.resolve("trading/paper.properties");
        assertThat(properties(state).stringPropertyNames()).as("rebuilt as the live book was: no late group of its own")
                .doesNotContain("late.2.after", "gave-up.eth.ETH-USD");
        BookState after = BookState.of(rebuilt);
        closeStore();

        // and what it traded then is what a restart with every feed up rebuilds
        store = store();
        PaperTrader again = lagTrader(clock, store, new ClosedBars(ETH_400, clock), new ClosedBars(BTC_400, clock), flipAndHold(), every);
        assertThat(again.poll(null).fills()).isZero();
        assertThat(BookState.of(again)).isEqualTo(after);
        closeStore();
    }

    @Test
    void aRestartGivesUpOnADownMarketAtItsFirstPollAfterTheWait() throws IOException {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader live = liveThroughAnOutage(clock, store);
        closeStore();

        Map<String, Duration> every = Map.of("eth", Duration.ofDays(10), "btc", DAY);
        store = store();
        Outage down = ethDown(clock);
        PaperTrader rebuilt = lagTrader(clock, store, down, new ClosedBars(BTC_400, clock), flipAndHold(), every);
        rebuilt.poll(null);
        for (int day = 1; day <= 10; day++) {
            clock.advance(DAY);
            rebuilt.poll("btc");
        }
        assertThat(rebuilt.poll("eth").fills()).as("ETH asked after the wait, still down: the book goes on without it").isPositive();
        assertThat(rebuilt.problems()).singleElement().asString().contains("market eth", "went on without them");
        assertThat(properties(dir.resolve("trading/paper.properties"))).containsKey("gave-up.eth.ETH-USD");
        closeStore();
    }

    @Test
    void aFeedErrorInTheProblemsHasItsSecretsMasked() {
        String key = "sk_live_paperfeed987";
        io.flywheel.engine.log.SecretMasker.register(key);
        ManualClock clock = lagClock();
        MapDbStore store = store();
        Outage btc = new Outage(new ClosedBars(BTC_400, clock));
        btc.failing = true;
        btc.error = "GET https://api.example.com/klines?symbol=BTCUSD&apikey=" + key + ": 401 Unauthorized";
        PaperTrader trader = lagTrader(clock, store, new ClosedBars(ETH_400, clock), btc);
        trader.poll(null);
        assertThat(trader.problems()).anySatisfy(p -> assertThat(p).contains("market btc", "apikey=****", "401")).noneMatch(p -> p.contains(key));
        assertThat(trader.snapshot().orElseThrow().problems()).noneMatch(p -> p.contains(key));
        closeStore();
    }

    @Test
    void aSeldomPolledMarketThatStopsHoldsTheOthersBackForEightIntervalsPlusItsEveryNotEightEverys() {
        List<Bar> ethStops = ETH_400.subList(0, 200); // the ETH feed's last bar is bar 199
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader trader = twoMarketBook(clock, ethStops, PaperBook.daily(null)).every(Map.of("eth", Duration.ofDays(30), "btc", DAY)).open(store, clock);
        trader.poll(null);
        Instant ethNext = ethStops.getLast().time().plus(DAY);
        Instant bound = ethNext.plus(DAY.multipliedBy(PaperTrader.STALE_INTERVALS)).plus(Duration.ofDays(30));
        for (int i = 0; clock.instant().isBefore(bound.plus(Duration.ofDays(2))); i++) {
            clock.advance(DAY);
            trader.poll("btc");
            if (i % 30 == 0) {
                trader.poll("eth");
            }
        }
        assertThat(trader.book().lastTime()).as("BTC flows again once ETH is 8 intervals + its every overdue").isEqualTo(newestClosed(BTC_400, clock.instant()));
        closeStore();
    }

    @Test
    void aFeedThatFailsAtRestartIsOneThatDeliversNothingTheBookWaitsForItAndThePollIsFailed() throws IOException {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader live = liveThroughAnOutage(clock, store);
        Ended truth = end(live);

        store = store();
        Outage btc = new Outage(new ClosedBars(BTC_400, clock));
        btc.failing = true;
        PaperTrader rebuilt = lagTrader(clock, store, new ClosedBars(ETH_400, clock), btc);
        PaperTrader.PollResult failed = rebuilt.poll(null);
        assertThat(failed.failedFeeds()).containsOnlyKeys("btc");
        assertThat(failed.failedFeeds().get("btc")).contains("market btc", "connection refused");
        assertThat(failed.fills()).isZero();
        assertThat(rebuilt.problems()).anySatisfy(p -> assertThat(p).contains("market btc", "connection refused"))
                .anySatisfy(p -> assertThat(p).contains("market btc", "BTC-USD", "waits"));

        btc.failing = false;
        assertThat(rebuilt.poll(null).fills()).isZero();
        assertThat(rebuilt.problems()).isEmpty();
        assertThat(BookState.of(rebuilt)).as("ETH's bars fetched while BTC failed are not lost").isEqualTo(truth.book());
        assertThat(written(store)).isEqualTo(truth.reported());
        closeStore();
    }

    @Test
    void aFeedThatFailsAtRestartForMoreThanEightIntervalsIsGivenUpOnEvenForAStrategyWithoutSymbol() throws IOException {
        List<PaperTrader.Spec> specs = List.of(new PaperTrader.Spec("flip", "eth", "ETH-USD", () -> h -> h.size() % 2 == 0 ? 1.0 : 0.0),
                new PaperTrader.Spec("hold-btc", "btc", null, () -> h -> 1.0));
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader live = lagTrader(clock, store, new ClosedBars(ETH_400, clock), new ClosedBars(BTC_400, clock), specs);
        live.poll(null);
        pollDaily(live, clock, 10);
        Instant lastBefore = live.book().lastTime();
        closeStore();

        // BTC's server cannot be reached from the restart on; ETH is polled daily
        store = store();
        Outage btc = new Outage(new ClosedBars(BTC_400, clock));
        btc.failing = true;
        PaperTrader rebuilt = lagTrader(clock, store, new ClosedBars(ETH_400, clock), btc, specs);
        assertThat(rebuilt.poll(null).failedFeeds()).containsOnlyKeys("btc");
        assertThat(rebuilt.book().symbols()).contains("BTC-USD");
        for (int i = 0; i < PaperTrader.STALE_INTERVALS; i++) {
            clock.advance(DAY);
            assertThat(rebuilt.poll("eth").bars()).as("day %d after the restart: waiting for BTC", i + 1).isZero();
        }
        clock.advance(DAY);
        assertThat(rebuilt.poll("eth").bars()).as("BTC not asked since the wait ended: still waited for").isZero();
        // BTC's own poll after the wait fails again: now the book goes on without it
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> rebuilt.poll("btc")).hasMessageContaining("connection refused");
        PaperTrader.PollResult on = rebuilt.poll("eth");
        assertThat(on.fills()).as("went on without BTC: ETH's new bars").isPositive();
        assertThat(rebuilt.book().lastTime()).isAfter(lastBefore);
        assertThat(rebuilt.problems()).anySatisfy(p -> assertThat(p).contains("market btc", "went on without them"))
                .anySatisfy(p -> assertThat(p).contains("market btc", "connection refused"));

        btc.failing = false;
        assertThat(rebuilt.poll("btc").bars()).as("BTC's bars, late").isGreaterThan(PaperTrader.STALE_INTERVALS);
        assertThat(rebuilt.problems()).noneSatisfy(p -> assertThat(p).contains("connection refused"));
        closeStore();
    }

    @Test
    void aRestartWithTheOtherMarketDownWaitsForItThenReportsTheLateBarsOnceAndNoPeriodTwice() throws IOException {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        Outage eth = ethOutage(clock);
        PaperTrader trader = lagTrader(clock, store, eth);
        Instant ethBefore = pollThroughAnOutage(trader, clock, eth, PaperTrader.STALE_INTERVALS + 14);
        Instant btcThrough = newestClosed(BTC_400, clock.instant());
        Written truth = written(store);
        assertThat(truth.returns()).as("periods BTC closed while ETH was down").anyMatch(e -> within(e.time(), ethBefore, btcThrough.minus(Duration.ofDays(7))));
        closeStore();

        // The process restarts with ETH back and BTC down: the book waits for the BTC bars it traded, ETH's late bars with them.
        store = store();
        Outage btc = new Outage(new ClosedBars(BTC_400, clock));
        btc.down = true;
        PaperTrader second = lagTrader(clock, store, new ClosedBars(ETH_400, clock), btc);
        PaperTrader.PollResult replay = second.poll(null);
        assertThat(replay.fills()).isZero();
        assertThat(replay.signals()).isZero();
        assertThat(second.problems()).singleElement().asString().contains("market btc", "BTC-USD", "nothing yet", "waits");

        // BTC is back: the book is the one before the restart, and ETH's late bars are traded after BTC's, reported once.
        btc.down = false;
        PaperTrader.PollResult back = second.poll(null);
        long late = ETH_400.stream().filter(b -> within(b.time(), ethBefore, btcThrough)).count();
        assertThat(back.signals()).as("ETH's late bars: news to the journal (not posted while catching up)").isEqualTo(late);
        assertThat(back.fills()).isEqualTo(late);
        assertThat(second.problems()).isEmpty();
        assertThat(journal()).filteredOn(ethFlipFill(ethBefore, btcThrough))
                .hasSize((int) late);
        assertThat(store.pending("console", 10_000)).noneMatch(e -> e.post().title().contains("ETH-USD") && within(e.post().time(), ethBefore, btcThrough));
        assertThat(back.periods()).as("periods reported before the restart").isZero();
        assertThat(written(store).returns()).isEqualTo(truth.returns());
        assertThat(written(store).weights()).isEqualTo(truth.weights());
        Ended live = end(second);

        // and a restart with both up rebuilds that book: the late bars where this run traded them
        store = store();
        PaperTrader third = bothUp(clock, store);
        assertRebuilds(third, live);
        closeStore();
    }

    @Test
    void aStateFileWithOneReportedThroughForAllSymbolsStillReportsNothingTwice() throws IOException {
        // A book saved before reported-through was kept per symbol: one instant for every symbol.
        TradingBook.Settings settings = PaperBook.weekly(ETH_400.get(100).time());
        ManualClock clock = new ManualClock(ETH_400.get(50).time().plus(Duration.ofHours(6)));
        MapDbStore store = store();
        PaperTrader first = twoMarketTrader(clock, store, ETH_400, settings);
        first.poll(null);
        for (int i = 50; i < 200; i++) {
            clock.advance(DAY);
            first.poll(null);
        }
        closeStore();
        Path state = dir.resolve("trading/paper.properties");
        java.util.Properties saved = properties(state);
        java.util.Properties old = new java.util.Properties();
        for (String key : List.of("start", "first.eth", "first.btc")) {
            old.setProperty(key, saved.getProperty(key));
        }
        old.setProperty("reported-through", first.book().lastTime().toString());
        writeProperties(state, old);
        Written before = written(store = store());

        PaperTrader second = twoMarketTrader(clock, store, ETH_400, settings);
        PaperTrader.PollResult replay = second.poll(null);
        assertReportsNothing(replay);
        assertThat(written(store)).isEqualTo(before);
        assertThat(Files.readString(state)).as("each symbol's own mark, from the book's")
                .contains("reported-through.eth.ETH-USD=" + old.getProperty("reported-through").replace(":", "\\:"), "reported-through.btc.BTC-USD=");
        for (int i = 200; i < 420; i++) {
            clock.advance(DAY);
            second.poll(null);
        }

        // Nothing twice, nothing missing: the journal is a backtest's fills over the same bars.
        BacktestResult backtest = twoMarketBacktest(settings);
        assertThat(journal()).isEqualTo(journalOf(backtest));
        assertThat(written(store).returns()).hasSize(backtest.periods().size() * 3);
        closeStore();
    }

    @Test
    void theFirstRunStartsTheBookNowAndHistoryOnlyWarmsUp() {
        ManualClock clock = new ManualClock(ETH.get(200).time().plus(Duration.ofHours(1)));
        MapDbStore store = store();
        PaperTrader trader = trader(clock, store, PaperBook.daily(null));

        PaperTrader.PollResult r = trader.poll(null);

        assertThat(r.bars()).isEqualTo(200);
        assertThat(r.fills()).isZero();
        assertThat(trader.start()).isEqualTo(clock.instant());
        assertThat(trader.book().equity()).isEqualTo(10_000);
        clock.advance(DAY);
        assertThat(trader.poll("eth").bars()).as("bar 200 opened before the start: warm-up").isEqualTo(1);
        clock.advance(DAY);
        assertThat(trader.poll("eth").signals()).as("bar 201 is the first to open after the start").isPositive();
        clock.advance(DAY);
        assertThat(trader.poll("eth").fills()).as("filled at bar 202's open").isPositive();
        closeStore();
    }

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Instant HOURLY_FROM = Instant.parse("2024-01-01T00:00:00Z");

    /**
     * Hourly bars of {@code days} days from {@link #HOURLY_FROM}: around the clock, or (a stock
     * exchange) only from 14:00 to 20:00 UTC, the market closed the rest of the day; each served
     * {@code delay} after it has closed by the clock.
     */
    private record Hourly(List<Bar> bars, Duration delay, ManualClock clock) implements MarketFeed {
        static Hourly of(String symbol, boolean closesDaily, int days, Duration delay, ManualClock clock) {
            List<Bar> bars = new java.util.ArrayList<>();
            double close = 100;
            for (int i = 0; i < days * 24; i++) {
                Instant t = HOURLY_FROM.plus(HOUR.multipliedBy(i));
                int hour = t.atZone(java.time.ZoneOffset.UTC).getHour();
                if (closesDaily && (hour < 14 || hour > 20)) {
                    continue;
                }
                double open = close;
                close = 100 + 10 * Math.sin(i / (closesDaily ? 5.0 : 9.0)) + i * 0.01;
                bars.add(new Bar(symbol, t, open, Math.max(open, close) * 1.001, Math.min(open, close) * 0.999, close, 1));
            }
            return new Hourly(List.copyOf(bars), delay, clock);
        }

        @Override
        public List<Bar> fetch(Instant since) {
            return bars.stream().filter(b -> !b.time().plus(HOUR).plus(delay).isAfter(clock.instant()))
                    .filter(b -> since == null || b.time().isAfter(since)).toList();
        }
    }

    private static List<PaperTrader.Spec> stockAndCrypto() {
        return List.of(new PaperTrader.Spec("swing-btc", "btc", "BTC-USD", () -> h -> h.size() % 5 < 2 ? 1.0 : 0.0),
                new PaperTrader.Spec("flip-spy", "nyse", "SPY", () -> h -> h.size() % 3 == 0 ? 1.0 : 0.0));
    }

    /** BTC around the clock, served at once; SPY 14:00 to 20:00, served 3 hours late, so each day's first SPY bar comes after later BTC bars. */
    private PaperTrader stockAndCryptoTrader(ManualClock clock, MapDbStore store, Duration rebalance) {
        return PaperBook.of(dir, stockAndCrypto(), PaperBook.settings(rebalance, null)).feed("btc", Hourly.of("BTC-USD", false, 80, Duration.ZERO, clock))
                .feed("nyse", Hourly.of("SPY", true, 80, Duration.ofHours(3), clock)).open(store, clock);
    }

    /** Polls both markets every hour for {@code days} days; returns the most late-group keys the state file held after a poll. */
    private int pollHourly(PaperTrader trader, ManualClock clock, int days) throws IOException {
        int most = 0;
        for (int i = 0; i < days * 24; i++) {
            clock.advance(HOUR);
            trader.poll(null);
            most = Math.max(most, (int) properties(dir.resolve("trading/paper.properties")).stringPropertyNames().stream()
                    .filter(k -> k.startsWith("late.")).count());
        }
        return most;
    }

    @Test
    void lateGroupsOfADailyClosingMarketBesideA24x7OneArePrunedSoTheStateStaysBoundedAndARestartRebuildsTheSameBook() throws IOException {
        ManualClock clock = new ManualClock(HOURLY_FROM.plus(DAY.multipliedBy(10)));
        MapDbStore store = store();
        PaperTrader live = stockAndCryptoTrader(clock, store, DAY);
        live.poll(null);
        pollHourly(live, clock, 10);
        int keysAfter10Days = properties(dir.resolve("trading/paper.properties")).size();
        int mostLateKeys = pollHourly(live, clock, 50);
        java.util.Properties state = properties(dir.resolve("trading/paper.properties"));
        assertThat(mostLateKeys).as("late groups are dropped once no restart needs them: at most one at a time").isLessThanOrEqualTo(2);
        assertThat(state.size()).as("the state file after 60 trading days is no bigger than after 10").isLessThanOrEqualTo(keysAfter10Days);
        Ended truth = end(live);

        store = store();
        PaperTrader rebuilt = stockAndCryptoTrader(clock, store, DAY);
        PaperTrader.PollResult replay = rebuilt.poll(null);
        assertThat(replay.fills()).isZero();
        assertThat(replay.signals()).isZero();
        assertThat(BookState.of(rebuilt)).as("the book the live run had, its late bars replayed in time order").isEqualTo(truth.book());
        assertThat(written(store)).isEqualTo(truth.reported());
        closeStore();
    }

    @Test
    void lateGroupsThatSkippedAPeriodBoundaryAreKeptAndARestartRebuildsTheSameBook() throws IOException {
        ManualClock clock = new ManualClock(HOURLY_FROM.plus(DAY.multipliedBy(10)));
        MapDbStore store = store();
        // rebalanced every hour: each day's first SPY bar, traded after BTC's bars of later hours, skipped a period boundary
        PaperTrader live = stockAndCryptoTrader(clock, store, HOUR);
        live.poll(null);
        pollHourly(live, clock, 10);
        java.util.Properties state = properties(dir.resolve("trading/paper.properties"));
        assertThat(state.stringPropertyNames()).filteredOn(k -> k.startsWith("late.") && k.endsWith(".after")).hasSizeGreaterThanOrEqualTo(9);
        Ended truth = end(live);

        store = store();
        PaperTrader rebuilt = stockAndCryptoTrader(clock, store, HOUR);
        assertRebuilds(rebuilt, truth);
        closeStore();
    }

    @Test
    void aLateGroupWithBarsFromBeforeTheBooksStartIsKeptAndARestartRebuildsTheSameBook() throws IOException {
        // The book trades from 12:00 of day one; SPY's feed is down at the first start and comes back at 14:00 with its
        // bars from midnight: traded late, those before 12:00 are traded (the book is trading), in time order they would only warm up.
        Instant tradeFrom = HOURLY_FROM.plus(Duration.ofHours(12));
        ManualClock clock = new ManualClock(HOURLY_FROM.plus(Duration.ofHours(14)));
        MapDbStore store = store();
        Outage spy = new Outage(Hourly.of("SPY", false, 3, Duration.ZERO, clock));
        spy.down = true;
        PaperTrader live = beforeStartTrader(clock, store, spy, tradeFrom);
        live.poll(null);
        spy.down = false;
        live.poll(null);
        for (int i = 0; i < 3; i++) {
            clock.advance(HOUR);
            live.poll(null);
        }
        assertThat(properties(dir.resolve("trading/paper.properties"))).as("all in the period of the bar it followed, but before the start")
                .containsKeys("late.1.after", "late.1.nyse.SPY");
        Ended truth = end(live);

        store = store();
        assertRebuilds(beforeStartTrader(clock, store, spy, tradeFrom), truth);
        closeStore();
    }

    @Test
    void aLateGroupWhoseSymbolHasBarsInAnOlderGroupPlacedAfterItIsKeptAndARestartRebuildsTheSameBook() throws IOException {
        // SPY's feed is down at the first start (14:00), then serves its bars through 05:00 (a group after BTC's 13:00 bar,
        // kept: it has bars before the 03:00 start), then the rest (a second group, after BTC's 14:00 bar, all in the
        // period and after the start): replayed in time order, the second group's bars would come before the first's.
        Instant tradeFrom = HOURLY_FROM.plus(Duration.ofHours(3));
        ManualClock clock = new ManualClock(HOURLY_FROM.plus(Duration.ofHours(14)));
        MapDbStore store = store();
        Outage spy = new Outage(Hourly.of("SPY", false, 3, Duration.ZERO, clock));
        spy.down = true;
        PaperTrader live = beforeStartTrader(clock, store, spy, tradeFrom);
        live.poll(null);
        spy.down = false;
        spy.through = HOURLY_FROM.plus(Duration.ofHours(5));
        live.poll(null);
        clock.advance(HOUR);
        live.poll(null);
        clock.advance(HOUR);
        spy.through = null;
        live.poll(null);
        clock.advance(HOUR);
        live.poll(null);
        assertThat(properties(dir.resolve("trading/paper.properties"))).containsKeys("late.1.nyse.SPY", "late.2.nyse.SPY");
        Ended truth = end(live);

        store = store();
        assertRebuilds(beforeStartTrader(clock, store, spy, tradeFrom), truth);
        closeStore();
    }

    @Test
    void aRestartGivingUpOnASymbolCutsItsLateGroupThereSoItsBarsTradedAgainOverlapNoGroupAndARestartRebuildsTheSameBook() throws IOException {
        // SPY's feed is down at the first start (14:00), then serves its bars through 10:00 only: a group after BTC's 13:00
        // bar, kept (bars before the 03:00 start). A restart finds SPY's feed reaching only 05:00 and goes on without it at
        // 23:00; then SPY serves the rest: 06:00 to 21:00 are a second group, after BTC's 22:00 bar (SPY's 22:00 bar follows
        // it in time order), all in the period and after the start. The first group is cut at 05:00 when the restart gives up
        // (this book never traded SPY's 06:00 to 10:00 in it); before it was, the two groups overlapped, kept only by the
        // overlap condition (dropped, a replay put the first group over 06:00 to 10:00 again). Now the second group is kept
        // for the first, placed after BTC's 13:00 bar, holding SPY bars before its first.
        Instant tradeFrom = HOURLY_FROM.plus(Duration.ofHours(3));
        ManualClock clock = new ManualClock(HOURLY_FROM.plus(Duration.ofHours(14)));
        Outage spy = new Outage(Hourly.of("SPY", false, 3, Duration.ZERO, clock));
        spy.down = true;
        PaperTrader first = beforeStartTrader(clock, store(), spy, tradeFrom);
        first.poll(null);
        spy.down = false;
        spy.through = HOURLY_FROM.plus(Duration.ofHours(10));
        first.poll(null);
        closeStore();
        assertThat(properties(dir.resolve("trading/paper.properties"))).containsEntry("late.1.nyse.SPY", "2024-01-01T00:00:00Z 2024-01-01T10:00:00Z");

        MapDbStore store = store();
        spy.through = HOURLY_FROM.plus(Duration.ofHours(5));
        PaperTrader live = beforeStartTrader(clock, store, spy, tradeFrom);
        live.poll(null);
        for (int i = 0; i < 9; i++) {
            clock.advance(HOUR);
            live.poll(null);
        }
        assertThat(live.problems()).anyMatch(p -> p.contains("went on without them"));
        spy.through = null;
        live.poll(null);
        assertThat(properties(dir.resolve("trading/paper.properties"))).as("the first cut where the restart gave up; both kept")
                .containsEntry("late.1.nyse.SPY", "2024-01-01T00:00:00Z 2024-01-01T05:00:00Z")
                .containsEntry("late.2.nyse.SPY", "2024-01-01T06:00:00Z 2024-01-01T21:00:00Z");
        BookState truth = BookState.of(live);
        Written reported = written(store);
        closeStore();

        store = store();
        assertRebuilds(beforeStartTrader(clock, store, spy, tradeFrom), new Ended(truth, reported));
        closeStore();
    }

    @Test
    void aLateGroupWithARangeOfARemovedStrategysSymbolIsKeptSoAddingItBackRebuildsTheSameBook() throws IOException {
        // SPY (whose bars begin at the 03:00 start) and ETH (from midnight) are down at the first start and come back
        // together: one group, kept for ETH's bars before the start. ETH's strategy removed, the group's only range
        // in the book is SPY's, which alone could go; ETH's must stay to replay its bars where they were traded once it is back.
        Instant tradeFrom = HOURLY_FROM.plus(Duration.ofHours(3));
        ManualClock clock = new ManualClock(HOURLY_FROM.plus(Duration.ofHours(14)));
        MapDbStore store = store();
        Hourly spyBars = Hourly.of("SPY", false, 3, Duration.ZERO, clock);
        Outage spy = new Outage(since -> spyBars.fetch(since).stream().filter(b -> !b.time().isBefore(tradeFrom)).toList());
        Outage eth = new Outage(Hourly.of("ETH-USD", false, 3, Duration.ZERO, clock));
        spy.down = eth.down = true;
        PaperTrader live = threeMarketTrader(clock, store, spy, eth, tradeFrom, true);
        live.poll(null);
        spy.down = eth.down = false;
        live.poll(null);
        clock.advance(HOUR);
        live.poll(null);
        assertThat(properties(dir.resolve("trading/paper.properties"))).containsKeys("late.1.nyse.SPY", "late.1.eth.ETH-USD");
        Ended truth = end(live);

        store = store();
        threeMarketTrader(clock, store, spy, eth, tradeFrom, false).poll(null);
        closeStore();
        assertThat(properties(dir.resolve("trading/paper.properties"))).as("ETH's strategy removed").containsKeys("late.1.nyse.SPY", "late.1.eth.ETH-USD");

        store = store();
        assertRebuilds(threeMarketTrader(clock, store, spy, eth, tradeFrom, true), truth);
        closeStore();
    }

    private PaperTrader threeMarketTrader(ManualClock clock, MapDbStore store, MarketFeed spy, MarketFeed eth, Instant tradeFrom, boolean withEth) {
        List<PaperTrader.Spec> specs = new java.util.ArrayList<>(holdBtcAndSpy());
        if (withEth) {
            specs.add(new PaperTrader.Spec("hold-eth", "eth", "ETH-USD", () -> h -> 1.0));
        }
        return beforeStartBook(clock, spy, tradeFrom, specs).feed("eth", eth).open(store, clock);
    }

    private PaperTrader beforeStartTrader(ManualClock clock, MapDbStore store, MarketFeed spy, Instant tradeFrom) {
        return beforeStartBook(clock, spy, tradeFrom, holdBtcAndSpy()).open(store, clock);
    }

    private static List<PaperTrader.Spec> holdBtcAndSpy() {
        return List.of(new PaperTrader.Spec("hold-btc", "btc", "BTC-USD", () -> h -> 1.0), new PaperTrader.Spec("hold-spy", "nyse", "SPY", () -> h -> 1.0));
    }

    /** Three days of BTC's hourly bars, then {@code spy} as market {@code nyse}; rebalanced daily, trading from {@code tradeFrom}. */
    private PaperBook beforeStartBook(ManualClock clock, MarketFeed spy, Instant tradeFrom, List<PaperTrader.Spec> specs) {
        return PaperBook.of(dir, specs, PaperBook.daily(tradeFrom)).feed("btc", Hourly.of("BTC-USD", false, 3, Duration.ZERO, clock)).feed("nyse", spy);
    }

    @Test
    void theKeysOfAMarketNoLongerConfiguredAreDroppedThoseOfARemovedStrategysSymbolKept() throws IOException {
        ManualClock clock = lagClock();
        MapDbStore store = store();
        PaperTrader live = tenQuietDays(clock);
        closeStore();
        Path state = dir.resolve("trading/paper.properties");
        java.util.Properties p = properties(state);
        assertThat(p).containsKeys("first.btc", "interval.btc", "reported-through.btc.BTC-USD");
        // a strategy on SOL-USD of market eth removed from config.yml, and a wait for SOL of a removed market
        p.setProperty("reported-through.eth.SOL-USD", ETH_400.get(140).time().toString());
        p.setProperty("waiting-since.sol.SOL-USD", ETH_400.get(140).time().toString());
        writeProperties(state, p);

        // market btc removed from config.yml
        store = store();
        PaperBook ethOnly = PaperBook.of(dir, List.of(flipAndHold().getFirst()), PaperBook.weekly(null)).feed("eth", new ClosedBars(ETH_400, clock));
        assertThat(ethOnly.open(store, clock).poll(null).fills()).isZero();
        closeStore();
        assertThat(properties(state).stringPropertyNames()).noneMatch(k -> k.contains("btc") || k.contains(".sol."))
                .contains("first.eth", "interval.eth", "reported-through.eth.ETH-USD", "reported-through.eth.SOL-USD");

        // put back: a market new to the book, its history not reported again
        store = store();
        Written before = written(store);
        PaperTrader again = bothUp(clock, store);
        assertThat(again.poll(null).fills()).isZero();
        assertThat(properties(state)).containsKeys("first.btc", "reported-through.btc.BTC-USD");
        assertThat(written(store)).isEqualTo(before);
        closeStore();
    }

    /** The process dying: thrown by a fake's failure hook, nothing after it runs. */
    private static final class Killed extends Error {
        Killed() {
            super("killed");
        }
    }

    /** The real store, and a failure hook: once armed, the process is killed right after a write has committed. */
    private static final class KilledAfterWrite implements io.flywheel.engine.store.LeadStore {
        private final MapDbStore store;
        boolean armed;

        KilledAfterWrite(MapDbStore store) {
            this.store = store;
        }

        @Override
        public List<io.flywheel.api.lead.Lead> write(io.flywheel.engine.store.WriteBatch batch) {
            List<io.flywheel.api.lead.Lead> stored = store.write(batch);
            if (armed) {
                throw new Killed();
            }
            return stored;
        }

        @Override public boolean contains(String key) { return store.contains(key); }
        @Override public java.util.Optional<io.flywheel.api.lead.Lead> get(String key) { return store.get(key); }
        @Override public java.util.Optional<io.flywheel.engine.store.DuplicateLink> duplicateOf(String key) { return store.duplicateOf(key); }
        @Override public List<io.flywheel.engine.store.DuplicateLink> duplicatesOf(String key) { return store.duplicatesOf(key); }
        @Override public List<io.flywheel.api.lead.Lead> query(io.flywheel.engine.store.LeadQuery query) { return store.query(query); }
        @Override public long size() { return store.size(); }
        @Override public int prune(Instant cutoff) { return store.prune(cutoff); }
        /** How many times an outbox queue was read. */
        int pendingReads;

        @Override public List<OutboxEntry> pending(String outputId, int limit) {
            pendingReads++;
            return store.pending(outputId, limit);
        }
        @Override public long pendingCount(String outputId) { return store.pendingCount(outputId); }
        @Override public void delivered(String outputId, String messageRef, List<io.flywheel.api.output.Delivery> deliveries, List<io.flywheel.api.output.Partial> partials) {
            store.delivered(outputId, messageRef, deliveries, partials);
        }
        @Override public java.util.Optional<String> partial(String outputId, String postId) { return store.partial(outputId, postId); }
        @Override public java.util.Optional<String> messageRef(String outputId, String postId) { return store.messageRef(outputId, postId); }
        @Override public List<io.flywheel.api.feedback.PostShown> postsShown(String outputId, String messageRef) { return store.postsShown(outputId, messageRef); }
        @Override public void close() { store.close(); }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "delivered before the restart: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aSignalOnTheLastLateBarACrashLeftPostedIsNotPostedAgainWhenARestartGaveUpOnItsFeedAndItsBarsCome(boolean delivered) throws IOException {
        Instant from = ETH_400.get(150).time().plus(Duration.ofHours(6));
        // the crashed poll comes 10 + 22 + 8 days after the start; its newest ETH bar is the only one ETH's strategy enters on
        Instant last = newestClosed(ETH_400, from.plus(DAY.multipliedBy(10 + PaperTrader.STALE_INTERVALS + 14 + 8)));
        List<PaperTrader.Spec> specs = List.of(new PaperTrader.Spec("once", "eth", "ETH-USD", () -> h -> h.current().time().equals(last) ? 1.0 : 0.0),
                new PaperTrader.Spec("hold-btc", "btc", "BTC-USD", () -> h -> 1.0));
        ManualClock clock = new ManualClock(from);
        MapDbStore store = store();
        KilledAfterWrite killing = new KilledAfterWrite(store);
        Outage eth = ethOutage(clock);
        PaperTrader live = lagTrader(clock, killing, eth, new ClosedBars(BTC_400, clock), specs);
        pollThroughAnOutage(live, clock, eth, PaperTrader.STALE_INTERVALS + 14);
        eth.down = false;
        clock.advance(DAY.multipliedBy(8));
        killing.armed = true;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> live.poll(null)).isInstanceOf(Killed.class);
        // the crash: the poll's posts and returns committed, its journal lines and marks not written
        String entry = SignalPosts.signal(new Signal(last, "once", "ETH-USD", Signal.Kind.ENTRY, 0, 1, 1, 1, null)).id();
        assertThat(store.pending("console", 10_000)).extracting(e -> e.post().id()).containsOnlyOnce(entry);
        if (delivered) {
            store.delivered("console", store.pending("console", 10_000).stream().map(e -> new io.flywheel.api.output.Delivery(e.post().id(), "msg-" + e.post().id()))
                    .toList());
        }
        closeStore();

        // The restart finds ETH down for more than 8 intervals and goes on without it; then ETH is back and its bars are traded late.
        store = store();
        Outage down = ethDown(clock);
        KilledAfterWrite counting = new KilledAfterWrite(store);
        PaperTrader rebuilt = lagTrader(clock, counting, down, new ClosedBars(BTC_400, clock), specs);
        rebuilt.poll(null);
        clock.advance(DAY.multipliedBy(PaperTrader.STALE_INTERVALS + 1));
        rebuilt.poll(null);
        assertThat(rebuilt.problems()).anySatisfy(p -> assertThat(p).contains("market eth", "went on without them"));
        down.down = false;
        down.through = last;
        assertThat(rebuilt.poll(null).signals()).as("ETH's entry, traded late").isPositive();
        down.through = null;
        assertThat(rebuilt.poll(null).signals()).as("ETH's exit, traded late").isPositive();
        assertThat(counting.pendingReads).as("the outbox queue read once, not at every poll with a signal from before the start").isEqualTo(1);
        List<String> ids = store.pending("console", 10_000).stream().map(e -> e.post().id()).toList();
        String exit = SignalPosts.signal(new Signal(last.plus(DAY), "once", "ETH-USD", Signal.Kind.EXIT, 1, 0, 1, 1, null)).id();
        assertThat(ids).as("the exit, news").containsOnlyOnce(exit);
        if (delivered) {
            assertThat(ids).as("the entry, delivered before the crash").doesNotContain(entry);
        } else {
            assertThat(ids).as("the entry, queued before the crash").containsOnlyOnce(entry);
        }
        assertThat(journal()).filteredOn(l -> l.contains(",once,ETH-USD,")).hasSize(2).doesNotHaveDuplicates();
        closeStore();
    }

    /**
     * A crash after a poll that traded ETH's bars late leaves their group saved and ETH's mark before it. The restart
     * finds ETH down, goes on without it, then ETH comes back only through a bar inside that group's range: the live
     * book traded ETH through that bar, never the group's later ones. A second restart must rebuild that book.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "ETH delivered at the first restart: {0}; its state file saved uncut, as before groups were cut: {1}")
    @org.junit.jupiter.params.provider.CsvSource({"false,false", "true,false", "false,true", "true,true"})
    void aLateGroupACrashLeftUnmarkedIsCutWhereARestartGaveUpOnItsSymbolSoALaterRestartRebuildsTheSameBook(boolean someAtRestart, boolean savedUncut)
            throws IOException {
        ManualClock clock = new ManualClock(ETH_400.get(150).time().plus(Duration.ofHours(6)));
        MapDbStore store = store();
        KilledAfterWrite killing = new KilledAfterWrite(store);
        Outage eth = ethOutage(clock);
        PaperTrader crashed = lagTrader(clock, killing, eth, new ClosedBars(BTC_400, clock), flipAndHold());
        pollThroughAnOutage(crashed, clock, eth, PaperTrader.STALE_INTERVALS + 14);
        eth.down = false;
        clock.advance(DAY.multipliedBy(8));
        killing.armed = true;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> crashed.poll(null)).isInstanceOf(Killed.class);
        closeStore();
        java.util.Properties saved = properties(dir.resolve("trading/paper.properties"));
        String group = saved.stringPropertyNames().stream().filter(k -> k.startsWith("late.") && k.endsWith(".eth.ETH-USD")).findFirst().orElseThrow();
        String[] range = saved.getProperty(group).split(" ");
        Instant first = Instant.parse(range[0]);
        Instant last = Instant.parse(range[1]);
        assertThat(Instant.parse(saved.getProperty("reported-through.eth.ETH-USD"))).as("the group saved, its marks not").isBefore(first);
        Instant atRestart = first.plus(DAY.multipliedBy(2));
        Instant partly = first.plus(DAY.multipliedBy(5));
        assertThat(partly).isBefore(last);

        // the restart waits for ETH, goes on without it, then ETH comes back only through a bar inside the group's range
        store = store();
        Outage restartFeed = ethOutage(clock);
        restartFeed.through = someAtRestart ? atRestart : null;
        restartFeed.down = !someAtRestart;
        PaperTrader restarted = lagTrader(clock, store, restartFeed);
        restarted.poll(null);
        clock.advance(DAY.multipliedBy(PaperTrader.STALE_INTERVALS + 1));
        restarted.poll(null);
        assertThat(restarted.problems()).anySatisfy(p -> assertThat(p).contains("market eth", "went on without them"));
        if (savedUncut) {
            // the process ends with the group as a version that did not cut it left it; the next one goes on
            closeStore();
            Path stateFile = dir.resolve("trading/paper.properties");
            java.util.Properties uncut = properties(stateFile);
            String seq = group.substring(0, group.indexOf(".eth."));
            saved.stringPropertyNames().stream().filter(k -> k.startsWith(seq + ".")).forEach(k -> uncut.setProperty(k, saved.getProperty(k)));
            writeProperties(stateFile, uncut);
            store = store();
            restarted = lagTrader(clock, store, restartFeed);
            restarted.poll(null);
        }
        restartFeed.down = false;
        restartFeed.through = partly;
        restarted.poll(null);
        Ended truth = end(restarted);

        store = store();
        Outage same = ethOutage(clock);
        same.through = partly;
        assertRebuilds(lagTrader(clock, store, same), truth);
        closeStore();
    }
}
