package io.flywheel.engine.rules;

import java.util.List;

/**
 * Inverse propensity scoring: what a target policy would have earned per decision, estimated from
 * decisions another policy made, each with the probability {@code p} the logging policy gave its
 * choice and the probability {@code q} the target gives the same choice in the same situation.
 * {@code mean(r * q / p)} is unbiased as long as {@code p > 0} wherever {@code q > 0}.
 */
public final class OffPolicy {
    private OffPolicy() {}

    /** One logged decision: its reward, the logging policy's propensity and the target's. */
    public record Slot(double reward, double logged, double target) {
        public Slot {
            if (!(logged > 0 && logged <= 1)) throw new IllegalArgumentException("logged propensity must be in (0, 1], found " + logged);
            if (!(target >= 0 && target <= 1)) throw new IllegalArgumentException("target propensity must be in [0, 1], found " + target);
        }

        double weight() {
            return target / logged;
        }
    }

    /**
     * @param n decisions
     * @param loggedRate mean reward of what was logged
     * @param estimate IPS estimate of the target's mean reward
     * @param low lower end of a 95% normal-approximation confidence interval of {@code estimate}
     * @param high upper end
     * @param selfNormalized {@code sum(r w) / sum(w)}: biased but lower-variance, for comparison
     * @param effectiveSampleSize {@code (sum w)^2 / sum w^2}: how many logged decisions the estimate is really worth
     */
    public record Estimate(int n, double loggedRate, double estimate, double low, double high, double selfNormalized, double effectiveSampleSize) {}

    public static Estimate estimate(List<Slot> slots) {
        int n = slots.size();
        if (n == 0) {
            return new Estimate(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double sumR = 0;
        double sum = 0;
        double sumSq = 0;
        double sumW = 0;
        double sumW2 = 0;
        double sumRW = 0;
        for (Slot s : slots) {
            double w = s.weight();
            double x = s.reward() * w;
            sumR += s.reward();
            sum += x;
            sumSq += x * x;
            sumW += w;
            sumW2 += w * w;
            sumRW += x;
        }
        double mean = sum / n;
        double variance = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : 0;
        double half = 1.96 * Math.sqrt(variance / n);
        return new Estimate(n, sumR / n, mean, mean - half, mean + half, sumW > 0 ? sumRW / sumW : Double.NaN, sumW2 > 0 ? sumW * sumW / sumW2 : 0);
    }
}
