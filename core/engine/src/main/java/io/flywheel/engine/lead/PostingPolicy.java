package io.flywheel.engine.lead;

import io.flywheel.engine.config.Settings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Which of one source run's scored leads are posted: at most {@code maxPerRun}, slot by slot; each
 * slot goes to the best-scored remaining lead, or with probability {@code explore} to a uniformly
 * random remaining one. Every decision is returned with its exact propensity so that the feedback
 * log can replay it and a candidate rule can be evaluated off-policy ({@code flywheel rules evaluate}).
 * Without a limit every lead is posted, best first, with propensity 1.
 */
public final class PostingPolicy {
    /** Keys of the decision in a FOUND event's context (beside the keyword weights in force). */
    public static final String SLOT = "posting.slot";
    public static final String PROPENSITY = "posting.propensity";
    public static final String EXPLORE = "posting.explore";
    public static final String CANDIDATES = "posting.candidates";
    public static final String LIMIT = "posting.limit";
    public static final String ORDER = "posting.order";

    private final Integer maxPerRun;
    private final double explore;
    private final RandomGenerator random;

    public PostingPolicy(Settings.Posting settings, RandomGenerator random) {
        this.maxPerRun = settings.maxPerRun();
        this.explore = settings.maxPerRun() == null ? 0 : settings.explore();
        this.random = random;
    }

    /** Every lead posted, nothing random. */
    public static PostingPolicy unlimited() {
        return new PostingPolicy(Settings.Posting.unlimited(), new java.util.SplittableRandom(0));
    }

    /**
     * One candidate's fate.
     *
     * @param slot the post slot it took (0 = first), or -1 when it is not posted
     * @param propensity the probability that its slot went to it, given the candidates left at that slot (NaN when not posted)
     */
    public record Decision(int slot, double propensity) {
        public boolean posted() {
            return slot >= 0;
        }
    }

    /**
     * Decides for {@code scores} (in input order; ties go to the earlier lead). Returns one decision
     * per candidate, in input order.
     */
    public synchronized Decision[] decide(double[] scores) {
        int n = scores.length;
        Decision[] out = new Decision[n];
        Arrays.fill(out, new Decision(-1, Double.NaN));
        List<Integer> remaining = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            remaining.add(i);
        }
        // Best first, input order among equals: the order an unlimited run posts in.
        remaining.sort((a, b) -> scores[a] != scores[b] ? Double.compare(scores[b], scores[a]) : Integer.compare(a, b));
        int slots = maxPerRun == null ? n : Math.min(n, maxPerRun);
        for (int slot = 0; slot < slots; slot++) {
            int m = remaining.size();
            int pick = 0;
            if (explore > 0 && random.nextDouble() < explore) {
                pick = random.nextInt(m);
            }
            int chosen = remaining.remove(pick);
            out[chosen] = new Decision(slot, propensity(pick == 0, m, explore));
        }
        return out;
    }

    /** The probability that a slot with {@code m} candidates left goes to a given one: the best, or another. */
    public static double propensity(boolean best, int m, double explore) {
        return (best ? 1 - explore : 0) + explore / m;
    }

    /** The decision's entries for a FOUND event's context. */
    public Map<String, Double> context(Decision d, int order, int candidates) {
        var out = new java.util.HashMap<String, Double>();
        out.put(SLOT, (double) d.slot());
        if (d.posted()) {
            out.put(PROPENSITY, d.propensity());
        }
        out.put(EXPLORE, explore);
        out.put(CANDIDATES, (double) candidates);
        out.put(ORDER, (double) order);
        if (maxPerRun != null) {
            out.put(LIMIT, (double) maxPerRun);
        }
        return out;
    }
}
