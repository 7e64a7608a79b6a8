package io.flywheel.engine.simulate;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one keyword run: cumulative regret at checkpoints against the uniform-weights
 * reference, and for a drift how many rounds the rule took to recover.
 *
 * <p>Recovery, precisely: the pre-drift level is the policy's mean per-round regret over the
 * {@link #PRE_DRIFT} rounds before the drift (or the half before it when shorter); the tolerance is
 * {@link #TOLERANCE} of uniform weights' mean per-round regret over the same rounds. The rule has
 * recovered at the first round {@code s} after the drift at which the mean regret of the
 * {@link #RECOVERY_WINDOW} rounds ending at {@code s} (all after the drift) is at most pre-drift
 * level + tolerance; recovery rounds = {@code s - driftAt}, so at least {@link #RECOVERY_WINDOW}.
 *
 * @param checkpoints round counts, increasing, the last being the run's length
 * @param regretAt cumulative policy regret at each checkpoint
 * @param uniformAt cumulative uniform-weights regret at each checkpoint
 * @param perRound mean policy regret per round between the previous checkpoint and this one
 * @param recoveryRounds rounds to recover after the drift; -1 when it never did; null without a drift
 * @param preDriftLevel the pre-drift level (null without a drift)
 * @param threshold pre-drift level + tolerance (null without a drift)
 * @param recoveryMean the {@link #RECOVERY_WINDOW}-round mean regret at the round the rule recovered,
 *     at most {@code threshold} (null when it did not recover or without a drift)
 */
public record RegretSummary(List<Integer> checkpoints, List<Double> regretAt, List<Double> uniformAt, List<Double> perRound,
        Integer recoveryRounds, Double preDriftLevel, Double threshold, Double recoveryMean) {
    static final int FIRST_CHECKPOINT = 100;
    static final int PRE_DRIFT = 2_000;
    static final int RECOVERY_WINDOW = 200;
    static final double TOLERANCE = 0.10;

    /** Cumulative regret over uniform weights' at the end of the run. */
    public double ratio() {
        double u = uniformAt.getLast();
        return u == 0 ? Double.NaN : regretAt.getLast() / u;
    }

    /**
     * The exponent b of regret ~ T^b between the first checkpoint and the last (1 = linear, below 1
     * sublinear); NaN when the first checkpoint has no regret.
     */
    public double growthExponent() {
        double r0 = regretAt.getFirst();
        double r1 = regretAt.getLast();
        if (r0 <= 0 || r1 <= 0 || checkpoints.size() < 2) {
            return Double.NaN;
        }
        return Math.log(r1 / r0) / Math.log((double) checkpoints.getLast() / checkpoints.getFirst());
    }

    public static RegretSummary of(KeywordSimulation.Result r) {
        int n = r.regret().length;
        List<Integer> cps = checkpoints(n);
        double[] cum = cumulative(r.regret());
        double[] ucum = cumulative(r.uniformRegret());
        List<Double> at = new ArrayList<>();
        List<Double> uat = new ArrayList<>();
        List<Double> per = new ArrayList<>();
        int prev = 0;
        for (int c : cps) {
            at.add(cum[c - 1]);
            uat.add(ucum[c - 1]);
            per.add((cum[c - 1] - (prev == 0 ? 0 : cum[prev - 1])) / (c - prev));
            prev = c;
        }
        Integer recovery = null;
        Double level = null;
        Double threshold = null;
        Double recoveryMean = null;
        int drift = r.audience().driftAt();
        if (r.audience().drifts(n) && drift > 0) {
            int from = Math.max(0, drift - Math.min(PRE_DRIFT, drift / 2));
            level = (cum[drift - 1] - (from == 0 ? 0 : cum[from - 1])) / (drift - from);
            double uniformLevel = (ucum[drift - 1] - (from == 0 ? 0 : ucum[from - 1])) / (drift - from);
            threshold = level + TOLERANCE * uniformLevel;
            recovery = -1;
            for (int s = drift + RECOVERY_WINDOW; s <= n; s++) {
                double mean = (cum[s - 1] - cum[s - RECOVERY_WINDOW - 1]) / RECOVERY_WINDOW;
                if (mean <= threshold) {
                    recovery = s - drift;
                    recoveryMean = mean;
                    break;
                }
            }
        }
        return new RegretSummary(cps, at, uat, per, recovery, level, threshold, recoveryMean);
    }

    /** 100, 300, 1,000, 3,000, 10,000, ... below {@code n}, and {@code n}. */
    static List<Integer> checkpoints(int n) {
        List<Integer> out = new ArrayList<>();
        for (int base = FIRST_CHECKPOINT; base < n; base *= 10) {
            out.add(base);
            if (base * 3 < n) {
                out.add(base * 3);
            }
        }
        out.add(n);
        return out;
    }

    static double[] cumulative(double[] xs) {
        double[] out = new double[xs.length];
        double s = 0;
        for (int i = 0; i < xs.length; i++) {
            s += xs[i];
            out[i] = s;
        }
        return out;
    }

    /** Mean of {@code xs} over a trailing window of {@code w} rounds (shorter at the start). */
    static double[] movingAverage(double[] xs, int w) {
        double[] out = new double[xs.length];
        double s = 0;
        for (int i = 0; i < xs.length; i++) {
            s += xs[i];
            if (i >= w) {
                s -= xs[i - w];
            }
            out[i] = s / Math.min(i + 1, w);
        }
        return out;
    }
}
