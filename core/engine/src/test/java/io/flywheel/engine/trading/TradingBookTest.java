package io.flywheel.engine.trading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flywheel.api.market.Bar;
import io.flywheel.api.strategy.Strategy;
import io.flywheel.api.trading.Fill;
import io.flywheel.engine.rules.StrategyWeightRule;
import io.flywheel.testkit.PriceFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TradingBookTest {
    private static final TradingBook.Settings DAILY = new TradingBook.Settings(10_000, Duration.ofDays(1), 0, null);
    private static final StrategyWeightRule KEEP = (r, current) -> current;

    private static final class Log implements BookListener {
        final List<Fill> fills = new ArrayList<>();
        final List<Signal> signals = new ArrayList<>();
        final List<Trade> trades = new ArrayList<>();
        final List<PeriodReport> periods = new ArrayList<>();

        @Override public void filled(Fill f) { fills.add(f); }
        @Override public void signal(Signal s) { signals.add(s); }
        @Override public void tradeClosed(Trade t) { trades.add(t); }
        @Override public void periodClosed(PeriodReport p) { periods.add(p); }
    }

    /** Long (exposure e) from bar {@code in} up to bar {@code out}, flat otherwise. */
    private static Strategy window(int in, int out, double e) {
        return h -> h.size() - 1 >= in && h.size() - 1 < out ? e : 0;
    }

    private static TradingBook book(List<TradingBook.Slot> slots, TradingBook.Settings s, double feeBps, double slipBps, StrategyWeightRule rule,
            Map<String, Double> weights, BookListener l) {
        return new TradingBook(slots, s, new PaperBroker(feeBps, slipBps), rule, weights, l);
    }

    @Test
    void ordersFillAtTheNextOpenWithSlippageAgainstTheTraderAndAFeeOnTheValue() {
        Log log = new Log();
        List<Bar> bars = Bars.daily("X", new double[] {100, 101, 110, 120, 118}, new double[] {100, 105, 115, 119, 121});
        TradingBook b = book(List.of(new TradingBook.Slot("s", "X", window(1, 3, 1.0))), DAILY, 10, 20, KEEP, Map.of(), log);

        bars.forEach(b::onBar);

        assertThat(log.fills).hasSize(2);
        Fill buy = log.fills.get(0);
        // decided at bar 1's close (105), filled at bar 2's open 110 plus 0.2% slippage
        assertThat(buy.time()).isEqualTo(bars.get(2).time());
        assertThat(buy.order().placedAt()).isEqualTo(bars.get(1).time());
        assertThat(buy.price()).isCloseTo(110 * 1.002, within(1e-9));
        assertThat(buy.quantity()).isCloseTo(10_000 / 105.0, within(1e-9));
        assertThat(buy.fee()).isCloseTo(buy.quantity() * buy.price() * 0.001, within(1e-9));
        Fill sell = log.fills.get(1);
        // exit decided at bar 3's close, filled at bar 4's open 118 minus 0.2%
        assertThat(sell.time()).isEqualTo(bars.get(4).time());
        assertThat(sell.price()).isCloseTo(118 * 0.998, within(1e-9));
        assertThat(sell.quantity()).isCloseTo(-buy.quantity(), within(1e-9));

        double expectedCash = 10_000 - buy.quantity() * buy.price() - buy.fee() + buy.quantity() * sell.price() - sell.fee();
        assertThat(b.cash()).isCloseTo(expectedCash, within(1e-6));
        assertThat(b.equity()).isCloseTo(expectedCash, within(1e-6));
        assertThat(log.trades).singleElement().satisfies(t -> {
            assertThat(t.profit()).isCloseTo(expectedCash - 10_000, within(1e-6));
            assertThat(t.entryPrice()).isCloseTo(buy.price(), within(1e-9));
            assertThat(t.exitPrice()).isCloseTo(sell.price(), within(1e-9));
            assertThat(t.side()).isEqualTo(Trade.Side.LONG);
        });
        assertThat(log.signals).extracting(Signal::kind).containsExactly(Signal.Kind.ENTRY, Signal.Kind.EXIT);
    }

    @Test
    void nothingFillsOnTheBarItWasDecidedOn() {
        PaperBroker broker = new PaperBroker(0, 0);
        Bar bar = Bars.closes("X", 10).getFirst();
        broker.submit(new io.flywheel.api.trading.Order("s", "X", 1, bar.time(), "entry"));

        assertThat(broker.onBar(bar)).isEmpty();
        assertThat(broker.onBar(new Bar("Y", bar.time().plusSeconds(60), 1, 1, 1, 1, 0))).as("another symbol").isEmpty();
        assertThat(broker.onBar(new Bar("X", bar.time().plusSeconds(60), 12, 12, 12, 12, 0))).singleElement()
                .extracting(Fill::price).isEqualTo(12.0);
        assertThat(broker.pending()).isEmpty();
    }

    @Test
    void subAccountsAlwaysAddUpToTheRealAccountAndProfitIsAttributedExactly() {
        List<Bar> btc = PriceFixtures.btcDaily().subList(3000, 4000);
        List<Bar> eth = PriceFixtures.ethDaily().subList(500, 1500);
        List<Bar> bars = new ArrayList<>(btc);
        bars.addAll(eth);
        bars.sort(java.util.Comparator.comparing(Bar::time));
        Log log = new Log();
        List<TradingBook.Slot> slots = List.of(
                new TradingBook.Slot("btc-trend", "BTC-USD", Strategies.smaCross(10, 40)),
                new TradingBook.Slot("btc-hold", "BTC-USD", h -> 1.0),
                new TradingBook.Slot("eth-trend", "ETH-USD", Strategies.smaCross(5, 20)),
                new TradingBook.Slot("eth-half", "ETH-USD", h -> 0.5));
        TradingBook b = book(slots, new TradingBook.Settings(50_000, Duration.ofDays(7), 0.05, null), 10, 5, new HedgeRule(5), Map.of(), log);

        for (Bar bar : bars) {
            b.onBar(bar);
            assertThat(b.attributedEquity()).isCloseTo(b.equity(), within(1e-7 * b.equity()));
            Map<String, Double> held = new LinkedHashMap<>();
            slots.forEach(s -> held.merge(s.symbol(), b.holdings().get(s.id()), Double::sum));
            held.forEach((symbol, q) -> assertThat(b.positions().getOrDefault(symbol, 0.0)).isCloseTo(q, within(1e-9 * Math.max(1, Math.abs(q)))));
        }

        // Each period's profit per strategy, summed over strategies and periods, is the whole profit.
        double attributed = 0;
        for (PeriodReport p : log.periods) {
            for (var e : p.returns().entrySet()) {
                double end = p.equity().get(e.getKey());
                attributed += end - end / (1 + e.getValue());
            }
        }
        PeriodReport last = log.periods.getLast();
        double lastTotal = last.equity().values().stream().mapToDouble(Double::doubleValue).sum();
        double sinceLast = b.equity() - lastTotal;
        assertThat(attributed + sinceLast).isCloseTo(b.equity() - 50_000, within(1e-6 * 50_000));
        assertThat(log.periods).hasSizeGreaterThan(100);
        assertThat(log.fills).hasSizeGreaterThan(50);
        assertThat(log.trades).isNotEmpty();
    }

    @Test
    void eachPeriodMovesCapitalToTheNewWeights() {
        List<Bar> bars = Bars.closes("X", 100, 110, 121, 100, 90, 95, 105, 120);
        Map<String, Double> fixed = Map.of("a", 0.75, "b", 0.25);
        List<Map<String, Double>> seenAtRebalance = new ArrayList<>();
        TradingBook[] holder = new TradingBook[1];
        BookListener l = new BookListener() {
            @Override
            public void periodClosed(PeriodReport p) {
                seenAtRebalance.add(holder[0].equities());
            }
        };
        holder[0] = book(List.of(new TradingBook.Slot("a", "X", h -> 1.0), new TradingBook.Slot("b", "X", h -> 0.0)), DAILY, 10, 0,
                (r, current) -> fixed, Map.of(), l);

        bars.forEach(holder[0]::onBar);

        assertThat(seenAtRebalance).hasSize(bars.size() - 1);
        for (Map<String, Double> eq : seenAtRebalance) {
            double total = eq.get("a") + eq.get("b");
            assertThat(eq.get("a") / total).isCloseTo(0.75, within(1e-9));
        }
        // after the last rebalance a's position (with the order for the next open) is resized to its new capital
        TradingBook b = holder[0];
        double ordered = b.broker().pending().stream().filter(o -> o.account().equals("a")).mapToDouble(io.flywheel.api.trading.Order::quantity).sum();
        double units = b.holdings().get("a") + ordered;
        assertThat(units * 120 / b.equities().get("a")).isCloseTo(1.0, within(TradingBook.MIN_RESIZE));
    }

    @Test
    void aFrozenPeriodKeepsTheWeightsAndPlacesNoRebalanceOrders(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Log log = new Log();
        var frozen = new io.flywheel.engine.learning.StrategyGuard((r, c) -> { throw new AssertionError("frozen: the rule is not asked"); },
                new io.flywheel.engine.learning.FreezeSwitch(true, io.flywheel.engine.learning.FreezeSwitch.file(dir)), 0.25, 0, 0.05);
        List<TradingBook.Slot> slots = List.of(new TradingBook.Slot("trend", "X", h -> 1.0), new TradingBook.Slot("rsi", "X", h -> 1.0),
                new TradingBook.Slot("turtle", "X", h -> 1.0), new TradingBook.Slot("hold", "X", h -> 1.0));
        Map<String, Double> initial = new LinkedHashMap<>();
        initial.put("trend", 1.0);
        initial.put("rsi", 0.0);
        initial.put("turtle", 0.0);
        initial.put("hold", 0.0);
        TradingBook b = book(slots, new TradingBook.Settings(10_000, Duration.ofDays(1), 0.05, null), 10, 0, frozen, initial, log);

        Bars.closes("X", 100, 102, 101, 105, 107, 104, 110, 111).forEach(b::onBar);

        assertThat(log.periods).hasSize(7).allSatisfy(p -> assertThat(p.weightsAfter()).isEqualTo(p.weightsBefore()));
        assertThat(b.weights().get("trend")).isCloseTo(0.85, within(1e-12));
        assertThat(b.weights()).containsEntry("hold", 0.05);
        assertThat(log.fills).extracting(f -> f.order().reason()).containsOnly("entry");
    }

    @Test
    void aFailingStrategyIsFlattenedAndTheOthersGoOn() {
        Log log = new Log();
        Strategy flaky = h -> {
            if (h.size() > 3) {
                throw new IllegalStateException("indicator blew up");
            }
            return 1.0;
        };
        Strategy peeker = h -> h.bar(h.size()).close() > 0 ? 1 : 0;
        Strategy wild = h -> 3.0;
        TradingBook b = book(List.of(new TradingBook.Slot("flaky", "X", flaky), new TradingBook.Slot("peeker", "X", peeker),
                new TradingBook.Slot("wild", "X", wild), new TradingBook.Slot("ok", "X", h -> 1.0)), DAILY, 0, 0, KEEP, Map.of(), log);

        Bars.closes("X", 10, 11, 12, 13, 14, 15, 16).forEach(b::onBar);

        assertThat(log.signals).filteredOn(s -> s.kind() == Signal.Kind.FAILED).extracting(Signal::strategyId, Signal::note)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("peeker", "bar 1 of X: only bars 0..0 are in the past"),
                        org.assertj.core.groups.Tuple.tuple("wild", "exposure must be between -1 and 1, found 3.0"),
                        org.assertj.core.groups.Tuple.tuple("flaky", "indicator blew up"));
        assertThat(b.holdings().get("flaky")).isZero();
        assertThat(b.holdings().get("ok")).isPositive();
    }

    @Test
    void barsBeforeTradeFromOnlyWarmStrategiesUp() {
        Log log = new Log();
        int[] seen = new int[1];
        Strategy s = h -> {
            seen[0] = h.size();
            return h.size() >= 3 ? 1 : 0;
        };
        List<Bar> bars = Bars.closes("X", 10, 11, 12, 13, 14, 15);
        TradingBook b = book(List.of(new TradingBook.Slot("s", "X", s)),
                new TradingBook.Settings(1000, Duration.ofDays(1), 0, bars.get(4).time()), 0, 0, KEEP, Map.of(), log);

        bars.forEach(b::onBar);

        assertThat(seen[0]).isEqualTo(6);
        assertThat(log.signals).singleElement().satisfies(sig -> {
            assertThat(sig.kind()).isEqualTo(Signal.Kind.ENTRY);
            assertThat(sig.time()).isEqualTo(bars.get(4).time());
        });
        assertThat(log.fills).singleElement().extracting(Fill::time).isEqualTo(bars.get(5).time());
    }

    @Test
    void shortPositionsAreBookedWithCashFromTheSale() {
        Log log = new Log();
        TradingBook b = book(List.of(new TradingBook.Slot("s", "X", window(0, 2, -1.0))), DAILY, 0, 0, KEEP, Map.of(), log);

        Bars.closes("X", 100, 100, 90, 80).forEach(b::onBar);

        // short 100 units at 100 (bar 1 open), bought back at 90 (bar 3 open): +1000
        assertThat(log.trades).singleElement().satisfies(t -> {
            assertThat(t.side()).isEqualTo(Trade.Side.SHORT);
            assertThat(t.profit()).isCloseTo(1000, within(1e-6));
        });
        assertThat(b.equity()).isCloseTo(11_000, within(1e-6));
    }

    @Test
    void periodReturnsAreEachStrategysReturnOnItsOwnCapital() {
        Log log = new Log();
        TradingBook b = book(List.of(new TradingBook.Slot("long", "X", h -> 1.0), new TradingBook.Slot("flat", "X", h -> 0.0)), DAILY, 0, 0, KEEP,
                Map.of(), log);

        Bars.daily("X", new double[] {100, 100, 110}, new double[] {100, 110, 121}).forEach(b::onBar);

        // bought at bar 1's open (100) with 5000 -> 50 units; period 1 ends at 110: +10%; period 2 closes at 121 next bar
        assertThat(log.periods.get(1).returns().get("long")).isCloseTo(0.10, within(1e-12));
        assertThat(log.periods.get(1).returns().get("flat")).isZero();
    }

    @Test
    void fourHourBarsCloseADailyPeriodAtMidnight() {
        List<Bar> bars = PriceFixtures.btc4h().subList(0, 60);
        Log log = new Log();
        TradingBook b = book(List.of(new TradingBook.Slot("s", "BTC-USD", h -> 1.0)), DAILY, 0, 0, KEEP, Map.of(), log);
        bars.forEach(b::onBar);
        assertThat(log.periods).allSatisfy(p -> assertThat(p.end().getEpochSecond() % 86_400).isZero());
        assertThat(log.periods.size()).isBetween(8, 11);
        assertThat(Instant.parse("2016-05-19T00:00:00Z")).isEqualTo(log.periods.getFirst().end());
    }

    /**
     * A paper book replays a late group's bars in time order once it is pruned (see PaperTrader.needless):
     * within one period, how two symbols' bars interleave must not change the book, the real account's
     * cash and equity to the last bit included, not only the sub-accounts.
     */
    @Test
    void theRealAccountDoesNotDependOnHowTwoSymbolsBarsInterleaveWithinAPeriod() {
        int differing = 0;
        for (int seed = 0; seed < 50; seed++) {
            java.util.Random r = new java.util.Random(seed);
            List<Bar> s = new ArrayList<>();
            List<Bar> t = new ArrayList<>();
            Instant t0 = Instant.parse("2024-01-01T00:00:00Z");
            double cs = 100;
            double ct = 50;
            for (int i = 0; i < 6; i++) {
                Instant time = t0.plus(Duration.ofHours(i));
                double os = cs;
                double ot = ct;
                cs *= 1 + (r.nextDouble() - 0.5) * 0.05;
                ct *= 1 + (r.nextDouble() - 0.5) * 0.05;
                s.add(new Bar("S", time, os, Math.max(os, cs), Math.min(os, cs), cs, 1));
                t.add(new Bar("T", time, ot, Math.max(ot, ct), Math.min(ot, ct), ct, 1));
            }
            List<Bar> inTime = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                inTime.add(s.get(i));
                inTime.add(t.get(i));
            }
            // S's bars after the first, traded late: after T's, as a paper book traded a late group
            List<Bar> late = new ArrayList<>(List.of(s.getFirst(), t.getFirst()));
            late.addAll(t.subList(1, 6));
            late.addAll(s.subList(1, 6));
            TradingBook a = alternating(t0);
            TradingBook b = alternating(t0);
            inTime.forEach(a::onBar);
            late.forEach(b::onBar);
            assertThat(b.equities()).isEqualTo(a.equities());
            assertThat(b.positions()).isEqualTo(a.positions());
            differing += b.cash() == a.cash() && b.equity() == a.equity() ? 0 : 1;
        }
        assertThat(differing).as("books whose real account differs in the last bits").isZero();
    }

    private static TradingBook alternating(Instant from) {
        return book(List.of(new TradingBook.Slot("a", "S", h -> h.size() % 2 == 0 ? 1.0 : 0.0), new TradingBook.Slot("b", "T", h -> h.size() % 2 == 1 ? 1.0 : 0.0)),
                new TradingBook.Settings(10_000, Duration.ofDays(1), 0.02, from), 10, 5, KEEP, Map.of(), BookListener.NONE);
    }
}
