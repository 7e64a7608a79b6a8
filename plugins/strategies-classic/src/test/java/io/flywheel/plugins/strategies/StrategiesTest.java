package io.flywheel.plugins.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.market.Bar;
import io.flywheel.api.strategy.Strategy;
import io.flywheel.testkit.PriceFixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.ta4j.core.BarSeries;
import org.ta4j.core.BaseBarSeriesBuilder;
import org.ta4j.core.Position;
import org.ta4j.core.TradingRecord;
import org.ta4j.core.backtest.BarSeriesManager;
import org.ta4j.core.backtest.TradeOnCurrentCloseModel;
import org.ta4j.core.num.DoubleNumFactory;

class StrategiesTest {
    private static final SmaCrossoverFactory.Config SMA = new SmaCrossoverFactory.Config(10, 30, null, null);
    private static final RsiReversionFactory.Config RSI = new RsiReversionFactory.Config(14, 30.0, 70.0, null);
    private static final DonchianBreakoutFactory.Config DONCHIAN = new DonchianBreakoutFactory.Config(20, 10, null);

    /** AAPL 2013 daily bars as shipped in org.ta4j:ta4j-examples. */
    private static List<Bar> aaplFromTa4jExamples() throws IOException {
        List<Bar> bars = new ArrayList<>();
        for (String[] f : resourceLines("appleinc_bars_from_20130101_usd.csv")) {
            Instant t = LocalDate.parse(f[0]).atStartOfDay(ZoneOffset.UTC).toInstant();
            bars.add(new Bar("AAPL", t, d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5])));
        }
        return bars;
    }

    /** The 100,000 Bitstamp trades shipped in org.ta4j:ta4j-examples, as 5-minute bars. */
    private static List<Bar> bitstampFiveMinuteBars() throws IOException {
        List<Bar> bars = new ArrayList<>();
        long bucket = -1;
        double o = 0, h = 0, l = 0, c = 0, v = 0;
        for (String[] f : resourceLines("bitstamp_trades_from_20131125_usd.csv")) {
            long t = Long.parseLong(f[0]) / 300 * 300;
            double price = d(f[1]);
            if (t != bucket) {
                if (bucket >= 0) {
                    bars.add(new Bar("BTC-USD", Instant.ofEpochSecond(bucket), o, h, l, c, v));
                }
                bucket = t;
                o = h = l = price;
                v = 0;
            }
            h = Math.max(h, price);
            l = Math.min(l, price);
            c = price;
            v += d(f[2]);
        }
        bars.add(new Bar("BTC-USD", Instant.ofEpochSecond(bucket), o, h, l, c, v));
        return bars;
    }

    private static List<String[]> resourceLines(String name) throws IOException {
        List<String[]> out = new ArrayList<>();
        try (InputStream in = StrategiesTest.class.getClassLoader().getResourceAsStream(name);
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line.split(","));
            }
        }
        return out;
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }

    /** Bar indices where the exposure rises from 0 (entries) and falls to 0 (exits), interleaved. */
    private static List<Integer> switches(double[] exposures) {
        List<Integer> out = new ArrayList<>();
        double before = 0;
        for (int i = 0; i < exposures.length; i++) {
            if ((before == 0) != (exposures[i] == 0)) {
                out.add(i);
            }
            before = exposures[i];
        }
        return out;
    }

    /** The same rules through ta4j's own backtester, trading on the signal bar's close. */
    private static List<Integer> ta4jSwitches(List<Bar> bars, Function<BarSeries, org.ta4j.core.Strategy> rules) {
        BarSeries series = new BaseBarSeriesBuilder().withNumFactory(DoubleNumFactory.getInstance()).build();
        bars.forEach(b -> series.addBar(IndicatorStrategy.toTa4j(b)));
        TradingRecord record = new BarSeriesManager(series, new TradeOnCurrentCloseModel()).run(rules.apply(series));
        List<Integer> out = new ArrayList<>();
        for (Position p : record.getPositions()) {
            out.add(p.getEntry().getIndex());
            out.add(p.getExit().getIndex());
        }
        if (record.getCurrentPosition().isOpened()) {
            out.add(record.getCurrentPosition().getEntry().getIndex());
        }
        return out;
    }

    @Test
    void barByBarDecisionsEqualTa4jsOwnBacktesterOnRealData() throws IOException {
        for (List<Bar> bars : List.of(aaplFromTa4jExamples(), bitstampFiveMinuteBars(), PriceFixtures.ethDaily(), PriceFixtures.sp500Weekly())) {
            var ctx = Histories.context("t");
            List<Integer> sma = switches(Histories.exposures(new SmaCrossoverFactory().create(SMA, ctx), bars));
            List<Integer> rsi = switches(Histories.exposures(new RsiReversionFactory().create(RSI, ctx), bars));
            List<Integer> donchian = switches(Histories.exposures(new DonchianBreakoutFactory().create(DONCHIAN, ctx), bars));

            assertThat(sma).as("sma on %d bars", bars.size()).isNotEmpty().isEqualTo(ta4jSwitches(bars, s -> SmaCrossoverFactory.rules(SMA, s)));
            assertThat(rsi).as("rsi on %d bars", bars.size()).isEqualTo(ta4jSwitches(bars, s -> RsiReversionFactory.rules(RSI, s)));
            assertThat(donchian).as("donchian on %d bars", bars.size()).isNotEmpty()
                    .isEqualTo(ta4jSwitches(bars, s -> DonchianBreakoutFactory.rules(DONCHIAN, s)));
        }
    }

    @Test
    void theBoundedSeriesOfALongRunDecidesLikeAnUnboundedOne() {
        List<Bar> bars = PriceFixtures.btc4h();
        // Long enough for the series to be cut back to the bars kept several times.
        assertThat(bars.size()).isGreaterThan(IndicatorStrategy.MIN_KEPT * IndicatorStrategy.TRIM_FACTOR * 4);
        var ctx = Histories.context("t");
        assertThat(switches(Histories.exposures(new RsiReversionFactory().create(RSI, ctx), bars)))
                .isEqualTo(ta4jSwitches(bars, s -> RsiReversionFactory.rules(RSI, s)));
        assertThat(switches(Histories.exposures(new SmaCrossoverFactory().create(SMA, ctx), bars)))
                .isEqualTo(ta4jSwitches(bars, s -> SmaCrossoverFactory.rules(SMA, s)));
        assertThat(switches(Histories.exposures(new DonchianBreakoutFactory().create(DONCHIAN, ctx), bars)))
                .isEqualTo(ta4jSwitches(bars, s -> DonchianBreakoutFactory.rules(DONCHIAN, s)));
    }

    private static List<Bar> closes(double... closes) {
        List<Bar> bars = new ArrayList<>();
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        for (int i = 0; i < closes.length; i++) {
            double c = closes[i];
            bars.add(new Bar("X", t.plusSeconds(86_400L * i), c, c * 1.01, c * 0.99, c, 1));
        }
        return bars;
    }

    @Test
    void smaCrossoverIsLongWhileTheFastAverageIsAbove() {
        Strategy s = new SmaCrossoverFactory().create(new SmaCrossoverFactory.Config(2, 3, null, 0.5), Histories.context("t"));
        double[] e = Histories.exposures(s, closes(10, 10, 10, 12, 14, 13, 9, 8));
        // warm-up 3 bars; bar 3: fast (11) > slow (10.67) -> long at half exposure; bar 6: fast 11 < slow 12 -> flat
        assertThat(e).containsExactly(0, 0, 0, 0.5, 0.5, 0.5, 0, 0);
    }

    @Test
    void rsiReversionBuysOversoldAndSellsOverbought() {
        Strategy s = new RsiReversionFactory().create(new RsiReversionFactory.Config(2, 30.0, 70.0, null), Histories.context("t"));
        double[] e = Histories.exposures(s, closes(10, 11, 10, 9, 8, 9, 10, 11, 10));
        assertThat(e[4]).as("after three falls").isEqualTo(1);
        assertThat(e[7]).as("after three rises").isEqualTo(0);
    }

    @Test
    void donchianBuysABreakoutAboveThePreviousHighs() {
        Strategy s = new DonchianBreakoutFactory().create(new DonchianBreakoutFactory.Config(3, 2, null), Histories.context("t"));
        double[] e = Histories.exposures(s, closes(10, 10, 10, 10, 11, 11, 10.5, 9));
        // bar 4: close 11 > highest high of bars 1-3 (10.1); bar 6: close 10.5 < lowest low of bars 4-5 (10.89)
        assertThat(e).containsExactly(0, 0, 0, 0, 1, 1, 0, 0);
    }

    @Test
    void buyAndHoldIsAlwaysIn() {
        Strategy s = new BuyAndHoldFactory().create(new BuyAndHoldFactory.Config(0.8), Histories.context("t"));
        assertThat(Histories.exposures(s, closes(1, 2, 3))).containsExactly(0.8, 0.8, 0.8);
    }

    @Test
    void aStrategyInstanceRefusesAHistoryThatStartsOver() {
        Strategy s = new SmaCrossoverFactory().create(SMA, Histories.context("t"));
        Histories.exposures(s, closes(1, 2, 3));
        assertThatThrownBy(() -> Histories.exposures(s, closes(1, 2))).hasMessageContaining("shrank from 3 to 1");
    }

    @Test
    void badParametersNameTheirKey() {
        assertThatThrownBy(() -> new SmaCrossoverFactory.Config(50, 20, null, null)).hasMessageStartingWith("slow:");
        assertThatThrownBy(() -> new SmaCrossoverFactory.Config(0, 20, null, null)).hasMessageStartingWith("fast:");
        assertThatThrownBy(() -> new RsiReversionFactory.Config(14, 70.0, 30.0, null)).hasMessageStartingWith("buy-below/sell-above:");
        assertThatThrownBy(() -> new DonchianBreakoutFactory.Config(0, 10, null)).hasMessageStartingWith("entry:");
        assertThatThrownBy(() -> new BuyAndHoldFactory.Config(1.5)).hasMessageStartingWith("exposure:");
    }
}
