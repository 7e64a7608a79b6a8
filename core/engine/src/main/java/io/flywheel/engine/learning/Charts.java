package io.flywheel.engine.learning;

import io.flywheel.engine.feedback.WeightSet;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/** PNG charts of the funnel and of how weights moved, for the CLI and for Discord attachments. */
public final class Charts {
    static final int WIDTH = 900;
    static final int HEIGHT = 500;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {}

    /** A grouped bar chart: for each of the first {@code limit} rows, its leads at every stage. */
    public static byte[] funnel(List<Funnel.Row> rows, String title, int limit) {
        List<Funnel.Row> shown = rows.stream().limit(limit).toList();
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("").yAxisTitle("leads").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisLabelRotation(shown.size() > 6 ? 30 : 0);
        List<String> keys = shown.stream().map(Funnel.Row::key).toList();
        if (keys.isEmpty()) {
            keys = List.of("(no leads)");
            shown = List.of(new Funnel.Row("(no leads)", 0, 0, 0, 0, 0, 0));
        }
        chart.addSeries("found", keys, shown.stream().map(Funnel.Row::found).toList());
        chart.addSeries("posted", keys, shown.stream().map(Funnel.Row::posted).toList());
        chart.addSeries("engaged", keys, shown.stream().map(Funnel.Row::engaged).toList());
        chart.addSeries("applied", keys, shown.stream().map(Funnel.Row::applied).toList());
        chart.addSeries("won", keys, shown.stream().map(Funnel.Row::won).toList());
        return png(chart);
    }

    /** One line per name (the {@code limit} with the highest latest weight) across the weight history. */
    public static byte[] weights(List<WeightSet> history, String title, int limit) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("time").yAxisTitle("weight").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setDatePattern("MM-dd HH:mm");
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        if (history.isEmpty()) {
            chart.addSeries("(no weights recorded)", new double[] {0, 1}, new double[] {0, 0});
            return png(chart);
        }
        Map<String, Double> latest = history.getLast().weights();
        Set<String> names = new LinkedHashSet<>();
        latest.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(limit).forEach(e -> names.add(e.getKey()));
        for (String name : names) {
            List<Date> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (WeightSet set : history) {
                Double w = set.weights().get(name);
                if (w != null) {
                    x.add(Date.from(set.time()));
                    y.add(w);
                }
            }
            if (x.size() == 1) {
                x.add(Date.from(history.getLast().time().plusSeconds(1)));
                y.add(y.getFirst());
            }
            chart.addSeries(name, x, y);
        }
        return png(chart);
    }

    static byte[] png(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render chart", e);
        }
    }
}
