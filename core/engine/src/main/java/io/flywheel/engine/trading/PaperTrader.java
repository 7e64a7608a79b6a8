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
 * The replay follows the order the book traded bars in: time order, except the late groups (bars
 * of a market that came back after the others went on without it), which the state file records
 * before a poll writes anything and the replay puts where they were traded; it waits for a feed
 * that is down to deliver the bars the book traded, so the rebuilt book is the one the run had,
 * but, as a live poll waits for a feed, for at most {@link #STALE_INTERVALS} of its bar intervals
 * from the restart: then it goes on without it (said in {@link #problems()}) and trades its bars
 * late when they come.
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
     * @param every per market, how often it is polled (none: as often as its bars come); a market is
     *     overdue only after {@link #STALE_INTERVALS} of its bar interval plus that
     */
    public record Setup(List<Spec> specs, Map<String, MarketFeed> feeds, TradingBook.Settings settings, Backtester.Costs costs, StrategyWeightRule rule,
            Supplier<String> ruleId, List<String> signalOutputs, Path dir, Map<String, java.time.Duration> every) {
        public Setup {
            every = Map.copyOf(every);
        }

        public Setup(List<Spec> specs, Map<String, MarketFeed> feeds, TradingBook.Settings settings, Backtester.Costs costs, StrategyWeightRule rule,
                Supplier<String> ruleId, List<String> signalOutputs, Path dir) {
            this(specs, feeds, settings, costs, rule, ruleId, signalOutputs, dir, Map.of());
        }
    }

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

    /**
     * What one poll did.
     *
     * @param failedFeeds per market whose fetch failed in the catch-up (which went on as if it had
     *     delivered nothing, so the wait for a feed down at restart applies), why: a failed poll
     */
    public record PollResult(int bars, int fills, int signals, int periods, Map<String, String> failedFeeds) {
        public PollResult {
            failedFeeds = Map.copyOf(failedFeeds);
        }

        public PollResult(int bars, int fills, int signals, int periods) {
            this(bars, fills, signals, periods, Map.of());
        }
    }

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
                Instant others = last.isEmpty() || awaitsHistory(e.getKey(), last) ? firstFetch(e.getKey()) : earliest(e.getKey());
                asked.put(e.getKey(), clock.instant());
                List<Bar> bars = fetch(e.getKey(), () -> e.getValue().fetch(last, others));
                hold(e.getKey(), bars); // first: the bars count as fetched, a failed save must not lose them
                recordFirst(e.getKey(), bars);
                failedFeeds.remove(e.getKey());
            }
        }
        return advance();
    }

    /**
     * Whether a symbol of {@code marketId} that has delivered nothing in this process is awaited by
     * the replay or was given up on with no bar: it is fetched from the market's first bar, not after
     * the other symbols' bars, or its history (bars the book traded, or must trade late) is never fetched.
     */
    private boolean awaitsHistory(String marketId, Map<String, Instant> last) {
        for (var e : marketOf.entrySet()) {
            if (e.getValue().equals(marketId) && !last.containsKey(e.getKey())
                    && (expected.containsKey(e.getKey()) || "none".equals(state.getProperty(gaveUpKey(e.getKey()), "").strip()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records the first bar of a market that delivered nothing at the catch-up (down at a new
     * book's first start, or at the restart that added it): a restart fetches it from there, not
     * from "all there is", which a klines feed serves as its recent bars only, a later window.
     */
    private void recordFirst(String marketId, List<Bar> bars) {
        if (!bars.isEmpty() && state.getProperty("first." + marketId) == null) {
            state.setProperty("first." + marketId, bars.stream().map(Bar::time).min(Comparator.naturalOrder()).orElseThrow().toString());
            saveState();
        }
    }

    /** A bar fetched but not traded yet, with the position of its market among the feeds (ties in time go in that order). */
    private record Held(Bar bar, int market) {}

    /** How many of its bar intervals a market may be late before the others stop waiting for it. */
    static final int STALE_INTERVALS = 8;
    /** The bar interval of a market with fewer than two bars seen (and, at a restart, none saved). */
    private static final java.time.Duration DEFAULT_INTERVAL = java.time.Duration.ofMinutes(1);

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

    /**
     * Per market, when this process last asked its feed for bars (whether it answered or failed):
     * the replay gives up on a symbol only once its market was asked after the wait ended, not on
     * another market's poll while that one has not been asked again.
     */
    private final Map<String, Instant> asked = new java.util.concurrent.ConcurrentHashMap<>();

    /** Fetched bars waiting until no market (or symbol of one) can still deliver an earlier one. */
    private final List<Held> held = new ArrayList<>();
    /** Per market, the shortest time between two of its bars seen: its bar interval. */
    private final Map<String, java.time.Duration> interval = new LinkedHashMap<>();
    /** Per market, its bar interval as the run before saw it ({@code interval.<market>} in the state file). */
    private final Map<String, java.time.Duration> savedInterval = new LinkedHashMap<>();
    /**
     * When this process first tried to catch up (a catch-up that failed is tried again whole, but
     * the wait for a feed that is down counts from the first try).
     */
    private Instant waitFrom;
    /**
     * Per symbol the replay waits for, since when (saved as {@code waiting-since.<market>.<symbol>}
     * by the first catch-up that found it short, so the wait spans processes: {@code run --once}
     * from cron, or a daemon restarted before it ends, would otherwise wait anew every time).
     */
    private final Map<String, Instant> waitingSince = new LinkedHashMap<>();

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
     * {@link #STALE_INTERVALS} of those intervals plus its poll interval {@code every} (a feed
     * that stopped) holds nothing back: a market polled seldom is not overdue before it is polled
     * again, but holds the others back no longer than that.
     */
    private List<Bar> release() {
        Instant now = clock.instant();
        Instant frontier = null;
        for (String m : setup.feeds().keySet()) {
            // a market (or symbol) that has delivered nothing yet has nothing to wait for
            java.time.Duration d = interval.getOrDefault(m, DEFAULT_INTERVAL);
            // a market polled less often than its bars come delivers them up to `every` later, not late
            java.time.Duration every = setup.every().getOrDefault(m, java.time.Duration.ZERO);
            java.time.Duration overdue = d.multipliedBy(STALE_INTERVALS).plus(every);
            for (Instant last : lastBar.getOrDefault(m, Map.of()).values()) {
                Instant next = last.plus(d);
                if (next.plus(overdue).isBefore(now)) {
                    continue;
                }
                frontier = frontier == null || next.isBefore(frontier) ? next : frontier;
            }
        }
        // partitioned, not removed one by one: held has a whole history at a catch-up (removal would be quadratic)
        List<Held> ready = new ArrayList<>();
        List<Held> keep = new ArrayList<>();
        for (Held h : held) {
            (frontier == null || h.bar().time().isBefore(frontier) ? ready : keep).add(h);
        }
        held.clear();
        held.addAll(keep);
        ready.sort(Comparator.comparing((Held h) -> h.bar().time()).thenComparingInt(Held::market).thenComparing(h -> h.bar().symbol()));
        List<Bar> out = new ArrayList<>(ready.size());
        ready.forEach(h -> out.add(h.bar()));
        return out;
    }

    /**
     * Where to fetch a market from that has delivered nothing yet in this process: just before the
     * first bar the book replayed of it, not "all there is": a feed that serves only its recent bars
     * when asked for everything (klines' history) would otherwise rebuild a book that starts late,
     * with fresh capital and no warm-up.
     */
    private Instant firstFetch(String marketId) {
        Instant first = instant("first." + marketId, FIRST);
        return first == null ? null : first.minusMillis(1);
    }

    private PollResult catchUp() {
        long began = System.nanoTime();
        if (waitFrom == null) {
            waitFrom = clock.instant();
        }
        // A catch-up that a feed failed is tried again whole: what the markets before it fetched
        // would otherwise count as fetched and be dropped, and the book rebuilt without their bars.
        forget();
        loadState();
        boolean removed = dropRemovedMarkets();
        Map<String, List<Bar>> byMarket = new LinkedHashMap<>();
        failedFeeds.clear();
        for (var e : setup.feeds().entrySet()) {
            Instant since = firstFetch(e.getKey());
            asked.put(e.getKey(), clock.instant());
            try {
                byMarket.put(e.getKey(), fetch(e.getKey(), () -> e.getValue().fetch(since)));
            } catch (IllegalStateException failed) {
                // As a feed that delivers nothing: real feeds throw when down, and the book must not
                // stop for good; the replay waits for it (at most 8 intervals) and the poll is failed.
                byMarket.put(e.getKey(), List.of());
                failedFeeds.put(e.getKey(), failed.getMessage());
                log.warn("Paper book: the catch-up goes on without {} for now: {}", e.getKey(), failed.getMessage());
            }
        }
        boolean firstRecorded = checkReach(byMarket);
        List<TradingBook.Slot> slots = new ArrayList<>();
        Map<String, String> symbolOwner = new LinkedHashMap<>();
        for (Spec s : setup.specs()) {
            String symbol = s.symbol() == null && byMarket.get(s.marketId()).isEmpty() ? savedSymbol(s.marketId()) : null;
            if (symbol == null && s.symbol() == null && failedFeeds.containsKey(s.marketId())) {
                // nothing to tell its symbol by (a first run): the catch-up fails, for the feed's reason, and is tried again whole
                throw new IllegalStateException(failedFeeds.get(s.marketId()));
            }
            symbol = symbol != null ? symbol : Markets.symbolFor(s.id(), s.marketId(), s.symbol(), byMarket.get(s.marketId()));
            String owner = symbolOwner.putIfAbsent(symbol, s.marketId());
            if (owner != null && !owner.equals(s.marketId())) {
                throw new IllegalStateException("markets " + owner + " and " + s.marketId() + " both deliver " + symbol
                        + "; one paper book cannot tell their bars apart");
            }
            slots.add(new TradingBook.Slot(s.id(), symbol, s.strategy().get()));
        }
        marketOf.putAll(symbolOwner);
        List<String> markets = new ArrayList<>(setup.feeds().keySet());
        marketOf.forEach((symbol, market) -> marketIndex.put(symbol, markets.indexOf(market)));
        boolean marked = removed;
        marked |= loadReportedThrough();
        marked |= loadLate();
        marked |= loadGaveUp();
        marked |= loadWaitingSince();
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
        PollResult r = advance();
        r = new PollResult(r.bars(), r.fills(), r.signals(), r.periods(), failedFeeds);
        log.debug("Caught up on {} bar(s) in {} ms", r.bars(), (System.nanoTime() - began) / 1_000_000);
        log.info("Paper book since {}: equity {} ({}), {} strateg{} on {}, weights {}", start, String.format(Locale.ROOT, "%.2f", book.equity()),
                BacktestReport.pct(book.equity() / s.capital() - 1), slots.size(), slots.size() == 1 ? "y" : "ies", book.symbols(), rounded(book.weights()));
        return r;
    }

    /** Per market whose fetch failed in the catch-up and has not succeeded since, why. */
    private final Map<String, String> failedFeeds = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The symbol the run before traded on {@code marketId} (its {@code reported-through.<market>.<symbol>}),
     * for a strategy without {@code symbol:} whose feed has delivered nothing (down at restart); {@code null}
     * when there is not exactly one.
     */
    private String savedSymbol(String marketId) {
        String prefix = "reported-through." + marketId + ".";
        List<String> symbols = state.stringPropertyNames().stream().filter(k -> k.startsWith(prefix)).map(k -> k.substring(prefix.length())).toList();
        return symbols.size() == 1 ? symbols.getFirst() : null;
    }

    /**
     * Forgets what a catch-up that failed (a feed that could not be reached) had fetched and
     * loaded, so the next poll tries it again whole: otherwise the markets fetched before the
     * failure would count their bars as fetched and the book would be rebuilt without them.
     */
    private void forget() {
        state.clear();
        lastBar.clear();
        interval.clear();
        savedInterval.clear();
        held.clear();
        marketOf.clear();
        marketIndex.clear();
        reportedThrough.clear();
        replayThrough.clear();
        expected.clear();
        late.clear();
        needed.clear();
        pending.clear();
        journaled.clear();
        tornJournal = false;
        waiting.clear();
        waitingSince.clear();
        lastSeen.clear();
        traded.clear();
        highWater = null;
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
            Instant first = instant(key, FIRST);
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
        List<String> all = new ArrayList<>(problems);
        failedFeeds.forEach((m, why) -> all.add("market " + m + ": its feed failed at the restart (" + why + "); the book goes on as if it had delivered nothing"));
        all.addAll(waiting);
        // a feed's error may carry a URL with its API key; problems reach the status file and chat
        all.replaceAll(io.flywheel.engine.log.SecretMasker::mask);
        return List.copyOf(all);
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
            boolean measured = false;
            for (Bar b : bars) {
                Instant previous = last.get(b.symbol());
                if (previous != null && !b.time().isAfter(previous)) {
                    continue; // fetched before: another symbol of this market asked for earlier bars
                }
                if (previous != null) {
                    interval.merge(marketId, java.time.Duration.between(previous, b.time()), (a, c) -> a.compareTo(c) <= 0 ? a : c);
                    measured = true;
                }
                last.put(b.symbol(), b.time());
                fresh.add(b);
            }
            if (measured) {
                // kept in the state file for a restart whose feed is down: how long to wait for it
                state.setProperty("interval." + marketId, interval.get(marketId).toString());
            }
            return fresh;
        } catch (Exception e) {
            throw new IllegalStateException("market " + marketId + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
    }

    /**
     * Where a bar stands in the order bars are traded when none is late: by time, then by the
     * position of its market among the feeds, then by symbol.
     */
    private record Pos(Instant time, int market, String symbol) implements Comparable<Pos> {
        private static final Comparator<Pos> ORDER = Comparator.comparing(Pos::time).thenComparingInt(Pos::market).thenComparing(Pos::symbol);

        @Override
        public int compareTo(Pos o) {
            return ORDER.compare(this, o);
        }
    }

    private Pos pos(Bar bar) {
        return position(bar.time(), bar.symbol());
    }

    private Pos position(Instant time, String symbol) {
        return new Pos(time, marketIndex.getOrDefault(symbol, Integer.MAX_VALUE), symbol);
    }

    /** Per symbol of the book, the position of its market among the feeds. */
    private final Map<String, Integer> marketIndex = new LinkedHashMap<>();

    /**
     * Bars the book traded out of time order, in one poll: per symbol, its bars from {@code first}
     * through {@code last}, all before {@code after}, the newest bar the book had traded then
     * (one of a market that went on while this one was overdue). They were traded right after
     * it, in time order, and after any earlier group traded after it ({@code seq} orders them).
     */
    private record Late(int seq, Pos after, Map<String, Instant[]> ranges) {}

    /** Every group of late bars the book traded, from the state file, in {@code seq} order. */
    private final List<Late> late = new ArrayList<>();
    /** The newest bar the book traded, in {@link Pos} order: a bar before it is late. */
    private Pos highWater;
    /**
     * Per symbol, its last bar the book traded before this process started (its reported-through, or
     * the last of a late group saved before a crash): the catch-up replays the bars through it in
     * the order the book traded them, not as new bars. Emptied once the replay is done.
     */
    private final Map<String, Instant> replayThrough = new LinkedHashMap<>();
    /** Of those, the symbols whose bars the replay still waits for: their feed has not delivered them (yet). */
    private final Map<String, Instant> expected = new LinkedHashMap<>();
    /** Bars the book traded before this process started, fetched again, not yet replayed. */
    private final List<Bar> pending = new ArrayList<>();
    /** Whether the catch-up is done: until then nothing is posted (history is not news). */
    private boolean caughtUp;
    /** Why the replay waits, for {@link #problems()}. */
    private final List<String> waiting = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Trades what can be traded now. First the bars the book traded before this process started,
     * in the order it traded them: late groups right after the bar they followed, the others by
     * {@link Pos}; only as far as every symbol's feed has delivered them, so a feed that is down
     * at restart holds the book (and every market's new bars) where the run before it had that
     * feed's next bar, for at most {@link #STALE_INTERVALS} of its bar intervals. Then, with
     * nothing left to replay, the new bars {@link #release} lets go.
     */
    private PollResult advance() {
        try {
            return trade();
        } catch (RuntimeException | Error e) {
            // The book may have traded bars whose returns, weights, fills or posts were not all
            // written (disk full, the store failing): later marks would pass them and nothing would
            // write them again. The next poll rebuilds the book whole, and its replay writes what
            // is missing after the marks last saved (what was written is found and not written twice).
            book = null;
            caughtUp = false;
            traded.clear();
            throw e;
        }
    }

    private PollResult trade() {
        collector.reset();
        collector.posting = caughtUp;
        int fed = feed(replayable());
        if (pending.isEmpty() && expected.isEmpty()) {
            List<Bar> fresh = release();
            recordLate(fresh);
            fed += feed(fresh);
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
        traded.clear();
        if (moved) {
            saveState();
        }
        if (!caughtUp && pending.isEmpty() && expected.isEmpty()) {
            caughtUp = true;
            replayThrough.clear();
            journaled.clear();
        }
        if (caughtUp && !late.isEmpty() && pruneLate()) {
            saveState();
        }
        return new PollResult(fed, collector.fillCount, collector.signalCount, collector.periodCount);
    }

    /** Per symbol of the book, its last bar traded in this poll. */
    private final Map<String, Instant> traded = new LinkedHashMap<>();

    /** Feeds {@code bars}, in the order given, to the book; returns how many. */
    private int feed(List<Bar> bars) {
        int fed = 0;
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
                Pos p = pos(bar);
                highWater = highWater == null || p.compareTo(highWater) > 0 ? p : highWater;
            }
            fed++;
        }
        return fed;
    }

    /**
     * Moves the held bars the book traded before this process started to {@link #pending} and
     * returns those that can be replayed now, in the order the book traded them: every one that
     * comes before the first bar a symbol's feed has not delivered yet could.
     */
    private List<Bar> replayable() {
        if (replayThrough.isEmpty()) {
            return List.of();
        }
        List<Held> keep = new ArrayList<>();
        for (Held h : held) {
            Instant through = replayThrough.get(h.bar().symbol());
            if (through != null && !h.bar().time().isAfter(through)) {
                pending.add(h.bar());
            } else {
                keep.add(h);
            }
        }
        held.clear();
        held.addAll(keep);
        // A bar not delivered yet comes after its symbol's last bar delivered, and so after every
        // bar whose place in the order (a late group's: the bar it followed) is no later than that.
        Instant limit = Instant.MAX;
        List<String> why = new ArrayList<>();
        Instant now = clock.instant();
        boolean changed = false;
        for (var it = expected.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            String market = marketOf.get(e.getKey());
            Instant delivered = lastBar.getOrDefault(market, Map.of()).get(e.getKey());
            if (delivered != null && !delivered.isBefore(e.getValue())) {
                it.remove();
                changed |= stopWaiting(e.getKey());
                continue;
            }
            Instant first = instant("first." + market, FIRST);
            java.time.Duration d = interval.getOrDefault(market, savedInterval.getOrDefault(market, DEFAULT_INTERVAL));
            Instant since = waitingSince.get(e.getKey());
            if (since == null) {
                since = waitFrom;
                waitingSince.put(e.getKey(), since);
                state.setProperty(waitingSinceKey(e.getKey()), since.toString());
                changed = true;
            }
            Instant until = since.plus(d.multipliedBy(STALE_INTERVALS));
            Instant lastAsked = asked.get(market);
            // only once its own feed was asked after the wait ended: a market polled seldom (or whose
            // catch-up fetch failed, not retried before its next poll) is not given up on unasked
            if (until.isBefore(now) && lastAsked != null && until.isBefore(lastAsked)) {
                // As the live rule: a feed more than 8 intervals late holds nothing back; its bars are traded late when they come.
                it.remove();
                replayThrough.remove(e.getKey());
                stopWaiting(e.getKey());
                String point = delivered != null ? "after " + delivered : first != null ? "from " + first : "from its first bar";
                String problem = "market " + market + ": its feed has delivered " + e.getKey() + (delivered == null ? " nothing" : " only through " + delivered)
                        + " since the restart; the paper book, which traded it through " + e.getValue() + " before, waited for those bars since "
                        + since + " (" + STALE_INTERVALS + " bar intervals of " + d + ") and went on without them at " + now + "; it trades "
                        + e.getKey() + "'s bars late when its feed delivers them, so the book no longer matches what the run before journaled for"
                        + " the bars " + point;
                problems.add(problem);
                log.warn("Paper book: {}", problem);
                // a restart before it trades again rebuilds this book: without its bars after those
                state.setProperty(gaveUpKey(e.getKey()), delivered == null ? "none" : delivered.toString());
                cutLate(e.getKey(), delivered);
                markReported(e.getKey());
                changed = true;
                continue;
            }
            Instant safe = delivered != null ? delivered : first != null ? first.minusNanos(1) : Instant.MIN;
            limit = safe.isBefore(limit) ? safe : limit;
            String problem = "market " + market + ": its feed has delivered " + e.getKey() + (delivered == null ? " nothing yet" : " only through " + delivered)
                    + ", but the paper book traded it through " + e.getValue() + " before the restart; the book waits for those bars to rebuild"
                    + " as it was (every market's new bars wait with it) until " + until + " (" + STALE_INTERVALS + " bar intervals of " + d
                    + " after it began waiting at " + since + "), then goes on without them at the first poll of " + market + " after that";
            why.add(problem);
        }
        if (changed) {
            saveState();
        }
        if (!why.equals(waiting)) {
            why.forEach(w -> log.warn("Paper book: {}", w));
            waiting.clear();
            waiting.addAll(why);
        }
        Map<String, java.util.NavigableMap<Instant, Segment>> groups = groupsBySymbol();
        Map<Bar, Late> group = new java.util.IdentityHashMap<>();
        for (Bar b : pending) {
            var segments = groups.get(b.symbol());
            var at = segments == null ? null : segments.floorEntry(b.time());
            if (at != null && !b.time().isAfter(at.getValue().last())) {
                group.put(b, at.getValue().late());
            }
        }
        Comparator<Bar> order = Comparator.comparing((Bar b) -> group.containsKey(b) ? group.get(b).after() : pos(b))
                .thenComparingInt(b -> group.containsKey(b) ? group.get(b).seq() : -1).thenComparing(this::pos);
        pending.sort(order);
        int n = 0;
        while (n < pending.size()) {
            Bar b = pending.get(n);
            Instant place = group.containsKey(b) ? group.get(b).after().time() : b.time();
            if (place.isAfter(limit)) {
                break;
            }
            n++;
        }
        List<Bar> out = new ArrayList<>(pending.subList(0, n));
        pending.subList(0, n).clear();
        return out;
    }

    /** Bars {@code first} through {@code last} of a symbol are replayed in {@code late}. */
    private record Segment(Instant last, Late late) {}

    /**
     * Per symbol, which late group holds each of its bars, as disjoint segments by first bar (a
     * lookup per bar, not a scan of every group): the newest group holding a bar, since a run that
     * went on without a feed down at restart traded its bars again, late, in a group of its own,
     * after those of the run before.
     */
    private Map<String, java.util.NavigableMap<Instant, Segment>> groupsBySymbol() {
        Map<String, java.util.NavigableMap<Instant, Segment>> out = new LinkedHashMap<>();
        for (Late l : late) { // in seq order: a newer group paints over an older one
            l.ranges().forEach((symbol, r) -> {
                var segments = out.computeIfAbsent(symbol, k -> new java.util.TreeMap<>());
                Instant first = r[0];
                Instant last = r[1];
                var before = segments.lowerEntry(first);
                if (before != null && !before.getValue().last().isBefore(first)) {
                    segments.put(before.getKey(), new Segment(first.minusNanos(1), before.getValue().late()));
                    if (before.getValue().last().isAfter(last)) {
                        segments.put(last.plusNanos(1), before.getValue());
                    }
                }
                for (var inside = segments.subMap(first, true, last, true); !inside.isEmpty(); ) {
                    var e = inside.pollFirstEntry();
                    if (e.getValue().last().isAfter(last)) {
                        segments.put(last.plusNanos(1), e.getValue());
                    }
                }
                segments.put(first, new Segment(last, l));
            });
        }
        return out;
    }

    /**
     * Records the bars of {@code fresh} (in {@link Pos} order) that come before the newest bar the
     * book traded, as a new late group, and saves it before anything of this poll is written: a
     * crash after the poll's writes replays them where this run trades them. A symbol the book went
     * on without at restart ({@code gave-up.}) that trades again is no longer held back at a replay.
     */
    private void recordLate(List<Bar> fresh) {
        boolean back = false;
        for (Bar b : fresh) {
            back |= marketOf.containsKey(b.symbol()) && state.remove(gaveUpKey(b.symbol())) != null;
        }
        Map<String, Instant[]> ranges = new LinkedHashMap<>();
        for (Bar b : fresh) {
            if (!marketOf.containsKey(b.symbol())) {
                continue;
            }
            if (highWater == null || pos(b).compareTo(highWater) >= 0) {
                break;
            }
            if (b.time().isAfter(lastFor(b.symbol()))) {
                ranges.computeIfAbsent(b.symbol(), k -> new Instant[] {b.time(), b.time()})[1] = b.time();
            }
        }
        if (ranges.isEmpty()) {
            if (back) {
                saveState();
            }
            return;
        }
        Late previous = late.isEmpty() ? null : late.getLast();
        if (previous != null && previous.after().equals(highWater) && after(ranges, previous.ranges())) {
            // nothing traded since the previous group but its bars: one group, in the order traded (keeps the state file small)
            Map<String, Instant[]> merged = new LinkedHashMap<>();
            previous.ranges().forEach((symbol, r) -> merged.put(symbol, r.clone()));
            ranges.forEach((symbol, r) -> merged.merge(symbol, r, (a, b) -> new Instant[] {a[0], b[1]}));
            late.set(late.size() - 1, new Late(previous.seq(), previous.after(), merged));
            merged.forEach((symbol, r) -> state.setProperty(lateKey(previous.seq(), symbol), r[0] + " " + r[1]));
            saveState();
            return;
        }
        int seq = Math.max(lastSeq, late.isEmpty() ? 0 : late.getLast().seq()) + 1;
        lastSeq = seq;
        late.add(new Late(seq, highWater, ranges));
        state.setProperty("late." + seq + ".after", highWater.time() + " " + highWater.symbol());
        ranges.forEach((symbol, r) -> state.setProperty(lateKey(seq, symbol), r[0] + " " + r[1]));
        saveState();
    }

    /** The state file's key of {@code symbol}'s range in late group {@code seq}. */
    private String lateKey(int seq, String symbol) {
        return "late." + seq + "." + marketOf.get(symbol) + "." + symbol;
    }

    /**
     * Drops the late groups no restart needs (see {@link #needless}) from the state file, so it
     * stays bounded: a market that closes daily beside one that never does makes about one group a
     * trading day. Only once the replay is done (its order is then no longer read). Returns whether
     * one was dropped, to be saved.
     */
    private boolean pruneLate() {
        boolean pruned = false;
        for (var it = late.iterator(); it.hasNext(); ) {
            Late g = it.next();
            if (!needed.contains(g.seq()) && needless(g)) {
                it.remove();
                lateKeys(g.seq()).forEach(state::remove);
                pruned = true;
            }
        }
        return pruned;
    }

    /**
     * Whether replaying {@code g}'s bars in time order rebuilds the same book as replaying them where
     * they were traded, after {@code g.after()}, so no restart needs the group. The book's symbols
     * meet only when a period closes (the first bar of a later period moves capital between the
     * sub-accounts; between closes each symbol's bars touch only its own sub-accounts), so the order
     * matters only across a period boundary: it does not when every bar of the group lies in the
     * period of the bar it followed (so nothing it skipped over closed a period), none is before the
     * book's start (a warm-up bar traded late would be traded, in time order it only warms up), every
     * one of them is reported and its mark saved (a crash after the poll's writes replays the group
     * to find what it wrote), the state file holds no range of it for a symbol not in the book (a
     * removed strategy's, kept to replay it when added again) and no other group holds bars of its
     * symbols that would then come out of order (an overlapping one, or an older one placed after
     * the first of its bars).
     */
    private boolean needless(Late g) {
        if (g.ranges().isEmpty()) {
            return false;
        }
        long period = setup.settings().rebalance().toSeconds();
        long p = Math.floorDiv(g.after().time().getEpochSecond(), period);
        for (var e : g.ranges().entrySet()) {
            Instant first = e.getValue()[0];
            Instant last = e.getValue()[1];
            Instant mark = reportedThrough.get(e.getKey());
            if (first.isBefore(start) || Math.floorDiv(first.getEpochSecond(), period) != p) {
                needed.add(g.seq()); // for good: not looked at again at every poll
                return false;
            }
            if (mark == null || mark.isBefore(last)) {
                // only a group whose symbol the replay gave up on: a guard, no rebuilt book depends on it (docs/DESIGN.md)
                return false;
            }
            for (Late other : late) {
                Instant[] r = other == g ? null : other.ranges().get(e.getKey());
                if (r == null) {
                    continue;
                }
                boolean before = r[1].isBefore(first);
                if (!before && !r[0].isAfter(last) || before && other.after().compareTo(position(first, e.getKey())) >= 0) {
                    return false;
                }
            }
        }
        return lateKeys(g.seq()).size() == g.ranges().size() + 1;
    }

    /** The state file's keys of late group {@code seq}: its {@code after} and its ranges. */
    private List<String> lateKeys(int seq) {
        String prefix = "late." + seq + ".";
        return state.stringPropertyNames().stream().filter(k -> k.startsWith(prefix)).toList();
    }

    /** The late groups found to change the book if replayed in time order: kept, and not looked at again. */
    private final Set<Integer> needed = new java.util.HashSet<>();

    /** Whether every bar of {@code later} comes after every bar of {@code earlier} in {@link Pos} order. */
    private boolean after(Map<String, Instant[]> later, Map<String, Instant[]> earlier) {
        Pos last = null;
        for (var e : earlier.entrySet()) {
            Pos p = position(e.getValue()[1], e.getKey());
            last = last == null || p.compareTo(last) > 0 ? p : last;
        }
        for (var e : later.entrySet()) {
            if (last != null && position(e.getValue()[0], e.getKey()).compareTo(last) <= 0) {
                return false;
            }
        }
        return true;
    }

    /** The highest late group number in the state file, kept or not loaded: a new group comes after it. */
    private int lastSeq;

    /** The book's symbols by the {@code <market>.<symbol>} their state keys end with. */
    private Map<String, String> symbolsByKey() {
        Map<String, String> bySymbolKey = new LinkedHashMap<>();
        marketOf.forEach((symbol, market) -> bySymbolKey.put(market + "." + symbol, symbol));
        return bySymbolKey;
    }

    /** Whether {@code rest} ({@code <market>.<symbol>} of a state key) names a market in config. */
    private boolean configured(String rest) {
        return setup.feeds().keySet().stream().anyMatch(m -> rest.startsWith(m + "."));
    }

    /** The per-market and per-symbol keys whose market is no longer in config; see {@link #dropRemovedMarkets}. */
    private static final List<String> MARKET_KEYS = List.of("first.", "interval.", "reported-through.", "waiting-since.");

    /**
     * Drops the keys of markets no longer configured ({@code first.<market>}, {@code interval.<market>},
     * and per symbol {@code reported-through.} and {@code waiting-since.}; {@code gave-up.} and late
     * groups are dropped as they are loaded), so a state file does not keep every market it ever saw.
     * The book rebuilt without a market has none of its bars; its late groups are dropped, so adding
     * it back could not replay them where they were traded anyway: it is a market new to the book
     * then, traded from the first bar its feed serves, its history not reported again (its symbols
     * take the book's {@code reported-through}). A strategy removed from a market still configured
     * keeps its symbol's keys (see {@link #loadLate}). Returns whether one was dropped, to be saved.
     */
    private boolean dropRemovedMarkets() {
        boolean dropped = false;
        for (String key : state.stringPropertyNames()) {
            for (String prefix : MARKET_KEYS) {
                if (!key.startsWith(prefix) || key.length() == prefix.length()) {
                    continue;
                }
                String rest = key.substring(prefix.length());
                boolean perMarket = prefix.equals("first.") || prefix.equals("interval.");
                if (perMarket ? !setup.feeds().containsKey(rest) : !configured(rest)) {
                    state.remove(key);
                    if (prefix.equals("interval.")) {
                        savedInterval.remove(rest); // keyed by market
                    }
                    dropped = true;
                }
            }
        }
        return dropped;
    }

    /**
     * The late groups from the state file; a symbol no longer in the book has no bars to place, and
     * a group none of whose symbols' markets is still configured is dropped (one of a configured
     * market whose strategy was removed stays: added again, its bars are replayed where they were
     * traded). Returns whether one was dropped, to be saved.
     */
    private boolean loadLate() {
        Map<Integer, Pos> after = new java.util.TreeMap<>();
        Map<Integer, Map<String, Instant[]>> ranges = new java.util.TreeMap<>();
        Map<String, String> bySymbolKey = symbolsByKey();
        Set<Integer> kept = new java.util.HashSet<>();
        lastSeq = 0;
        for (String key : state.stringPropertyNames()) {
            if (!key.startsWith("late.")) {
                continue;
            }
            int dot = key.indexOf('.', 5);
            String value = state.getProperty(key).strip();
            int space = value.indexOf(' ');
            try {
                int seq = Integer.parseInt(key.substring(5, dot));
                String rest = key.substring(dot + 1);
                lastSeq = Math.max(lastSeq, seq);
                if (!rest.equals("after") && configured(rest)) {
                    kept.add(seq);
                }
                if (rest.equals("after")) {
                    String symbol = value.substring(space + 1);
                    after.put(seq, position(Instant.parse(value.substring(0, space)), symbol));
                } else if (bySymbolKey.containsKey(rest)) {
                    ranges.computeIfAbsent(seq, k -> new LinkedHashMap<>())
                            .put(bySymbolKey.get(rest), new Instant[] {Instant.parse(value.substring(0, space)), Instant.parse(value.substring(space + 1))});
                }
            } catch (RuntimeException e) {
                throw new IllegalStateException("paper book state " + stateFile + ": " + key + " = '" + value + "' is not a late group"
                        + " (after: '<time> <symbol>'; per symbol: '<first> <last>')", e);
            }
        }
        boolean dropped = false;
        for (var e : after.entrySet()) {
            Map<String, Instant[]> r = ranges.getOrDefault(e.getKey(), Map.of());
            if (r.isEmpty() && kept.contains(e.getKey())) {
                continue; // none of the book's symbols, but of a configured market: kept, nothing to replay
            }
            if (r.isEmpty()) {
                lateKeys(e.getKey()).forEach(state::remove);
                dropped = true;
                continue;
            }
            late.add(new Late(e.getKey(), e.getValue(), r));
            r.forEach((symbol, range) -> {
                replayThrough.merge(symbol, range[1], (a, b) -> a.isAfter(b) ? a : b);
                expected.merge(symbol, range[1], (a, b) -> a.isAfter(b) ? a : b);
            });
        }
        return dropped;
    }

    /**
     * On giving up on {@code symbol}'s bars: those whose fills the journal holds after its
     * reported-through (a crash after a poll's writes, before its marks were saved) were reported by
     * the run before, so raise its reported-through to the newest of them; its bars come back later
     * as new, and would otherwise be journaled and posted again. Not to the end of a late group
     * saved before the crash: the crash may have come before its bars were written, and they would
     * never be reported.
     */
    private void markReported(String symbol) {
        Instant reported = null;
        for (String line : journaled) {
            Instant t = symbol.equals(fillSymbol(line)) ? fillTime(line) : null;
            reported = t != null && (reported == null || t.isAfter(reported)) ? t : reported;
        }
        Instant mark = reportedThrough.get(symbol);
        if (reported != null && (mark == null || reported.isAfter(mark))) {
            reportedThrough.put(symbol, reported);
            state.setProperty(reportedThroughKey(symbol), reported.toString());
        }
    }

    private String waitingSinceKey(String symbol) {
        return "waiting-since." + marketOf.get(symbol) + "." + symbol;
    }

    /** Ends the wait for {@code symbol}'s bars (they came, or the book went on without them); returns whether it was saved. */
    private boolean stopWaiting(String symbol) {
        waitingSince.remove(symbol);
        return state.remove(waitingSinceKey(symbol)) != null;
    }

    /**
     * Since when the run before waited for a symbol's bars ({@code waiting-since.<market>.<symbol>});
     * one the replay no longer waits for (the bars came, or it is no longer in the book) is dropped.
     * Returns whether one was dropped, to be saved.
     */
    private boolean loadWaitingSince() {
        Map<String, String> bySymbolKey = symbolsByKey();
        boolean dropped = false;
        for (String key : state.stringPropertyNames()) {
            if (!key.startsWith("waiting-since.")) {
                continue;
            }
            Instant since = instant(key, "when the book began waiting for the symbol's feed");
            String symbol = bySymbolKey.get(key.substring("waiting-since.".length()));
            if (symbol != null && expected.containsKey(symbol)) {
                waitingSince.put(symbol, since);
            } else {
                state.remove(key);
                dropped = true;
            }
        }
        return dropped;
    }

    /**
     * Cuts {@code symbol}'s ranges in the late groups after {@code through} (all of them: {@code null}) on
     * giving up on it: the book never traded those bars there (a crash left the group saved, its bars unreplayed).
     * Kept, a restart after the symbol trades again ({@code gave-up.} then gone) would replay them in the group.
     * A group left with no range is dropped. Returns whether one was cut, to be saved.
     */
    private boolean cutLate(String symbol, Instant through) {
        boolean cut = false;
        for (var it = late.listIterator(); it.hasNext(); ) {
            Late g = it.next();
            Instant[] r = g.ranges().get(symbol);
            if (r == null || through != null && !r[1].isAfter(through)) {
                continue;
            }
            Map<String, Instant[]> ranges = new LinkedHashMap<>(g.ranges());
            String key = lateKey(g.seq(), symbol);
            if (through == null || through.isBefore(r[0])) {
                ranges.remove(symbol);
                state.remove(key);
            } else {
                ranges.put(symbol, new Instant[] {r[0], through});
                state.setProperty(key, r[0] + " " + through);
            }
            if (ranges.isEmpty()) {
                it.remove();
                if (lateKeys(g.seq()).size() == 1) { // only its after: no range of a removed strategy's symbol either
                    state.remove("late." + g.seq() + ".after");
                }
            } else {
                it.set(new Late(g.seq(), g.after(), ranges));
            }
            cut = true;
        }
        return cut;
    }

    private String gaveUpKey(String symbol) {
        return "gave-up." + marketOf.get(symbol) + "." + symbol;
    }

    /**
     * The symbols the run before went on without at its restart and had not traded again since
     * ({@code gave-up.<market>.<symbol>}: its last bar replayed then, or {@code none}): the replay
     * covers their bars only through that one, as that run traded them, and waits for no more;
     * those after come as new bars, traded late. One of a market no longer configured is dropped (one
     * of a configured market whose strategy was removed stays: added again, it is replayed as the
     * book went on without it); returns whether one was dropped, to be saved.
     */
    private boolean loadGaveUp() {
        boolean dropped = false;
        for (String key : state.stringPropertyNames()) {
            if (key.startsWith("gave-up.") && !configured(key.substring("gave-up.".length()))) {
                state.remove(key);
                dropped = true;
            }
        }
        for (String symbol : marketOf.keySet()) {
            String key = gaveUpKey(symbol);
            String value = state.getProperty(key);
            if (value == null) {
                continue;
            }
            if (value.strip().equals("none")) {
                replayThrough.remove(symbol);
                expected.remove(symbol);
                dropped |= cutLate(symbol, null); // a file saved before groups were cut at giving up
                continue;
            }
            Instant through = instant(key, "the last bar replayed before the book went on without it, nor 'none',");
            dropped |= cutLate(symbol, through);
            replayThrough.computeIfPresent(symbol, (k, t) -> t.isAfter(through) ? through : t);
            expected.computeIfPresent(symbol, (k, t) -> t.isAfter(through) ? through : t);
        }
        return dropped;
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
            Instant own = instant(key, "the symbol's last bar reported");
            if (own != null) {
                reportedThrough.put(symbol, own);
                expected.put(symbol, own);
                replayThrough.put(symbol, own);
            } else if (watermark != null) {
                // replayed as traded, but not waited for: the run before may never have had its bars
                reportedThrough.put(symbol, watermark);
                replayThrough.put(symbol, watermark);
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
                readJournalTail();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the fills journal " + journal, e);
            }
        }
        if (after(returnsThrough, watermark) || after(weightsThrough, watermark) || !journaled.isEmpty()) {
            log.info("The last run stopped while writing; not writing again: period returns through {}, weights through {}, {} fill(s)",
                    returnsThrough, weightsThrough, journaled.size());
        }
    }

    /**
     * Finds the journal's lines after their symbol's reported-through ({@link #journaled}), reading
     * from the end, one chunk at a time, only back to the newest line at or before its mark: the
     * journal is appended to, and a poll saves its marks after its lines, so the lines a crash left
     * unmarked are its last ones (a restart that found them re-trades their bars and saves marks
     * past them); a restart reads what is after the marks, not a journal of years.
     */
    private void readJournalTail() throws IOException {
        tornJournal = linesBackward(journal, JOURNAL_CHUNK, this::unmarked);
    }

    /**
     * Hands the lines of {@code file} to {@code line}, last first, reading {@code chunk} bytes at a
     * time from the end, until it returns {@code false}; returns whether the file ends in a line cut
     * short (no line break after it).
     */
    static boolean linesBackward(Path file, int chunk, java.util.function.Predicate<String> line) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                return false;
            }
            boolean torn = readFully(ch, size - 1, 1, file)[0] != '\n';
            byte[] carry = new byte[0]; // the bytes after the chunk being read, up to the first line break: the rest of its last line
            long pos = torn ? size : size - 1; // the last line break ends the last line, it does not begin another
            while (pos > 0) {
                int n = (int) Math.min(chunk, pos);
                pos -= n;
                byte[] buf = java.util.Arrays.copyOf(readFully(ch, pos, n, file), n + carry.length);
                System.arraycopy(carry, 0, buf, n, carry.length);
                int end = buf.length;
                for (int i = buf.length - 1; i >= 0; i--) {
                    if (buf[i] == '\n') {
                        if (!line.test(new String(buf, i + 1, end - i - 1, StandardCharsets.UTF_8))) {
                            return torn;
                        }
                        end = i;
                    }
                }
                carry = java.util.Arrays.copyOf(buf, end);
            }
            line.test(new String(carry, StandardCharsets.UTF_8));
            return torn;
        }
    }

    private static final int JOURNAL_CHUNK = 64 * 1024;

    private static byte[] readFully(java.nio.channels.FileChannel ch, long at, int n, Path file) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(n);
        io.flywheel.engine.store.FileReads.readFully(ch, b, at, file);
        return b.array();
    }

    /**
     * Adds a journal line after its symbol's reported-through to {@link #journaled}; returns whether
     * lines before it may be too: not once a whole line is at or before its mark (the header, and a
     * line a crash cut short before its symbol, are passed over).
     */
    private boolean unmarked(String line) {
        Instant time = fillTime(line);
        String symbol = fillSymbol(line);
        if (time == null || symbol == null) {
            return true;
        }
        // a symbol no longer in the book: the book's mark, as before marks were per symbol
        Instant mark = reportedThrough.getOrDefault(symbol, watermark);
        if (mark == null || time.isAfter(mark)) {
            journaled.add(line.strip());
            return true;
        }
        return false;
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
            // a pre-start post was looked up in queued first (postedBefore), which filled its output's set
            collector.preStart.forEach(e -> collector.queued.get(e.outputId()).add(e.post().id()));
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
                throw new UncheckedIOException("cannot append to the fills journal " + journal + ": " + e, e);
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

        /**
         * Per output, the ids of the posts queued in its outbox when first needed, read once per
         * process (not per poll: a queue of thousands is decoded whole): a post queued then leaves
         * the queue only delivered, and {@link #posted} finds it by its message reference then.
         * The pre-start signals this process posts are added once written ({@link #flush}): a
         * poll that fails after its store write is rebuilt, and would find them news again.
         */
        final Map<String, Set<String>> queued = new java.util.HashMap<>();
        /** This poll's posts of signals on bars before this process started, to add to {@link #queued} once written. */
        final List<OutboxEntry> preStart = new ArrayList<>();

        /**
         * Whether the run before this process posted {@code postId} to {@code output} (it is queued or
         * was delivered). Asked only for a signal on a bar from before this process started that is
         * news now: a late bar of a feed the book gave up on at the restart; the run before may have
         * traded and posted it before a crash that left its {@code reported-through} unsaved, and a
         * signal with no fill after it (on the last bar that run traded) leaves no trace in the
         * journal to raise the mark by (see {@link #markReported}). Post ids are stable per strategy,
         * bar and kind, so the outbox tells.
         */
        boolean posted(String output, String postId) {
            if (store.messageRef(output, postId).isPresent()) {
                return true;
            }
            return queued.computeIfAbsent(output, o -> {
                Set<String> ids = new java.util.HashSet<>();
                store.pending(o, Integer.MAX_VALUE).forEach(e -> ids.add(e.post().id()));
                return ids;
            }).contains(postId);
        }

        void reset() {
            preStart.clear();
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
                for (String o : setup.signalOutputs()) {
                    if (!signal.time().isBefore(waitFrom)) {
                        posts.add(new OutboxEntry(o, post));
                    } else if (!posted(o, post.id())) {
                        posts.add(new OutboxEntry(o, post));
                        preStart.add(new OutboxEntry(o, post));
                    }
                }
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
            // Not the closing bar's own mark: a replay of a state file without late groups may
            // close a period at another symbol's bar than the run before it did.
            if (watermark != null && !p.end().isAfter(watermark)) {
                return;
            }
            periodCount++;
            if (returnsThrough == null || p.end().isAfter(returnsThrough)) {
                // "period %s .. %s, equity %.2f", the instants formatted once per period: a first start reports every period of the history
                String period = "period " + p.start() + " .. " + p.end() + ", equity ";
                for (var e : p.returns().entrySet()) {
                    events.add(new FeedbackEvent(p.end(), FeedbackEvent.Type.TRADE_RETURN, e.getKey(), e.getKey(), null, List.of(), null, e.getValue(),
                            p.weightsBefore(), period + String.format(Locale.ROOT, "%.2f", p.equity().get(e.getKey()))));
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
        start = instant("start", "when the paper book started");
        for (String key : state.stringPropertyNames()) {
            if (key.startsWith("interval.")) {
                String value = state.getProperty(key).strip();
                java.time.Duration d;
                try {
                    d = java.time.Duration.parse(value);
                } catch (RuntimeException e) {
                    d = null;
                }
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalStateException("paper book state " + stateFile + ": " + key + " = '" + value
                            + "' is not a bar interval (a positive ISO-8601 duration, e.g. PT24H)");
                }
                savedInterval.put(key.substring("interval.".length()), d);
            }
        }
        watermark = instant("reported-through", "the newest bar reported");
    }

    private static final String FIRST = "the market's first bar replayed";

    /** The instant at {@code key} of the state file, or {@code null}; one that cannot be read is an error naming file, key and value. */
    private Instant instant(String key, String what) {
        String value = state.getProperty(key);
        try {
            return value == null ? null : Instant.parse(value.strip());
        } catch (RuntimeException e) {
            throw new IllegalStateException("paper book state " + stateFile + ": " + key + " = '" + value + "' is not " + what
                    + " (an instant, e.g. 2024-01-31T00:00:00Z)", e);
        }
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
