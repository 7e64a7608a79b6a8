package io.flywheel.engine.trading;

import io.flywheel.api.market.Bar;
import io.flywheel.api.market.MarketFeed;
import io.flywheel.api.output.Post;
import io.flywheel.api.strategy.Strategy;
import io.flywheel.api.trading.Fill;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.FeedbackLog;
import io.flywheel.engine.feedback.WeightHistory;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.rules.StrategyWeightRule;
import io.flywheel.engine.store.LeadStore;
import io.flywheel.engine.store.OutboxEntry;
import io.flywheel.engine.store.WriteBatch;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live paper run: polls the market feeds, feeds new bars to a {@link TradingBook}, and writes
 * what happened: fills to a journal ({@code fills.csv}), each period's per-strategy return to the
 * feedback log, new weights to the weight history, and signals as posts for the outputs.
 *
 * <p>State is the bars themselves. The first poll fetches each feed's whole history (after a
 * restart: from the first bar the book replayed) and replays it through a fresh book, so
 * strategies are warmed up and a restarted process rebuilds exactly the book it had (a feed that
 * no longer reaches back that far is reported in {@link #problems()}); bars before {@code start}
 * only warm up. A small state file remembers when the paper book started, each market's first
 * bar and, per symbol, the last bar already reported, so a replay reports nothing twice and a
 * symbol whose feed comes back after an outage has its late bars (older than other symbols' bars
 * already traded) reported once; what a crash left written after that (before the state was
 * saved) is found in the feedback log, the weight history and the journal and not written again.
 * Signals found while catching up are journaled and logged but not posted: outputs get news, not history.
 * Because it is the same book a backtest drives, a backtest over the same bars gives the same fills.
 */
public final class PaperTrader {
    private static final Logger log = LoggerFactory.getLogger(PaperTrader.class);

    /**
     * @param symbol the symbol to trade, or {@code null} when the market has only one
     */
    public record Spec(String id, String marketId, String symbol, Supplier<Strategy> strategy) {}

    /**
     * @param settings capital, rebalance, min weight; its {@code tradeFrom} is the configured start or {@code null}
     * @param ruleId names the weight rule in force, for the weight history (the script's hash)
     * @param signalOutputs the outputs that receive signal posts
     * @param dir where the state file and the fills journal live
     */
    public record Setup(List<Spec> specs, Map<String, MarketFeed> feeds, TradingBook.Settings settings, Backtester.Costs costs, StrategyWeightRule rule,
            Supplier<String> ruleId, List<String> signalOutputs, Path dir) {}

    private final Setup setup;
    private final LeadStore store;
    private final FeedbackLog feedback;
    private final WeightHistory weightHistory;
    private final Clock clock;
    private final Path stateFile;
    private final Path journal;
    private final Properties state = new Properties();
    /** Per market, per symbol: the time of its last bar fetched. */
    private final Map<String, Map<String, Instant>> lastBar = new LinkedHashMap<>();
    private TradingBook book;
    /**
     * The newest bar reported of any symbol. A period is the book's, not a symbol's, and closes
     * once, at the first bar after its end; one that ends after this has not been reported.
     */
    private Instant watermark;
    /**
     * Per symbol of the book, its last bar whose fills and signals were reported; none: nothing
     * yet. Kept per symbol because a feed that was down delivers bars older than other symbols'.
     */
    private final Map<String, Instant> reportedThrough = new LinkedHashMap<>();
    /** Per symbol of the book, its market: how its reported-through is named in the state file. */
    private final Map<String, String> marketOf = new LinkedHashMap<>();
    private Instant start;
    /**
     * What a crash after a poll's writes but before its {@code reported-through} was saved left
     * written (the feedback log, the weight history and the journal are separate writes): the
     * catch-up replay skips it. The last period end with returns logged, the last with weights, and
     * the journal's lines after their symbol's {@code reported-through}.
     */
    private Instant returnsThrough;
    private Instant weightsThrough;
    private final Set<String> journaled = new java.util.HashSet<>();
    private boolean tornJournal;
    private final Collector collector = new Collector();

    public PaperTrader(Setup setup, LeadStore store, FeedbackLog feedback, WeightHistory weightHistory, Clock clock) {
        this.setup = setup;
        this.store = store;
        this.feedback = feedback;
        this.weightHistory = weightHistory;
        this.clock = clock;
        this.stateFile = setup.dir().resolve("paper.properties");
        this.journal = setup.dir().resolve("fills.csv");
    }

    /** What one poll did. */
    public record PollResult(int bars, int fills, int signals, int periods) {}

    /**
     * Fetches new bars from the market feeds ({@code marketId}, or all when {@code null}) and trades
     * them. The first call catches up on every feed's whole history.
     */
    public synchronized PollResult poll(String marketId) {
        if (book == null) {
            return catchUp();
        }
        for (var e : setup.feeds().entrySet()) {
            if (marketId == null || marketId.equals(e.getKey())) {
                Map<String, Instant> last = Map.copyOf(lastBar.getOrDefault(e.getKey(), Map.of()));
                hold(e.getKey(), fetch(e.getKey(), () -> e.getValue().fetch(last, earliest(e.getKey()))));
            }
        }
        return trade(release());
    }

    /** A bar fetched but not traded yet, with the position of its market among the feeds (ties in time go in that order). */
    private record Held(Bar bar, int market) {}

    /** How many of its bar intervals a market may be late before the others stop waiting for it. */
    static final int STALE_INTERVALS = 8;

    /**
     * Where to fetch a market's symbols that have no bar yet from: its symbol whose last bar is the
     * oldest. Each symbol with a bar is fetched from its own last bar (the symbols of one feed may
     * arrive at different times, one CSV file written later than another, or one stop trading); a
     * feed that can only fetch from one instant starts from the oldest, and what the others repeat
     * is dropped in {@link #fetch}.
     */
    private Instant earliest(String marketId) {
        Instant min = null;
        for (Instant t : lastBar.getOrDefault(marketId, Map.of()).values()) {
            min = min == null || t.isBefore(min) ? t : min;
        }
        return min;
    }

    /** Fetched bars waiting until no market (or symbol of one) can still deliver an earlier one. */
    private final List<Held> held = new ArrayList<>();
    /** Per market, the shortest time between two of its bars seen: its bar interval. */
    private final Map<String, java.time.Duration> interval = new LinkedHashMap<>();

    private void hold(String marketId, List<Bar> bars) {
        int market = new ArrayList<>(setup.feeds().keySet()).indexOf(marketId);
        bars.forEach(b -> held.add(new Held(b, market)));
    }

    /**
     * The held bars that can be traded now, in time order across markets. Markets are polled one at
     * a time, so a bar of one market may arrive after later bars of another (and one symbol of a
     * market after later bars of another symbol); the book must see them in time order, as a
     * backtest does. A bar is released once every symbol has delivered a bar at least as late, or
     * is known not to have one before it: a symbol whose last bar began at {@code t} has no bar
     * before {@code t} + its market's interval. A symbol whose next bar is overdue by more than
     * {@link #STALE_INTERVALS} of those intervals (a feed that stopped) holds nothing back; a
     * market polled less often than its bars come is not overdue that soon.
     */
    private List<Bar> release() {
        Instant now = clock.instant();
        Instant frontier = null;
        for (String m : setup.feeds().keySet()) {
            // a market (or symbol) that has delivered nothing yet has nothing to wait for
            java.time.Duration d = interval.getOrDefault(m, java.time.Duration.ofMinutes(1));
            for (Instant last : lastBar.getOrDefault(m, Map.of()).values()) {
                Instant next = last.plus(d);
                if (next.plus(d.multipliedBy(STALE_INTERVALS)).isBefore(now)) {
                    continue;
                }
                frontier = frontier == null || next.isBefore(frontier) ? next : frontier;
            }
        }
        List<Held> ready = new ArrayList<>();
        for (var it = held.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (frontier == null || h.bar().time().isBefore(frontier)) {
                ready.add(h);
                it.remove();
            }
        }
        ready.sort(Comparator.comparing((Held h) -> h.bar().time()).thenComparingInt(Held::market));
        List<Bar> out = new ArrayList<>(ready.size());
        ready.forEach(h -> out.add(h.bar()));
        return out;
    }

    private PollResult catchUp() {
        long began = System.nanoTime();
        // A catch-up that a feed failed is tried again whole: what the markets before it fetched
        // would otherwise count as fetched and be dropped, and the book rebuilt without their bars.
        lastBar.clear();
        interval.clear();
        loadState();
        Map<String, List<Bar>> byMarket = new LinkedHashMap<>();
        for (var e : setup.feeds().entrySet()) {
            // A restart fetches from the first bar the book replayed, not "all there is": a feed
            // that serves only its recent bars when asked for everything (klines' history) would
            // otherwise rebuild a book that starts late, with fresh capital and no warm-up.
            String first = state.getProperty("first." + e.getKey());
            Instant since = first == null ? null : Instant.parse(first).minusMillis(1);
            byMarket.put(e.getKey(), fetch(e.getKey(), () -> e.getValue().fetch(since)));
        }
        boolean firstRecorded = checkReach(byMarket);
        List<TradingBook.Slot> slots = new ArrayList<>();
        Map<String, String> symbolOwner = new LinkedHashMap<>();
        for (Spec s : setup.specs()) {
            String symbol = Markets.symbolFor(s.id(), s.marketId(), s.symbol(), byMarket.get(s.marketId()));
            String owner = symbolOwner.putIfAbsent(symbol, s.marketId());
            if (owner != null && !owner.equals(s.marketId())) {
                throw new IllegalStateException("markets " + owner + " and " + s.marketId() + " both deliver " + symbol
                        + "; one paper book cannot tell their bars apart");
            }
            slots.add(new TradingBook.Slot(s.id(), symbol, s.strategy().get()));
        }
        marketOf.putAll(symbolOwner);
        boolean marked = loadReportedThrough();
        if (start != null) {
            findWrittenAfterWatermark();
        }
        if (start == null) {
            start = setup.settings().tradeFrom() != null ? setup.settings().tradeFrom() : clock.instant();
            state.setProperty("start", start.toString());
            saveState();
        } else if (firstRecorded || marked) {
            saveState();
        }
        TradingBook.Settings s = setup.settings();
        book = new TradingBook(slots, new TradingBook.Settings(s.capital(), s.rebalance(), s.minWeight(), start),
                new PaperBroker(setup.costs().feeBps(), setup.costs().slippageBps()), setup.rule(), Map.of(), collector);
        byMarket.forEach(this::hold);
        collector.posting = false;
        PollResult r;
        try {
            r = trade(release());
        } finally {
            collector.posting = true;
            journaled.clear();
        }
        log.debug("Caught up on {} bar(s) in {} ms", r.bars(), (System.nanoTime() - began) / 1_000_000);
        log.info("Paper book since {}: equity {} ({}), {} strateg{} on {}, weights {}", start, String.format(Locale.ROOT, "%.2f", book.equity()),
                BacktestReport.pct(book.equity() / s.capital() - 1), slots.size(), slots.size() == 1 ? "y" : "ies", book.symbols(), rounded(book.weights()));
        return r;
    }

    /**
     * Per market, records the first bar of a new book (or of a market new to it), and finds the
     * markets whose feed no longer reaches back that far (or, for a book from before this was
     * recorded, to its start): the rebuilt book then trades them from later, without the bars
     * that came before, unlike the run before the restart and a backtest. Says so in the log and
     * in {@link #problems()}. Returns whether a first bar was recorded.
     */
    private boolean checkReach(Map<String, List<Bar>> byMarket) {
        boolean recorded = false;
        problems.clear();
        for (var e : byMarket.entrySet()) {
            Instant earliest = e.getValue().stream().map(Bar::time).min(Comparator.naturalOrder()).orElse(null);
            if (earliest == null) {
                continue;
            }
            String key = "first." + e.getKey();
            Instant first = state.getProperty(key) == null ? null : Instant.parse(state.getProperty(key));
            Instant wanted = first != null ? first : start != null ? start : setup.settings().tradeFrom();
            if (wanted != null && earliest.isAfter(wanted)) {
                String from = first != null ? "the paper book first replayed it from " + first : "the paper book starts " + wanted;
                String problem = "market " + e.getKey() + ": its feed reaches back only to " + earliest + ", but " + from + "; the book is rebuilt"
                        + " without the bars before " + earliest + " (it trades this market only from then on, without warm-up), so it differs"
                        + " from a backtest over the book's span and from the run before a restart";
                problems.add(problem);
                log.warn("Paper book: {}", problem);
            }
            if (first == null) {
                state.setProperty(key, earliest.toString());
                recorded = true;
            }
        }
        return recorded;
    }

    private final List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Why the book rebuilt at the last start differs from the one before it, for status; empty when it does not. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    private static Map<String, String> rounded(Map<String, Double> weights) {
        Map<String, String> out = new LinkedHashMap<>();
        weights.forEach((k, v) -> out.put(k, String.format(Locale.ROOT, "%.2f", v)));
        return out;
    }

    /** A call of one of a feed's {@code fetch} methods. */
    private interface Fetch {
        List<Bar> bars() throws Exception;
    }

    /** The bars {@code fetch} returns for {@code marketId}, without those of a symbol already fetched. */
    private List<Bar> fetch(String marketId, Fetch fetch) {
        try {
            List<Bar> bars = fetch.bars();
            Map<String, Instant> last = lastBar.computeIfAbsent(marketId, k -> new LinkedHashMap<>());
            List<Bar> fresh = new ArrayList<>(bars.size());
            for (Bar b : bars) {
                Instant previous = last.get(b.symbol());
                if (previous != null && !b.time().isAfter(previous)) {
                    continue; // fetched before: another symbol of this market asked for earlier bars
                }
                if (previous != null) {
                    java.time.Duration d = java.time.Duration.between(previous, b.time());
                    interval.merge(marketId, d, (a, c) -> a.compareTo(c) <= 0 ? a : c);
                }
                last.put(b.symbol(), b.time());
                fresh.add(b);
            }
            return fresh;
        } catch (Exception e) {
            throw new IllegalStateException("market " + marketId + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
    }

    private PollResult trade(List<Bar> bars) {
        bars.sort(Comparator.comparing(Bar::time));
        collector.reset();
        int fed = 0;
        Map<String, Instant> traded = new LinkedHashMap<>();
        for (Bar bar : bars) {
            if (book.lastTime() != null && !bar.time().isAfter(lastFor(bar.symbol()))) {
                continue;
            }
            Instant mark = reportedThrough.get(bar.symbol());
            collector.reporting = mark == null || bar.time().isAfter(mark);
            book.onBar(bar);
            lastSeen.put(bar.symbol(), bar.time());
            if (marketOf.containsKey(bar.symbol())) {
                traded.put(bar.symbol(), bar.time());
            }
            fed++;
        }
        flush();
        boolean moved = false;
        for (var e : traded.entrySet()) {
            Instant mark = reportedThrough.get(e.getKey());
            if (mark == null || e.getValue().isAfter(mark)) {
                reportedThrough.put(e.getKey(), e.getValue());
                state.setProperty(reportedThroughKey(e.getKey()), e.getValue().toString());
                moved = true;
            }
            if (watermark == null || e.getValue().isAfter(watermark)) {
                watermark = e.getValue();
                state.setProperty("reported-through", watermark.toString());
            }
        }
        if (moved) {
            saveState();
        }
        return new PollResult(fed, collector.fillCount, collector.signalCount, collector.periodCount);
    }

    private String reportedThroughKey(String symbol) {
        return "reported-through." + marketOf.get(symbol) + "." + symbol;
    }

    /**
     * Each symbol's reported-through from the state file. A symbol without one takes the book's
     * ({@code reported-through}): a state file from before they were kept per symbol, or a
     * strategy on a symbol new to the book, whose replayed history is not news. Returns whether
     * one was taken, to be saved.
     */
    private boolean loadReportedThrough() {
        boolean taken = false;
        for (String symbol : marketOf.keySet()) {
            String key = reportedThroughKey(symbol);
            String own = state.getProperty(key);
            if (own != null) {
                reportedThrough.put(symbol, Instant.parse(own));
            } else if (watermark != null) {
                reportedThrough.put(symbol, watermark);
                state.setProperty(key, watermark.toString());
                taken = true;
            }
        }
        return taken;
    }

    private final Map<String, Instant> lastSeen = new LinkedHashMap<>();

    private Instant lastFor(String symbol) {
        return lastSeen.getOrDefault(symbol, Instant.MIN);
    }

    /** See {@link #returnsThrough}; the book continues from {@link #start}. */
    private void findWrittenAfterWatermark() {
        // Periods end in order, and one closed by a bar after the watermark ends after the
        // watermark's own period began; so one period back is far enough to look.
        Instant from = watermark != null ? watermark.minus(setup.settings().rebalance()) : start.minus(setup.settings().rebalance());
        List<FeedbackEvent> returns = feedback.events(from, Instant.MAX, Set.of(FeedbackEvent.Type.TRADE_RETURN));
        returnsThrough = returns.isEmpty() ? null : returns.getLast().time();
        weightsThrough = weightHistory.latest(WeightSet.Kind.STRATEGY).map(WeightSet::time).filter(t -> t.isAfter(from)).orElse(null);
        if (Files.exists(journal)) {
            try {
                String text = Files.readString(journal, StandardCharsets.UTF_8);
                List<String> lines = text.lines().toList();
                for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                    Instant time = fillTime(line);
                    // a symbol no longer in the book: the book's mark, as before marks were per symbol
                    Instant mark = time == null ? null : reportedThrough.getOrDefault(fillSymbol(line), watermark);
                    if (time != null && (mark == null || time.isAfter(mark))) {
                        journaled.add(line.strip());
                    }
                }
                tornJournal = !text.isEmpty() && !text.endsWith("\n");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the fills journal " + journal, e);
            }
        }
        if (after(returnsThrough, watermark) || after(weightsThrough, watermark) || !journaled.isEmpty()) {
            log.info("The last run stopped while writing; not writing again: period returns through {}, weights through {}, {} fill(s)",
                    returnsThrough, weightsThrough, journaled.size());
        }
    }

    private static boolean after(Instant t, Instant watermark) {
        return t != null && (watermark == null || t.isAfter(watermark));
    }

    /** The symbol column of a journal line ({@link BacktestReport#FILLS_HEADER}), or {@code null}. */
    private static String fillSymbol(String line) {
        String[] f = line.split(",", 4);
        return f.length < 4 ? null : f[2];
    }

    private static Instant fillTime(String line) {
        int comma = line.indexOf(',');
        try {
            return comma < 0 ? null : Instant.parse(line.substring(0, comma));
        } catch (java.time.format.DateTimeParseException e) {
            return null; // a line cut short by a crash
        }
    }

    private void flush() {
        if (!collector.posts.isEmpty() || !collector.events.isEmpty()) {
            store.write(new WriteBatch(List.of(), collector.posts, collector.events));
        }
        weightHistory.appendAll(collector.weights);
        if (!collector.fills.isEmpty()) {
            try {
                Files.createDirectories(journal.getParent());
                boolean fresh = !Files.exists(journal);
                try (Writer w = Files.newBufferedWriter(journal, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                    if (fresh) {
                        w.write(BacktestReport.FILLS_HEADER);
                    } else if (tornJournal) {
                        w.write(System.lineSeparator()); // end the line a crash cut short
                        tornJournal = false;
                    }
                    for (Fill f : collector.fills) {
                        w.write(BacktestReport.fill(f));
                    }
                }
            } catch (IOException e) {
                log.error("Cannot append to the fills journal {}: {}", journal, e.toString());
            }
        }
    }

    /** Turns the book's events into what is written; drops those of bars already reported before a restart. */
    private final class Collector implements BookListener {
        /** Whether the bar being traded is after its symbol's reported-through: its fills and signals are news. */
        boolean reporting;
        /** Off while catching up on history: stale signals are journaled and logged, not posted. */
        boolean posting = true;
        final List<OutboxEntry> posts = new ArrayList<>();
        final List<FeedbackEvent> events = new ArrayList<>();
        final List<WeightSet> weights = new ArrayList<>();
        final List<Fill> fills = new ArrayList<>();
        int fillCount;
        int signalCount;
        int periodCount;

        void reset() {
            posts.clear();
            events.clear();
            weights.clear();
            fills.clear();
            fillCount = signalCount = periodCount = 0;
        }

        @Override
        public void filled(Fill fill) {
            if (reporting && (journaled.isEmpty() || !journaled.remove(BacktestReport.fill(fill).strip()))) {
                fills.add(fill);
                fillCount++;
            }
        }

        @Override
        public void signal(Signal signal) {
            if (!reporting) {
                return;
            }
            signalCount++;
            if (posting) {
                Post post = SignalPosts.signal(signal);
                setup.signalOutputs().forEach(o -> posts.add(new OutboxEntry(o, post)));
            }
            if (signal.kind() == Signal.Kind.FAILED) {
                log.error("Strategy {} stopped trading {}: {}", signal.strategyId(), signal.symbol(), signal.note());
            }
        }

        private String guardNote() {
            String note = setup.rule().lastNote();
            return note == null || note.isBlank() ? "" : "; " + note;
        }

        @Override
        public void periodClosed(PeriodReport p) {
            // Not the closing bar's own mark: a replay may close a period at another symbol's bar
            // than the run before it did (one whose feed was late then, or is down now).
            if (watermark != null && !p.end().isAfter(watermark)) {
                return;
            }
            periodCount++;
            if (returnsThrough == null || p.end().isAfter(returnsThrough)) {
                for (var e : p.returns().entrySet()) {
                    events.add(new FeedbackEvent(p.end(), FeedbackEvent.Type.TRADE_RETURN, e.getKey(), e.getKey(), null, List.of(), null, e.getValue(),
                            p.weightsBefore(), String.format(Locale.ROOT, "period %s .. %s, equity %.2f", p.start(), p.end(), p.equity().get(e.getKey()))));
                }
            }
            if (weightsThrough == null || p.end().isAfter(weightsThrough)) {
                weights.add(new WeightSet(p.end(), WeightSet.Kind.STRATEGY, p.weightsAfter(), setup.ruleId().get(),
                        (p.ruleError() == null ? "period returns" : "kept: " + p.ruleError()) + guardNote()));
            }
            Post post = posting ? SignalPosts.weights(p) : null;
            if (post != null) {
                setup.signalOutputs().forEach(o -> posts.add(new OutboxEntry(o, post)));
            }
            if (p.ruleError() != null) {
                log.warn("Strategy weight rule failed; weights kept: {}", p.ruleError());
            }
        }
    }

    private void loadState() {
        if (Files.exists(stateFile)) {
            try (Reader r = Files.newBufferedReader(stateFile, StandardCharsets.UTF_8)) {
                state.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the paper book state " + stateFile, e);
            }
        }
        String s = state.getProperty("start");
        String configured = setup.settings().tradeFrom() == null ? null : setup.settings().tradeFrom().toString();
        if (s != null && configured != null && !s.equals(configured)) {
            log.warn("trading.start is {} but the paper book in {} started {}; starting the book again from {}", configured, setup.dir(), s, configured);
            state.clear();
            s = null;
        }
        start = s == null ? null : Instant.parse(s);
        String w = state.getProperty("reported-through");
        watermark = w == null ? null : Instant.parse(w);
    }

    private void saveState() {
        try {
            Files.createDirectories(stateFile.getParent());
            Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                state.store(w, "Flywheel paper book: when it started, and the last bar whose events were written");
            }
            Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the paper book state " + stateFile, e);
        }
    }

    /**
     * The book at a glance, safe to call while polls run.
     *
     * @param equities per strategy, its sub-account equity
     * @param weights per strategy, its capital weight in force
     * @param problems see {@link #problems()}
     */
    public record Snapshot(Instant start, Instant lastBar, double capital, double equity, Map<String, Double> equities, Map<String, Double> weights,
            List<String> problems) {}

    /** The book now; empty before the first poll. */
    public synchronized java.util.Optional<Snapshot> snapshot() {
        if (book == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Snapshot(start, book.lastTime(), setup.settings().capital(), book.equity(), Map.copyOf(book.equities()),
                Map.copyOf(book.weights()), problems()));
    }

    /** The book, once the first poll has built it. */
    public TradingBook book() {
        return Objects.requireNonNull(book, "no poll yet");
    }

    public Instant start() {
        return start;
    }
}
