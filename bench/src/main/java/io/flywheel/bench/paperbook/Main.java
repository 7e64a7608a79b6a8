package io.flywheel.bench.paperbook;

import io.flywheel.api.PluginContext;
import io.flywheel.api.market.Bar;
import io.flywheel.api.market.MarketFeed;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.trading.BacktestResult;
import io.flywheel.engine.trading.Backtester;
import io.flywheel.engine.trading.BookListener;
import io.flywheel.engine.trading.HedgeRule;
import io.flywheel.engine.trading.PaperBroker;
import io.flywheel.engine.trading.PaperTrader;
import io.flywheel.engine.trading.TradingBook;
import io.flywheel.plugins.strategies.BuyAndHoldFactory;
import io.flywheel.plugins.strategies.SmaCrossoverFactory;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.PriceFixtures;
import io.flywheel.testkit.TestPluginContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The paper book's catch-up: what {@link PaperTrader#poll} costs at a first start (a new book whose
 * {@code trading.start} is its feed's first bar, so the whole history is traded and reported: fills to
 * the journal, period returns and weights to a real MapDB store) and at a restart (the same book
 * rebuilt from the same bars, its state file and store found on disk, nothing reported again), at
 * several history lengths; and, in the same run, the same strategies over the same bars without the
 * paper book: a {@link Backtester} run (the trading benchmark's path) and the bare {@link TradingBook}.
 *
 * <p>The bars are the real Coinbase BTC-USD 4-hour history (20,695 bars, 2016-2025) played forward,
 * then backward, and so on (as {@code bench/run trading}), served by an in-memory feed. The book runs
 * the plugin's {@code sma-crossover} 20/50 and {@code buy-and-hold} on BTC-USD, weights by the Java
 * Hedge rule, rebalanced daily. Each measure is the fastest of its runs; every run checks that the
 * first start, the restart, the backtest and the bare book end with the same equity and that the book holds every bar.
 */
public final class Main {
    private static final Backtester.Costs COSTS = new Backtester.Costs(10, 5);
    private static final Duration BAR = Duration.ofHours(4);
    private static final SmaCrossoverFactory.Config SMA = new SmaCrossoverFactory.Config(20, 50, null, null);

    static volatile double blackhole;

    private Main() {}

    /** The feed's whole history, in memory: what a CSV or klines feed hands the catch-up, without its parsing or network. */
    private record Feed(List<Bar> bars) implements MarketFeed {
        @Override
        public List<Bar> fetch(Instant since) {
            if (since == null) {
                return bars;
            }
            int lo = 0;
            int hi = bars.size();
            while (lo < hi) { // the first bar after since
                int mid = (lo + hi) >>> 1;
                if (bars.get(mid).time().isAfter(since)) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return bars.subList(lo, bars.size());
        }
    }

    /** One first start and one restart of a paper book over {@code bars}, in a fresh folder. */
    private record Cycle(long firstNs, long restartNs, PaperTrader.PollResult first, PaperTrader.PollResult restart, double equity, long journalLines) {}

    public static void main(String[] args) throws IOException {
        boolean quick = Arrays.asList(args).contains("--quick");
        // Every catch-up logs the book's equity at INFO; warnings (a problem with the book) still show.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(PaperTrader.class)).setLevel(ch.qos.logback.classic.Level.WARN);
        int[] sizes = quick ? new int[] {10_000, 100_000} : new int[] {10_000, 100_000, 500_000};
        int runs = 3;
        int largest = sizes[sizes.length - 1];
        List<Bar> all = Collections.unmodifiableList(io.flywheel.bench.trading.Main.chained(PriceFixtures.btc4h(), largest));
        PluginContext ctx = new TestPluginContext("bench", Clock.systemUTC(), null, null, null, null);
        List<PaperTrader.Spec> specs = List.of(
                new PaperTrader.Spec("sma", "btc", "BTC-USD", () -> new SmaCrossoverFactory().create(SMA, ctx)),
                new PaperTrader.Spec("hold", "btc", "BTC-USD", () -> new BuyAndHoldFactory().create(new BuyAndHoldFactory.Config(null), ctx)));
        List<Backtester.Entry> entries = specs.stream().map(s -> new Backtester.Entry(s.id(), s.symbol(), s.strategy())).toList();

        // warm-up: every path a few times on the smallest size
        for (int i = 0; i < 3; i++) {
            List<Bar> slice = all.subList(0, sizes[0]);
            backtest(slice, entries);
            bareBook(slice, specs);
            cycle(slice, specs);
            startingNow(slice, specs);
        }

        Map<Integer, long[]> first = new LinkedHashMap<>();
        Map<Integer, long[]> restart = new LinkedHashMap<>();
        Map<Integer, long[]> reference = new LinkedHashMap<>();
        Map<Integer, long[]> bare = new LinkedHashMap<>();
        Map<Integer, long[]> now = new LinkedHashMap<>();
        Map<Integer, Cycle> last = new LinkedHashMap<>();
        for (int n : sizes) {
            List<Bar> bars = all.subList(0, n);
            long[] f = new long[runs];
            long[] r = new long[runs];
            long[] ref = new long[runs];
            long[] b = new long[runs];
            long[] w = new long[runs];
            for (int k = 0; k < runs; k++) {
                long t0 = System.nanoTime();
                BacktestResult bt = backtest(bars, entries);
                ref[k] = System.nanoTime() - t0;
                double btEquity = bt.equity()[bt.equity().length - 1];

                t0 = System.nanoTime();
                double bareEquity = bareBook(bars, specs);
                b[k] = System.nanoTime() - t0;

                Cycle c = cycle(bars, specs);
                f[k] = c.firstNs();
                r[k] = c.restartNs();
                if (c.equity() != btEquity || bareEquity != btEquity) {
                    throw new IllegalStateException(String.format(Locale.ROOT,
                            "%d bars: the paper book ended at equity %s, the backtest at %s, the bare book at %s; they must be the same book", n,
                            c.equity(), btEquity, bareEquity));
                }
                last.put(n, c);
                w[k] = startingNow(bars, specs);
            }
            first.put(n, f);
            restart.put(n, r);
            reference.put(n, ref);
            bare.put(n, b);
            now.put(n, w);
            System.err.printf(Locale.ROOT, "  %,d bars done%n", n);
        }

        double load = loadAverage();
        System.out.printf(Locale.ROOT, "Paper book catch-up (PaperTrader.poll at start), real MapDB store in a temp folder, in-memory feed of%n"
                + "four-hour BTC-USD bars (real 2016-2025, played forward and backward); sma-crossover 20/50 + buy-and-hold, daily Hedge%n"
                + "rebalance, trading.start = the first bar (but (*)). Fastest of %d runs per measure. Load average at the end: %.2f%n%n", runs, load);
        System.out.printf(Locale.ROOT, "%-46s %10s %14s %12s %14s%n", "path", "bars", "bars/s", "ms", "ns per bar");
        for (int n : sizes) {
            row("paper book, first start (reports everything)", n, fastest(first.get(n)));
            row("paper book, restart (rebuilds, reports nothing)", n, fastest(restart.get(n)));
            row("paper book, first start, no trading.start (*)", n, fastest(now.get(n)));
            row("reference: Backtester.run, same strategies", n, fastest(reference.get(n)));
            row("reference: bare TradingBook, same strategies", n, fastest(bare.get(n)));
        }
        System.out.println();
        System.out.println("(*) a new book that starts now: the history only warms the strategies up (no fills, nothing reported)");
        for (int n : sizes) {
            Cycle c = last.get(n);
            System.out.printf(Locale.ROOT, "%,d bars: first start fed %,d bars, %,d fills journaled, %,d periods reported (%,d journal lines); restart fed %,d, %d fills, %d periods%n",
                    n, c.first().bars(), c.first().fills(), c.first().periods(), c.journalLines(), c.restart().bars(), c.restart().fills(), c.restart().periods());
        }
        int small = sizes[0];
        double growthFirst = perBar(first, largest) / perBar(first, small);
        double growthRestart = perBar(restart, largest) / perBar(restart, small);
        double growthReference = perBar(reference, largest) / perBar(reference, small);
        System.out.printf(Locale.ROOT, "%nper-bar cost at %,d bars / at %,d bars (1.0 = linear): first start %.2f, restart %.2f, backtest %.2f%n",
                largest, small, growthFirst, growthRestart, growthReference);
        for (int n : sizes) {
            System.out.printf(Locale.ROOT, "%,d bars: restart / first start %.2f; first start / backtest %.2f; restart / backtest %.2f; restart / bare book %.2f%n", n,
                    ratio(restart, first, n), ratio(first, reference, n), ratio(restart, reference, n), ratio(restart, bare, n));
        }

        System.out.printf(Locale.ROOT, "RESULT {\"sizes\": %s, \"first_bars_per_s\": %s, \"restart_bars_per_s\": %s, \"first_ms\": %s, \"restart_ms\": %s, "
                        + "\"backtest_bars_per_s\": %s, \"bare_book_bars_per_s\": %s, \"restart_vs_first\": %s, \"first_vs_backtest\": %s, \"restart_vs_backtest\": %s, "
                        + "\"first_no_start_bars_per_s\": %s, \"growth_first\": %.2f, \"growth_restart\": %.2f, \"growth_backtest\": %.2f, \"growth_sizes\": [%d, %d], \"load_average\": %.2f}%n",
                Arrays.toString(sizes), bySize(sizes, n -> String.format(Locale.ROOT, "%.0f", rate(first, n))),
                bySize(sizes, n -> String.format(Locale.ROOT, "%.0f", rate(restart, n))),
                bySize(sizes, n -> String.format(Locale.ROOT, "%.1f", fastest(first.get(n)) / 1e6)),
                bySize(sizes, n -> String.format(Locale.ROOT, "%.1f", fastest(restart.get(n)) / 1e6)),
                bySize(sizes, n -> String.format(Locale.ROOT, "%.0f", rate(reference, n))),
                bySize(sizes, n -> String.format(Locale.ROOT, "%.0f", rate(bare, n))),
                bySize(sizes, n -> String.format(Locale.ROOT, "%.2f", ratio(restart, first, n))),
                bySize(sizes, n -> String.format(Locale.ROOT, "%.2f", ratio(first, reference, n))),
                bySize(sizes, n -> String.format(Locale.ROOT, "%.2f", ratio(restart, reference, n))),
                bySize(sizes, n -> String.format(Locale.ROOT, "%.0f", rate(now, n))),
                growthFirst, growthRestart, growthReference, small, largest, load);
    }

    /** A first start, then (store closed and opened again, a new PaperTrader on the same folder: a process restart) a restart; only the polls are timed. */
    private static Cycle cycle(List<Bar> bars, List<PaperTrader.Spec> specs) throws IOException {
        Path dir = Files.createTempDirectory("flywheel-paperbook");
        try {
            ManualClock clock = new ManualClock(bars.getLast().time().plus(BAR));
            TradingBook.Settings settings = new TradingBook.Settings(10_000, Duration.ofDays(1), 0.02, bars.getFirst().time());
            PaperTrader.Setup setup = new PaperTrader.Setup(specs, Map.of("btc", new Feed(bars)), settings, COSTS, new HedgeRule(10), () -> "java:hedge",
                    List.of("console"), dir.resolve("trading"));
            long firstNs;
            PaperTrader.PollResult firstResult;
            double firstEquity;
            try (MapDbStore store = MapDbStore.open(dir.resolve("flywheel.db"))) {
                PaperTrader trader = new PaperTrader(setup, store, store, store, clock);
                long t0 = System.nanoTime();
                firstResult = trader.poll(null);
                firstNs = System.nanoTime() - t0;
                check(trader, bars.size(), "first start");
                firstEquity = trader.book().equity();
            }
            long restartNs;
            PaperTrader.PollResult restartResult;
            try (MapDbStore store = MapDbStore.open(dir.resolve("flywheel.db"))) {
                PaperTrader trader = new PaperTrader(setup, store, store, store, clock);
                long t0 = System.nanoTime();
                restartResult = trader.poll(null);
                restartNs = System.nanoTime() - t0;
                check(trader, bars.size(), "restart");
                if (trader.book().equity() != firstEquity) {
                    throw new IllegalStateException(bars.size() + " bars: the restart rebuilt a book at equity " + trader.book().equity()
                            + ", the first start had " + firstEquity);
                }
                if (restartResult.fills() != 0 || restartResult.periods() != 0) {
                    throw new IllegalStateException(bars.size() + " bars: the restart reported " + restartResult.fills() + " fills and "
                            + restartResult.periods() + " periods again");
                }
            }
            long lines;
            try (Stream<String> s = Files.lines(dir.resolve("trading/fills.csv"))) {
                lines = s.count();
            }
            return new Cycle(firstNs, restartNs, firstResult, restartResult, firstEquity, lines);
        } finally {
            deleteAll(dir);
        }
    }

    /**
     * A first start of a book without {@code trading.start}: it starts now, after every bar, so the
     * catch-up only warms the strategies up. Returns the poll's time.
     */
    private static long startingNow(List<Bar> bars, List<PaperTrader.Spec> specs) throws IOException {
        Path dir = Files.createTempDirectory("flywheel-paperbook");
        try (MapDbStore store = MapDbStore.open(dir.resolve("flywheel.db"))) {
            ManualClock clock = new ManualClock(bars.getLast().time().plus(BAR));
            TradingBook.Settings settings = new TradingBook.Settings(10_000, Duration.ofDays(1), 0.02, null);
            PaperTrader trader = new PaperTrader(new PaperTrader.Setup(specs, Map.of("btc", new Feed(bars)), settings, COSTS, new HedgeRule(10),
                    () -> "java:hedge", List.of("console"), dir.resolve("trading")), store, store, store, clock);
            long t0 = System.nanoTime();
            PaperTrader.PollResult r = trader.poll(null);
            long ns = System.nanoTime() - t0;
            check(trader, bars.size(), "first start without trading.start");
            if (r.fills() != 0 || r.periods() != 0) {
                throw new IllegalStateException(bars.size() + " bars: a book starting now reported " + r.fills() + " fills and " + r.periods() + " periods");
            }
            return ns;
        } finally {
            deleteAll(dir);
        }
    }

    private static void check(PaperTrader trader, int n, String run) {
        if (trader.book().barCount() != n) {
            throw new IllegalStateException(n + " bars: the " + run + " book holds " + trader.book().barCount() + " bars");
        }
        if (!trader.problems().isEmpty()) {
            throw new IllegalStateException(n + " bars: the " + run + " has problems: " + trader.problems());
        }
    }

    private static BacktestResult backtest(List<Bar> bars, List<Backtester.Entry> entries) {
        TradingBook.Settings settings = new TradingBook.Settings(10_000, Duration.ofDays(1), 0.02, bars.getFirst().time());
        return new Backtester(COSTS).run("reference", bars, entries, settings, null, new HedgeRule(10), Map.of(), Backtester.Progress.NONE);
    }

    /** The same book fed the same bars with no listener: what the catch-up costs at least. Returns its equity. */
    private static double bareBook(List<Bar> bars, List<PaperTrader.Spec> specs) {
        TradingBook.Settings settings = new TradingBook.Settings(10_000, Duration.ofDays(1), 0.02, bars.getFirst().time());
        List<TradingBook.Slot> slots = specs.stream().map(s -> new TradingBook.Slot(s.id(), s.symbol(), s.strategy().get())).toList();
        TradingBook book = new TradingBook(slots, settings, new PaperBroker(COSTS.feeBps(), COSTS.slippageBps()), new HedgeRule(10), Map.of(), BookListener.NONE);
        for (Bar b : bars) {
            book.onBar(b);
        }
        blackhole = book.equity();
        return book.equity();
    }

    private static void row(String path, int n, long ns) {
        System.out.printf(Locale.ROOT, "%-46s %,10d %,14.0f %,12.1f %,14.0f%n", path, n, n / (ns / 1e9), ns / 1e6, (double) ns / n);
    }

    private static double rate(Map<Integer, long[]> m, int n) {
        return n / (fastest(m.get(n)) / 1e9);
    }

    private static double perBar(Map<Integer, long[]> m, int n) {
        return (double) fastest(m.get(n)) / n;
    }

    /** Time of {@code a} over time of {@code b} at {@code n} bars. */
    private static double ratio(Map<Integer, long[]> a, Map<Integer, long[]> b, int n) {
        return (double) fastest(a.get(n)) / fastest(b.get(n));
    }

    private static String bySize(int[] sizes, Function<Integer, String> value) {
        return Arrays.stream(sizes).boxed().map(n -> "\"" + n + "\": " + value.apply(n)).collect(Collectors.joining(", ", "{", "}"));
    }

    /** The fastest run: on a shared machine the others measure the neighbours too. */
    private static long fastest(long[] v) {
        return Arrays.stream(v).min().orElseThrow();
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        }
    }

    private static void deleteAll(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the benchmark folder " + dir, e);
        }
    }
}
