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
    /**
     * The run length the stationary goal is stated at: cumulative regret over uniform's falls as a
     * run goes on, so a shorter run above the goal is too short to judge (below it, it is met).
     */
    public static final int REGRET_GOAL_ROUNDS = 10_000;

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
            out.add(String.format(Locale.ROOT, "  %,8d %12.1f %14.1f %8s %12.4f", sum.checkpoints().get(i), reg, uni,
                    uni == 0 ? "-" : String.format(Locale.ROOT, "%.3f", reg / uni), sum.perRound().get(i)));
        }
        Goal regretGoal = regretGoal(o);
        out.add(Double.isNaN(sum.ratio())
                ? String.format(Locale.ROOT, "  regret / uniform weights' regret at %,d rounds: cannot judge (uniform weights had no regret)", s.rounds())
                : String.format(Locale.ROOT, "  regret / uniform weights' regret at %,d rounds: %.3f%s", s.rounds(), sum.ratio(),
                        switch (regretGoal) {
                            case NONE -> "";
                            case MET -> String.format(Locale.ROOT, " (goal <= %.2f: met)", REGRET_GOAL);
                            case NOT_MET -> String.format(Locale.ROOT, " (goal <= %.2f: NOT met)", REGRET_GOAL);
                            case NOT_JUDGED -> String.format(Locale.ROOT, " (goal <= %.2f at %,d rounds: too few rounds to judge; run --rounds %d or more)",
                                    REGRET_GOAL, REGRET_GOAL_ROUNDS, REGRET_GOAL_ROUNDS);
                        }));
        if (!Double.isNaN(sum.growthExponent())) {
            out.add(String.format(Locale.ROOT, "  regret grows like T^%.2f from %,d to %,d rounds (1 = linear)", sum.growthExponent(), sum.checkpoints().getFirst(),
                    sum.checkpoints().getLast()));
        } else if (sum.checkpoints().size() < 2) {
            out.add(String.format(Locale.ROOT, "  regret growth: too few rounds to judge (it compares round %,d with the last round; the run has %,d)",
                    RegretSummary.FIRST_CHECKPOINT, s.rounds()));
        } else {
            out.add(String.format(Locale.ROOT, "  regret growth: cannot judge (no regret by round %,d to grow from)", sum.checkpoints().getFirst()));
        }
        if (r.audience().drifts(s.rounds())) {
            int after = s.rounds() - r.audience().driftAt();
            out.add(switch (recoveryGoal(o)) {
                case MET, NOT_MET -> sum.recoveryRounds() >= 0
                        ? String.format(Locale.ROOT, "  recovery after the drift: %,d rounds (goal <= %,d: %s); the %d-round mean regret fell to %.4f/round (threshold %.4f: pre-drift %.4f + 10%% of uniform's)",
                                sum.recoveryRounds(), RECOVERY_GOAL, sum.recoveryRounds() <= RECOVERY_GOAL ? "met" : "NOT met", RegretSummary.RECOVERY_WINDOW,
                                sum.recoveryMean(), sum.threshold(), sum.preDriftLevel())
                        : String.format(Locale.ROOT, "  recovery after the drift: NOT within the %,d rounds after it (goal <= %,d: NOT met); pre-drift level %.4f/round, threshold %.4f",
                                after, RECOVERY_GOAL, sum.preDriftLevel(), sum.threshold());
                case NOT_JUDGED -> sum.recoveryRounds() == null
                        ? String.format(Locale.ROOT, "  recovery after the drift: too few rounds to judge (the drift comes after round %,d: no rounds before it to compare with)",
                                r.audience().driftAt())
                        : String.format(Locale.ROOT, "  recovery after the drift: not within the %,d rounds after it; too few rounds to judge the goal (<= %,d rounds after the drift; "
                                + "run --rounds %d or more); pre-drift level %.4f/round, threshold %.4f", after, RECOVERY_GOAL, roundsToJudgeRecovery(o),
                                sum.preDriftLevel(), sum.threshold());
                case NONE -> throw new IllegalStateException("a drifting run has a recovery goal");
            });
        }
        out.add(String.format(Locale.ROOT, "  posts engaged: %,d of %,d (%.1f%%); %d keyword updates; %.1f s", r.engaged(), r.posts(),
                100.0 * r.engaged() / Math.max(1, r.posts()), r.weights().size(), r.elapsed().toMillis() / 1000.0));
        return out;
    }

    /** Whether a goal {@link #lines} judges was NOT met; a goal the run is too short to judge is not missed. */
    public static boolean missed(Outcome o) {
        return regretGoal(o) == Goal.NOT_MET || recoveryGoal(o) == Goal.NOT_MET;
    }

    /**
     * Whether the run was too short to judge one of its goals (said in {@link #lines}); not when
     * uniform weights had no regret, which no number of rounds is said to fix.
     */
    public static boolean unjudged(Outcome o) {
        return regretGoal(o) == Goal.NOT_JUDGED && !Double.isNaN(o.summary().ratio()) || recoveryGoal(o) == Goal.NOT_JUDGED;
    }

    /** Rounds a run needs for its recovery goal: {@code flywheel simulate} turns the audience after half the rounds. */
    private static int roundsToJudgeRecovery(Outcome o) {
        int driftAt = o.result().audience().driftAt();
        return driftAt == o.result().setup().rounds() / 2 ? 2 * RECOVERY_GOAL : driftAt + RECOVERY_GOAL;
    }

    private enum Goal { MET, NOT_MET, NOT_JUDGED, NONE }

    /**
     * The stationary goal: regret at most {@link #REGRET_GOAL} of uniform weights' (none for a
     * drifting run); above it, not judged on a run shorter than {@link #REGRET_GOAL_ROUNDS}.
     */
    private static Goal regretGoal(Outcome o) {
        double ratio = o.summary().ratio();
        int rounds = o.result().setup().rounds();
        return o.result().audience().drifts(rounds) ? Goal.NONE
                : Double.isNaN(ratio) ? Goal.NOT_JUDGED : ratio <= REGRET_GOAL ? Goal.MET : rounds < REGRET_GOAL_ROUNDS ? Goal.NOT_JUDGED : Goal.NOT_MET;
    }

    /**
     * The drift goal: recovered within {@link #RECOVERY_GOAL} rounds. Not judged without rounds
     * before the drift, or when the rule had not recovered and the run ends fewer than
     * {@link #RECOVERY_GOAL} rounds after the drift (it could still have recovered in time).
     */
    private static Goal recoveryGoal(Outcome o) {
        int rounds = o.result().setup().rounds();
        Integer rec = o.summary().recoveryRounds();
        if (!o.result().audience().drifts(rounds)) {
            return Goal.NONE;
        }
        if (rec == null) {
            return Goal.NOT_JUDGED;
        }
        if (rec >= 0) {
            return rec <= RECOVERY_GOAL ? Goal.MET : Goal.NOT_MET;
        }
        return rounds - o.result().audience().driftAt() >= RECOVERY_GOAL ? Goal.NOT_MET : Goal.NOT_JUDGED;
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
