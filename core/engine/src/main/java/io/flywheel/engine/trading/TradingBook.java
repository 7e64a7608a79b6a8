package io.flywheel.engine.trading;

import io.flywheel.api.market.Bar;
import io.flywheel.api.strategy.Strategy;
import io.flywheel.api.trading.Broker;
import io.flywheel.api.trading.Fill;
import io.flywheel.api.trading.Order;
import io.flywheel.engine.rules.StrategyWeightRule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The paper trading desk, one bar at a time; backtests and the live paper run both drive it
 * through {@link #onBar}, so the same bars give the same fills.
 *
 * <p>On each bar, in this order: a bar in a new rebalance period first closes the old one (each
 * strategy's return on its own capital goes to the weight rule, the new weights move capital
 * between sub-accounts); the broker fills the orders placed at the previous close of that symbol;
 * sub-accounts are marked at the close; each strategy on that symbol sees the history up to this
 * bar and names its exposure; a changed exposure, or changed capital, becomes an order for the
 * next open.
 *
 * <p>Two ledgers are kept: the real one (cash and a position per symbol, what a broker account
 * would show) and one virtual sub-account per strategy. Fills update both, rebalancing moves cash
 * only between sub-accounts, so the sub-accounts always add up to the real account.
 */
public final class TradingBook {
    /** Orders smaller than this fraction of the sub-account are not worth sending on a rebalance. */
    static final double MIN_RESIZE = 1e-3;

    /**
     * @param id the strategy's id, also its sub-account
     * @param symbol the one symbol it trades
     */
    public record Slot(String id, String symbol, Strategy strategy) {
        public Slot {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(symbol, "symbol");
            Objects.requireNonNull(strategy, "strategy");
        }
    }

    /**
     * @param capital the starting cash, split among strategies by the initial weights
     * @param rebalance the period length; periods are aligned to the epoch (1d: midnight UTC)
     * @param minWeight the least weight any strategy keeps
     * @param tradeFrom bars before this only warm strategies up; {@code null}: trade from the first bar
     */
    public record Settings(double capital, Duration rebalance, double minWeight, Instant tradeFrom) {
        public Settings {
            if (!(capital > 0) || !Double.isFinite(capital)) {
                throw new IllegalArgumentException("capital must be positive, found " + capital);
            }
            if (rebalance == null || rebalance.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("rebalance must be at least 1m, found " + rebalance);
            }
        }
    }

    private final Settings settings;
    private final Broker broker;
    private final Allocator allocator;
    private final BookListener listener;
    /** Everything kept per symbol, found with one lookup per bar. */
    private static final class SymbolBook {
        final History history;
        SubAccount[] subs = new SubAccount[0];
        Strategy[] strategies = new Strategy[0];
        /** Units held in the real account. */
        double position;
        /** The last close, or 0 before the first bar. */
        double mark;
        /**
         * The cash its fills moved in the real account. Kept per symbol, so the real account's cash
         * sums them in a fixed order: how symbols' bars interleave within a period (a paper book
         * replays a late group in time order once it no longer needs it) does not change its bits.
         */
        double cashFlow;

        SymbolBook(String symbol) {
            this.history = new History(symbol);
        }
    }

    private final Map<String, SymbolBook> symbols = new HashMap<>();
    private final SymbolBook[] books;
    private final Map<String, SubAccount> accounts = new LinkedHashMap<>();
    private final SubAccount[] accountList;
    private final long periodSeconds;
    private boolean trading;
    private long period = Long.MIN_VALUE;
    private Instant periodStartTime;
    private Instant lastTime;
    private long bars;

    public TradingBook(List<Slot> slots, Settings settings, Broker broker, StrategyWeightRule rule, Map<String, Double> initialWeights,
            BookListener listener) {
        this.settings = settings;
        this.broker = broker;
        this.listener = listener;
        this.periodSeconds = settings.rebalance().toSeconds();
        for (Slot s : slots) {
            if (accounts.containsKey(s.id())) {
                throw new IllegalArgumentException("two strategies with id " + s.id());
            }
            SubAccount a = new SubAccount(s.id(), s.symbol());
            accounts.put(s.id(), a);
            SymbolBook sb = symbols.computeIfAbsent(s.symbol(), SymbolBook::new);
            sb.subs = java.util.Arrays.copyOf(sb.subs, sb.subs.length + 1);
            sb.subs[sb.subs.length - 1] = a;
            sb.strategies = java.util.Arrays.copyOf(sb.strategies, sb.strategies.length + 1);
            sb.strategies[sb.strategies.length - 1] = s.strategy();
        }
        this.books = symbols.values().toArray(SymbolBook[]::new);
        this.accountList = accounts.values().toArray(SubAccount[]::new);
        Map<String, Double> initial = new LinkedHashMap<>();
        for (String id : accounts.keySet()) {
            Double w = initialWeights.get(id);
            initial.put(id, w == null ? (initialWeights.isEmpty() ? 1.0 : 0.0) : w);
        }
        this.allocator = new Allocator(rule, initial, settings.minWeight());
    }

    /** The symbols some strategy trades. */
    public java.util.Set<String> symbols() {
        return java.util.Collections.unmodifiableSet(symbols.keySet());
    }

    /** Feeds one bar; bars must come in time order per symbol. Bars of symbols no strategy trades are ignored. */
    public void onBar(Bar bar) {
        SymbolBook sb = symbols.get(bar.symbol());
        if (sb == null) {
            return;
        }
        History history = sb.history;
        history.add(bar);
        bars++;
        lastTime = bar.time();
        if (!trading && (settings.tradeFrom() == null || !bar.time().isBefore(settings.tradeFrom()))) {
            start(bar.time());
        }
        if (trading) {
            long p = Math.floorDiv(bar.time().getEpochSecond(), periodSeconds);
            if (p > period) {
                if (period != Long.MIN_VALUE) {
                    closePeriod(Instant.ofEpochSecond(p * periodSeconds));
                }
                period = p;
                periodStartTime = Instant.ofEpochSecond(p * periodSeconds);
            }
            for (Fill f : broker.onBar(bar)) {
                book(f, sb);
            }
        }
        double close = bar.close();
        sb.mark = close;
        SubAccount[] subs = sb.subs;
        for (SubAccount a : subs) {
            a.mark = close;
        }
        for (int i = 0; i < subs.length; i++) {
            decide(subs[i], sb.strategies[i], history, bar);
        }
    }

    private void start(Instant time) {
        trading = true;
        for (var e : allocator.weights().entrySet()) {
            SubAccount a = accounts.get(e.getKey());
            a.cash = settings.capital() * e.getValue();
            a.periodStart = a.cash;
            a.exposure = 0;
            a.resized = true;
        }
        periodStartTime = time;
    }

    private void decide(SubAccount a, Strategy strategy, History history, Bar bar) {
        double before = a.exposure;
        double target;
        if (a.failed) {
            target = 0;
        } else {
            try {
                target = strategy.targetExposure(history);
                if (!(target >= -1 && target <= 1)) {
                    throw new IllegalStateException("exposure must be between -1 and 1, found " + target);
                }
            } catch (RuntimeException | LinkageError e) {
                a.failed = true;
                target = 0;
                if (trading) {
                    listener.signal(new Signal(bar.time(), a.strategyId, a.symbol, Signal.Kind.FAILED, before, 0, bar.close(), a.equity(),
                            e.getMessage() == null ? e.toString() : e.getMessage()));
                }
            }
        }
        a.exposure = target;
        if (!trading) {
            return;
        }
        boolean changed = target != before;
        if (!changed && !a.resized) {
            return;
        }
        a.resized = false;
        double equity = a.equity();
        double wanted = equity > 0 ? target * equity / bar.close() : 0;
        double delta = wanted - a.quantity;
        double value = Math.abs(delta) * bar.close();
        if (changed && before == 0 || changed && target == 0) {
            if (delta != 0) {
                broker.submit(new Order(a.strategyId, a.symbol, delta, bar.time(), target == 0 ? "exit" : "entry"));
            }
            listener.signal(new Signal(bar.time(), a.strategyId, a.symbol, target == 0 ? Signal.Kind.EXIT : Signal.Kind.ENTRY, before, target, bar.close(),
                    equity, null));
        } else if (value > MIN_RESIZE * Math.abs(equity)) {
            broker.submit(new Order(a.strategyId, a.symbol, delta, bar.time(), changed ? "resize" : "rebalance"));
            if (changed) {
                listener.signal(new Signal(bar.time(), a.strategyId, a.symbol, Signal.Kind.RESIZE, before, target, bar.close(), equity, null));
            }
        }
    }

    private void book(Fill f, SymbolBook sb) {
        SubAccount a = accounts.get(f.order().account());
        if (a == null || !a.symbol.equals(f.order().symbol())) {
            throw new IllegalStateException("a fill for unknown account " + f.order().account() + " in " + f.order().symbol());
        }
        sb.cashFlow += f.cashFlow();
        sb.position += f.quantity();
        Trade closed = a.apply(f);
        listener.filled(f);
        if (closed != null) {
            listener.tradeClosed(closed);
        }
    }

    @SuppressWarnings("unchecked")
    private void closePeriod(Instant end) {
        // Immutable maps built once: the report keeps them as they are (no copies per period).
        Map.Entry<String, Double>[] returns = new Map.Entry[accountList.length];
        Map.Entry<String, Double>[] equity = new Map.Entry[accountList.length];
        double total = 0;
        for (int i = 0; i < accountList.length; i++) {
            SubAccount a = accountList[i];
            double e = a.equity();
            equity[i] = Map.entry(a.strategyId, e);
            returns[i] = Map.entry(a.strategyId, a.periodStart > 0 ? e / a.periodStart - 1 : 0);
            total += e;
        }
        Map<String, Double> returnMap = Map.ofEntries(returns);
        Map<String, Double> before = weightsCopy();
        // One strategy holds all the capital whatever a rule says; skip asking.
        if (accountList.length > 1) {
            allocator.update(returnMap);
        }
        Map<String, Double> after = weightsCopy();
        if (total > 0) {
            for (SubAccount a : accountList) {
                double target = after.get(a.strategyId) * total;
                double transfer = target - a.equity();
                a.cash += transfer;
                a.periodStart = target;
                if (Math.abs(transfer) > 1e-9 * total) {
                    a.resized = true;
                }
            }
        }
        listener.periodClosed(new PeriodReport(periodStartTime, end, returnMap, before, after, Map.ofEntries(equity), allocator.lastError()));
    }

    private Map<String, Double> weightsSeen;
    private Map<String, Double> weightsCopy;

    /** The allocator's weights as an immutable map, copied only when they changed. */
    private Map<String, Double> weightsCopy() {
        Map<String, Double> w = allocator.weights();
        if (w != weightsSeen) {
            weightsSeen = w;
            weightsCopy = Map.copyOf(w);
        }
        return weightsCopy;
    }

    /** Equity of the real account: cash plus every position at its last close. */
    public double equity() {
        if (!trading) {
            return settings.capital();
        }
        double e = cash();
        for (SymbolBook sb : books) {
            e += sb.position * sb.mark;
        }
        return e;
    }

    /** The sum of the sub-accounts' equity; equal to {@link #equity()} up to rounding. */
    public double attributedEquity() {
        if (!trading) {
            return settings.capital();
        }
        double e = 0;
        for (SubAccount a : accountList) {
            e += a.equity();
        }
        return e;
    }

    /** Each strategy's sub-account equity, in the order the slots were given, into {@code out}. */
    public void equitiesInto(double[] out) {
        for (int i = 0; i < accountList.length; i++) {
            out[i] = trading ? accountList[i].equity() : settings.capital() * allocator.weights().get(accountList[i].strategyId);
        }
    }

    /** Per strategy, its sub-account equity. */
    public Map<String, Double> equities() {
        Map<String, Double> out = new LinkedHashMap<>();
        accounts.values().forEach(a -> out.put(a.strategyId, trading ? a.equity() : settings.capital() * allocator.weights().get(a.strategyId)));
        return out;
    }

    /** The value of all positions (long plus short, in absolute terms) over equity. */
    public double grossExposure() {
        double e = equity();
        return e > 0 ? grossValue() / e : 0;
    }

    /** The value of all positions, long plus short, in absolute terms. */
    public double grossValue() {
        double gross = 0;
        for (SymbolBook sb : books) {
            gross += Math.abs(sb.position * sb.mark);
        }
        return gross;
    }

    public Map<String, Double> weights() {
        return allocator.weights();
    }

    /** Cash of the real account. */
    public double cash() {
        if (!trading) {
            return settings.capital();
        }
        double c = settings.capital();
        for (SymbolBook sb : books) {
            c += sb.cashFlow;
        }
        return c;
    }

    /** Units held per symbol in the real account. */
    public Map<String, Double> positions() {
        Map<String, Double> out = new HashMap<>();
        symbols.forEach((symbol, sb) -> out.put(symbol, sb.position));
        return out;
    }

    /** Per strategy: the units it holds. */
    public Map<String, Double> holdings() {
        Map<String, Double> out = new LinkedHashMap<>();
        accounts.values().forEach(a -> out.put(a.strategyId, a.quantity));
        return out;
    }

    /** Round trips still open, valued at the last close. */
    public List<Trade> openTrades() {
        List<Trade> out = new ArrayList<>();
        for (SubAccount a : accounts.values()) {
            Trade t = a.open(lastTime);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    public boolean trading() {
        return trading;
    }

    /** Bars fed so far, warm-up included. */
    public long barCount() {
        return bars;
    }

    public Instant lastTime() {
        return lastTime;
    }

    public Broker broker() {
        return broker;
    }
}
