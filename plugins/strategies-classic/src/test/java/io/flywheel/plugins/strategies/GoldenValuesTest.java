package io.flywheel.plugins.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.CellValue;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.FormulaEvaluator;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.junit.jupiter.api.Test;
import org.ta4j.core.BarSeries;
import org.ta4j.core.BaseBarSeriesBuilder;
import org.ta4j.core.Indicator;
import org.ta4j.core.indicators.helpers.ClosePriceIndicator;
import org.ta4j.core.num.DoubleNumFactory;
import org.ta4j.core.num.Num;

/**
 * The indicators the strategies use, against independent golden values.
 *
 * <p>Tolerances: SMA and running max/min are exact up to floating point (1e-9). The recursive
 * ones differ only in how they start: TTR seeds its EMA and Wilder RSI with the simple average of
 * the first n values, ta4j 0.22 with the value at its first stable bar (its workbooks, written for
 * older ta4j, with the first value). The difference decays by (1 - alpha) per bar, so recursive
 * values are compared once it has decayed: EMA from bar 10n within 1e-6; RSI (Wilder, alpha 1/n)
 * from bar 20n within 1e-4 RSI points, except TTR's RSI(14), whose 250 rows allow bar 200 and 1e-3.
 */
class GoldenValuesTest {

    private static BarSeries ttrInput() throws IOException {
        BarSeries s = new BaseBarSeriesBuilder().withNumFactory(DoubleNumFactory.getInstance()).build();
        for (String[] f : csv("golden/ttr/input_ttrc_1_250.csv")) {
            Instant t = LocalDate.parse(f[0]).atStartOfDay(ZoneOffset.UTC).toInstant();
            s.addBar(IndicatorStrategy.toTa4j(new io.flywheel.api.market.Bar("TTRC", t, d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5]))));
        }
        return s;
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }

    private static List<String[]> csv(String resource) throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = GoldenValuesTest.class.getClassLoader().getResourceAsStream(resource);
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                rows.add(line.replace("\"", "").split(","));
            }
        }
        return rows;
    }

    /** TTR's column: {@code NaN} where TTR says NA. */
    private static double[] ttr(String file) throws IOException {
        return csv("golden/ttr/" + file).stream().mapToDouble(f -> f[0].equals("NA") ? Double.NaN : d(f[0])).toArray();
    }

    private static void assertMatches(Indicator<Num> indicator, double[] expected, int from, double tolerance, String what) {
        int compared = 0;
        for (int i = from; i < expected.length; i++) {
            if (Double.isNaN(expected[i])) {
                continue;
            }
            if (i < indicator.getCountOfUnstableBars() && indicator.getValue(i).isNaN()) {
                continue; // ta4j says NaN while an indicator warms up
            }
            assertThat(indicator.getValue(i).doubleValue()).as("%s at bar %d", what, i).isCloseTo(expected[i], within(tolerance));
            compared++;
        }
        assertThat(compared).as(what + " values compared").isGreaterThanOrEqualTo(40);
    }

    @Test
    void movingAveragesMatchTtr() throws IOException {
        BarSeries s = ttrInput();
        ClosePriceIndicator close = new ClosePriceIndicator(s);
        assertMatches(Indicators.movingAverage(MovingAverage.SMA, close, 10), ttr("MA__allSMA.csv"), 0, 1e-9, "SMA(10)");
        assertMatches(Indicators.movingAverage(MovingAverage.EMA, close, 10), ttr("MA__allEMA.csv"), 100, 1e-6, "EMA(10)");
    }

    @Test
    void rsiMatchesTtrOnceTheSeedingHasDecayed() throws IOException {
        BarSeries s = ttrInput();
        assertMatches(Indicators.rsi(new ClosePriceIndicator(s), 14), ttr("Oscillators__allRSI.csv"), 200, 1e-3, "RSI(14)");
    }

    @Test
    void donchianBandsMatchTtrRunningMaxAndMin() throws IOException {
        BarSeries s = ttrInput();
        ClosePriceIndicator close = new ClosePriceIndicator(s);
        double[] max = ttr("runFun__allMax.csv");
        double[] min = ttr("runFun__allMin.csv");
        // highestBefore at bar i is TTR's runMax at bar i - 1: the channel excludes the current bar.
        double[] maxBefore = new double[max.length];
        double[] minBefore = new double[min.length];
        maxBefore[0] = minBefore[0] = Double.NaN;
        System.arraycopy(max, 0, maxBefore, 1, max.length - 1);
        System.arraycopy(min, 0, minBefore, 1, min.length - 1);
        assertMatches(Indicators.highestBefore(close, 10), maxBefore, 0, 1e-9, "highest close of the 10 bars before");
        assertMatches(Indicators.lowestBefore(close, 10), minBefore, 0, 1e-9, "lowest close of the 10 bars before");
    }

    @Test
    void smaMatchesTa4jWorkbookForEveryPeriod() throws IOException {
        for (int period : new int[] {1, 3, 13}) {
            Workbook w = Workbook.open("golden/ta4j/golden-SMA.xls", period, 6);
            assertMatches(Indicators.movingAverage(MovingAverage.SMA, new ClosePriceIndicator(w.series), period), w.values, 0, 1e-6, "SMA(" + period + ")");
        }
    }

    @Test
    void emaMatchesTa4jWorkbookForEveryPeriod() throws IOException {
        for (int period : new int[] {1, 3, 13}) {
            Workbook w = Workbook.open("golden/ta4j/golden-EMA.xls", period, 6);
            assertMatches(Indicators.movingAverage(MovingAverage.EMA, new ClosePriceIndicator(w.series), period), w.values, 10 * period, 1e-6, "EMA(" + period + ")");
        }
    }

    @Test
    void rsiMatchesTa4jWorkbookForEveryPeriod() throws IOException {
        for (int period : new int[] {1, 3, 13}) {
            Workbook w = Workbook.open("golden/ta4j/golden-RSI.xls", period, 10);
            assertMatches(Indicators.rsi(new ClosePriceIndicator(w.series), period), w.values, 20 * period, 1e-4, "RSI(" + period + ")");
        }
    }

    /**
     * One of ta4j's workbooks recomputed for a period: the row after the one whose first cell says
     * "Param" holds the period; data rows follow the "Date" header (date, open, high, low, close,
     * volume, then formula columns).
     */
    record Workbook(BarSeries series, double[] values) {
        static Workbook open(String resource, int period, int column) throws IOException {
            try (InputStream in = GoldenValuesTest.class.getClassLoader().getResourceAsStream(resource);
                    HSSFWorkbook book = new HSSFWorkbook(in)) {
                Sheet sheet = book.getSheetAt(0);
                FormulaEvaluator eval = book.getCreationHelper().createFormulaEvaluator();
                DataFormatter text = new DataFormatter();
                List<Row> data = new ArrayList<>();
                boolean paramSet = false;
                boolean inData = false;
                var rows = sheet.rowIterator();
                while (rows.hasNext()) {
                    Row row = rows.next();
                    if (row.getCell(0) == null) {
                        continue;
                    }
                    String first = text.formatCellValue(row.getCell(0), eval);
                    if (!paramSet && first.contains("Param")) {
                        rows.next().getCell(1).setCellValue(period);
                        paramSet = true;
                    } else if (inData && !first.equals("//")) {
                        data.add(row);
                    } else if (!inData && first.contains("Date")) {
                        inData = true;
                    }
                }
                assertThat(paramSet).as(resource + " has a Param row").isTrue();
                eval.clearAllCachedResultValues();
                BarSeries series = new BaseBarSeriesBuilder().withNumFactory(DoubleNumFactory.getInstance()).build();
                double[] values = new double[data.size()];
                Instant t = Instant.parse("2000-01-01T00:00:00Z");
                for (int i = 0; i < data.size(); i++) {
                    Row r = data.get(i);
                    double[] ohlcv = new double[5];
                    for (int c = 0; c < 5; c++) {
                        ohlcv[c] = eval.evaluate(r.getCell(c + 1)).getNumberValue();
                    }
                    series.addBar(IndicatorStrategy.toTa4j(new io.flywheel.api.market.Bar("XLS", t.plusSeconds(86_400L * i),
                            ohlcv[0], Math.max(ohlcv[1], Math.max(ohlcv[0], ohlcv[3])), Math.min(ohlcv[2], Math.min(ohlcv[0], ohlcv[3])), ohlcv[3], ohlcv[4])));
                    CellValue v = eval.evaluate(r.getCell(column));
                    values[i] = v.getCellType() == CellType.NUMERIC ? v.getNumberValue() : Double.NaN;
                }
                return new Workbook(series, values);
            }
        }
    }

}
