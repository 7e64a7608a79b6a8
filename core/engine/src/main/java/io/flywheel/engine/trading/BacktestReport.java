package io.flywheel.engine.trading;

import io.flywheel.api.trading.Fill;
import io.flywheel.engine.text.Cells;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** What a backtest leaves behind: a table on the console, the trades and fills as CSV, an equity chart as PNG. */
public final class BacktestReport {
    /** Points drawn per curve at most; longer runs are thinned evenly (the last point is kept). */
    static final int MAX_POINTS = 2_000;

    private BacktestReport() {}

    /** Prints the metrics of {@code results} side by side. */
    public static void table(PrintStream out, List<BacktestResult> results) {
        out.printf(Locale.ROOT, "%-16s", "");
        results.forEach(r -> out.print(" " + Cells.padLeft(Cells.cut(r.label(), 14), 14)));
        out.println();
        row(out, "total return", results, r -> pct(r.metrics().totalReturn()));
        row(out, "CAGR", results, r -> pct(r.metrics().cagr()));
        row(out, "Sharpe", results, r -> num(r.metrics().sharpe()));
        row(out, "Sortino", results, r -> num(r.metrics().sortino()));
        row(out, "max drawdown", results, r -> pct(-r.metrics().maxDrawdown()));
        row(out, "win rate", results, r -> share(r.metrics().winRate()));
        row(out, "trades", results, r -> Integer.toString(r.metrics().trades()) + (r.openTrades().isEmpty() ? "" : " +" + r.openTrades().size() + " open"));
        row(out, "exposure", results, r -> share(r.metrics().exposure()));
        row(out, "final equity", results, r -> r.equity().length == 0 ? "-" : String.format(Locale.ROOT, "%.2f", r.equity()[r.equity().length - 1]));
    }

    private static void row(PrintStream out, String name, List<BacktestResult> results, java.util.function.Function<BacktestResult, String> value) {
        out.printf(Locale.ROOT, "%-16s", name);
        results.forEach(r -> out.printf(Locale.ROOT, " %14s", value.apply(r)));
        out.println();
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%+.2f%%", v * 100);
    }

    /** A fraction as an unsigned percentage. */
    static String share(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f%%", v * 100);
    }

    static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** Round trips, closed and still open, one per line. */
    public static void writeTrades(Path file, BacktestResult result) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("strategy,symbol,side,entry_time,entry_price,exit_time,exit_price,quantity,profit,return,status\n");
            for (Trade t : result.trades()) {
                w.write(trade(t, "closed"));
            }
            for (Trade t : result.openTrades()) {
                w.write(trade(t, "open"));
            }
        }
    }

    private static String trade(Trade t, String status) {
        return String.format(Locale.ROOT, "%s,%s,%s,%s,%.8g,%s,%.8g,%.8g,%.4f,%.6f,%s%n", t.strategyId(), t.symbol(), t.side().name().toLowerCase(Locale.ROOT),
                t.entryTime(), t.entryPrice(), t.exitTime(), t.exitPrice(), t.quantity(), t.profit(), t.returnOnEntry(), status);
    }

    /** Every fill, in order. */
    public static void writeFills(Path file, List<Fill> fills) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(FILLS_HEADER);
            for (Fill f : fills) {
                w.write(fill(f));
            }
        }
    }

    static final String FILLS_HEADER = "time,strategy,symbol,quantity,price,fee,reason,decided_at\n";

    static String fill(Fill f) {
        // "%s,%s,%s,%.10g,%.10g,%.6f,%s,%s%n": only the numbers through the Formatter (a first start journals the whole history)
        return f.time() + "," + f.order().account() + "," + f.order().symbol() + "," + String.format(Locale.ROOT, "%.10g,%.10g,%.6f", f.quantity(), f.price(), f.fee())
                + "," + f.order().reason() + "," + f.order().placedAt() + System.lineSeparator();
    }

    /** One equity curve per result, on one chart. */
    public static void writeChart(Path file, String title, List<BacktestResult> results) throws IOException {
        XYChart chart = new XYChartBuilder().width(1200).height(600).title(title).xAxisTitle("").yAxisTitle("equity").build();
        chart.getStyler().setDatePattern("yyyy-MM-dd");
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xE0E0E0));
        chart.getStyler().setYAxisDecimalPattern("#,##0");
        for (BacktestResult r : results) {
            if (r.equity().length == 0) {
                continue;
            }
            List<Date> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            int n = r.equity().length;
            int step = Math.max(1, n / MAX_POINTS);
            for (int i = 0; i < n; i += step) {
                x.add(Date.from(r.times().get(i)));
                y.add(r.equity()[i]);
            }
            if ((n - 1) % step != 0) {
                x.add(Date.from(r.times().get(n - 1)));
                y.add(r.equity()[n - 1]);
            }
            XYSeries s = chart.addSeries(r.label() + " " + pct(r.metrics().totalReturn()), x, y);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineStyle(new BasicStroke(1.5f));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Weights as percentages, for one line. */
    public static String weights(java.util.Map<String, Double> weights) {
        StringBuilder b = new StringBuilder();
        weights.forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append(' ').append(String.format(Locale.ROOT, "%.1f%%", v * 100)));
        return b.isEmpty() ? "-" : b.toString();
    }

    /** The time span of a result, for titles. */
    public static String span(BacktestResult r) {
        if (r.times().isEmpty()) {
            return "no bars";
        }
        Instant a = r.times().getFirst();
        Instant b = r.times().getLast();
        return a.toString().substring(0, 10) + " .. " + b.toString().substring(0, 10) + " (" + r.times().size() + " bars)";
    }
}
