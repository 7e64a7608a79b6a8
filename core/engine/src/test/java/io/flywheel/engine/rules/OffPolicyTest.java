package io.flywheel.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flywheel.engine.lead.PostingPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The IPS estimate on synthetic logs where the truth is known. */
class OffPolicyTest {
    // Hidden engagement probability per arm; the logging policy ranks arms by LOGGING, the target by TARGET.
    static final double[] P = {0.10, 0.35, 0.20, 0.05, 0.50};
    static final double[] LOGGING = {5, 4, 3, 2, 1};
    static final double[] TARGET = {1, 4, 3, 0, 5};
    static final int CANDIDATES = 4;
    static final double EPS = 0.2;

    /** One seeded log of {@code rounds} one-slot decisions: the estimates with the true propensities and with propensities ignored. */
    record Run(double ips, double ignoringPropensities, double truth) {}

    static Run log(long seed, int rounds) {
        SplittableRandom random = new SplittableRandom(seed);
        List<OffPolicy.Slot> slots = new ArrayList<>();
        List<OffPolicy.Slot> ignored = new ArrayList<>();
        double truth = 0;
        for (int r = 0; r < rounds; r++) {
            int[] arms = new int[CANDIDATES];
            for (int i = 0; i < CANDIDATES; i++) {
                arms[i] = random.nextInt(P.length);
            }
            int logTop = top(arms, LOGGING);
            int targetTop = top(arms, TARGET);
            int chosen = random.nextDouble() < EPS ? random.nextInt(CANDIDATES) : logTop;
            double p = PostingPolicy.propensity(chosen == logTop, CANDIDATES, EPS);
            double q = PostingPolicy.propensity(chosen == targetTop, CANDIDATES, EPS);
            double reward = random.nextDouble() < P[arms[chosen]] ? 1 : 0;
            slots.add(new OffPolicy.Slot(reward, p, q));
            ignored.add(new OffPolicy.Slot(reward, 1, q));
            // The target's expected reward on this round's candidates, exactly.
            for (int i = 0; i < CANDIDATES; i++) {
                truth += PostingPolicy.propensity(i == targetTop, CANDIDATES, EPS) * P[arms[i]];
            }
        }
        return new Run(OffPolicy.estimate(slots).estimate(), OffPolicy.estimate(ignored).estimate(), truth / rounds);
    }

    /** Ties go to the earlier candidate, as the posting policy breaks them. */
    static int top(int[] arms, double[] score) {
        int best = 0;
        for (int i = 1; i < arms.length; i++) {
            if (score[arms[i]] > score[arms[best]]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void theEstimateIsUnbiasedOverManySeededLogs() {
        int logs = 400;
        double meanError = 0;
        double meanIgnoring = 0;
        double meanTruth = 0;
        for (int s = 0; s < logs; s++) {
            Run run = log(1000 + s, 300);
            meanError += (run.ips() - run.truth()) / logs;
            meanIgnoring += (run.ignoringPropensities() - run.truth()) / logs;
            meanTruth += run.truth() / logs;
        }
        // The target (about 0.42 per post) is far better than the logging policy (about 0.16).
        assertThat(meanTruth).isBetween(0.35, 0.5);
        assertThat(meanError).isCloseTo(0.0, within(0.01));
        // Dropping the propensities is badly biased: this is what the test guards against.
        assertThat(Math.abs(meanIgnoring)).isGreaterThan(0.1);
    }

    @Test
    void reportsIntervalAndEffectiveSampleSize() {
        OffPolicy.Estimate same = OffPolicy.estimate(List.of(new OffPolicy.Slot(1, 0.5, 0.5), new OffPolicy.Slot(0, 0.5, 0.5),
                new OffPolicy.Slot(1, 0.5, 0.5), new OffPolicy.Slot(0, 0.5, 0.5)));
        assertThat(same.estimate()).isEqualTo(0.5);
        assertThat(same.loggedRate()).isEqualTo(0.5);
        assertThat(same.effectiveSampleSize()).isCloseTo(4.0, within(1e-9));
        assertThat(same.low()).isLessThan(0.5);
        assertThat(same.high()).isGreaterThan(0.5);
        OffPolicy.Estimate skewed = OffPolicy.estimate(List.of(new OffPolicy.Slot(1, 0.05, 0.95), new OffPolicy.Slot(0, 0.95, 0.05),
                new OffPolicy.Slot(0, 0.95, 0.05)));
        assertThat(skewed.effectiveSampleSize()).isLessThan(1.1);
        assertThat(OffPolicy.estimate(List.of()).n()).isZero();
    }

    @Test
    void aZeroLoggedPropensityIsRefused() {
        assertThatThrownBy(() -> new OffPolicy.Slot(1, 0, 0.5)).hasMessageContaining("logged propensity must be in (0, 1], found 0.0");
    }
}
