package io.flywheel.engine.trading;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How a run did.
 *
 * @param totalReturn final equity over starting equity, minus 1
 * @param cagr compound annual growth rate over the run's calendar span
 * @param sharpe annualized mean over standard deviation of per-bar-time returns (risk-free rate 0)
 * @param sortino annualized mean over downside deviation of per-bar-time returns
 * @param maxDrawdown the largest fall from a running peak of equity, as a fraction (0.25 is -25%)
 * @param winRate closed round trips with a profit, over all closed round trips (NaN when none closed)
 * @param trades closed round trips
 * @param exposure the average fraction of equity held in positions, over the bars
 */
public record Metrics(double totalReturn, double cagr, double sharpe, double sortino, double maxDrawdown, double winRate, int trades, double exposure) {

    /** Years in a Julian year of days, for annualizing. */
    static final double DAYS_PER_YEAR = 365.25;

    /**
     * @param times bar times, each once (several symbols' bars at one time are one point)
     * @param equity equity after each bar time
     * @param exposure gross exposure after each bar time
     */
    static Metrics of(Instant[] times, double[] equity, double[] exposure, int n, List<Trade> closedTrades) {
        if (n < 2) {
            return new Metrics(0, 0, Double.NaN, Double.NaN, 0, Double.NaN, closedTrades.size(), n == 1 ? exposure[0] : 0);
        }
        double start = equity[0];
        double end = equity[n - 1];
        double total = end / start - 1;
        double years = Duration.between(times[0], times[n - 1]).toSeconds() / (DAYS_PER_YEAR * 86_400);
        double cagr = years > 0 && end > 0 ? Math.pow(end / start, 1 / years) - 1 : Double.NaN;
        double sum = 0;
        double sumSq = 0;
        double downSq = 0;
        double peak = equity[0];
        double maxDd = 0;
        double expSum = exposure[0];
        for (int i = 1; i < n; i++) {
            double r = equity[i - 1] > 0 ? equity[i] / equity[i - 1] - 1 : 0;
            sum += r;
            sumSq += r * r;
            if (r < 0) {
                downSq += r * r;
            }
            if (equity[i] >= peak) {
                peak = equity[i];
            } else if (peak > 0) {
                maxDd = Math.max(maxDd, 1 - equity[i] / peak); // divides only below a peak
            }
            expSum += exposure[i];
        }
        int m = n - 1;
        double mean = sum / m;
        double sd = Math.sqrt(Math.max(0, sumSq / m - mean * mean) * m / Math.max(1, m - 1));
        double downside = Math.sqrt(downSq / m);
        double perYear = years > 0 ? m / years : Double.NaN;
        double sharpe = sd > 0 ? mean / sd * Math.sqrt(perYear) : Double.NaN;
        double sortino = downside > 0 ? mean / downside * Math.sqrt(perYear) : Double.NaN;
        long wins = closedTrades.stream().filter(Trade::won).count();
        double winRate = closedTrades.isEmpty() ? Double.NaN : (double) wins / closedTrades.size();
        return new Metrics(total, cagr, sharpe, sortino, maxDd, winRate, closedTrades.size(), expSum / n);
    }
}
