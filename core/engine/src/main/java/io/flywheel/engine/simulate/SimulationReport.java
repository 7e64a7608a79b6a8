package io.flywheel.engine.simulate;

import io.flywheel.engine.config.Durations;
import io.flywheel.engine.learning.Charts;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The table and the PNG charts of keyword runs. */
public final class SimulationReport {
    /** The goals of issue 8: stationary regret at most this share of uniform weights'. */
    public static final double REGRET_GOAL = 0.15;
    /** ...and recovery after a drift within this many rounds. */
    public static final int RECOVERY_GOAL = 1_000;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private SimulationReport() {}

    /** One scenario's run and its figures. */
    public record Outcome(KeywordSimulation.Result result, RegretSummary summary) {
        public static Outcome of(KeywordSimulation.Result r) {
            return new Outcome(r, RegretSummary.of(r));
        }

        public String name() {
            return result.audience().name();
        }
    }

    public static List<String> lines(Outcome o) {
        KeywordSimulation.Result r = o.result();
        KeywordSimulation.Setup s = r.setup();
        RegretSummary sum = o.summary();
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "Scenario %s: %,d rounds of %d candidate leads, 1 posted per round (explore %.2f), keyword update every %d rounds on %d window(s) of %s, seed %d",
                o.name(), s.rounds(), s.candidates(), s.explore(), s.updateEvery(), s.windows(), Durations.format(s.window()), s.seed()));
        if (r.audience().drifts(s.rounds())) {
            out.add(String.format(Locale.ROOT, "  the keywords' engagement probabilities turn round after round %,d", r.audience().driftAt()));
        }
        out.add(String.format(Locale.ROOT, "  %8s %12s %14s %8s %12s", "ROUNDS", "REGRET", "UNIFORM", "RATIO", "PER ROUND"));
        for (int i = 0; i < sum.checkpoints().size(); i++) {
            double reg = sum.regretAt().get(i);
            double uni = sum.uniformAt().get(i);
            out.add(String.format(Locale.ROOT, "  %,8d %12.1f %14.1f %8.3f %12.4f", sum.checkpoints().get(i), reg, uni, uni == 0 ? Double.NaN : reg / uni,
                    sum.perRound().get(i)));
        }
        out.add(String.format(Locale.ROOT, "  regret / uniform weights' regret at %,d rounds: %.3f%s", s.rounds(), sum.ratio(),
                r.audience().drifts(s.rounds()) ? "" : String.format(Locale.ROOT, " (goal <= %.2f: %s)", REGRET_GOAL, sum.ratio() <= REGRET_GOAL ? "met" : "NOT met")));
        out.add(String.format(Locale.ROOT, "  regret grows like T^%.2f from %,d to %,d rounds (1 = linear)", sum.growthExponent(), sum.checkpoints().getFirst(),
                sum.checkpoints().getLast()));
        if (sum.recoveryRounds() != null) {
            out.add(sum.recoveryRounds() < 0
                    ? String.format(Locale.ROOT, "  recovery after the drift: NOT within the run (pre-drift level %.4f/round, threshold %.4f)", sum.preDriftLevel(), sum.threshold())
                    : String.format(Locale.ROOT, "  recovery after the drift: %,d rounds (goal <= %,d: %s); the %d-round mean regret fell to %.4f/round (threshold %.4f: pre-drift %.4f + 10%% of uniform's)",
                            sum.recoveryRounds(), RECOVERY_GOAL, sum.recoveryRounds() <= RECOVERY_GOAL ? "met" : "NOT met", RegretSummary.RECOVERY_WINDOW,
                            sum.recoveryMean(), sum.threshold(), sum.preDriftLevel()));
        }
        out.add(String.format(Locale.ROOT, "  posts engaged: %,d of %,d (%.1f%%); %d keyword updates; %.1f s", r.engaged(), r.posts(),
                100.0 * r.engaged() / Math.max(1, r.posts()), r.weights().size(), r.elapsed().toMillis() / 1000.0));
        return out;
    }

    /** Writes {@code <name>-regret.png}, {@code <name>-per-round.png} and {@code <name>-weights.png} into {@code dir}. */
    public static List<Path> charts(Outcome o, Path dir) {
        try {
            Files.createDirectories(dir);
            List<Path> out = new ArrayList<>();
            KeywordSimulation.Result r = o.result();
            int n = r.regret().length;
            double[] x = IntStream.rangeClosed(1, n).asDoubleStream().toArray();
            XYChart cum = chart(o.name() + ": cumulative regret (oracle = 0)", "round", "cumulative regret");
            cum.addSeries("keyword-weights.js", x, RegretSummary.cumulative(r.regret())).setMarker(SeriesMarkers.NONE);
            cum.addSeries("uniform weights", x, RegretSummary.cumulative(r.uniformRegret())).setMarker(SeriesMarkers.NONE);
            out.add(write(cum, dir.resolve(o.name() + "-regret.png")));
            int w = RegretSummary.RECOVERY_WINDOW;
            XYChart per = chart(o.name() + ": regret per round (mean of the last " + w + " rounds)", "round", "regret per round");
            per.addSeries("keyword-weights.js", x, RegretSummary.movingAverage(r.regret(), w)).setMarker(SeriesMarkers.NONE);
            per.addSeries("uniform weights", x, RegretSummary.movingAverage(r.uniformRegret(), w)).setMarker(SeriesMarkers.NONE);
            out.add(write(per, dir.resolve(o.name() + "-per-round.png")));
            Path weights = dir.resolve(o.name() + "-weights.png");
            Files.write(weights, Charts.weights(r.weights(), o.name() + ": keyword weights (simulated time)", 10));
            out.add(weights);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write charts into " + dir + ": " + e.getMessage(), e);
        }
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        return c;
    }

    private static Path write(XYChart chart, Path file) throws IOException {
        Files.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        return file;
    }
}
