package io.flywheel.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGKILLs a child JVM ingesting into the store at random moments, {@value #TRIALS} times, verifying after each. */
class StoreCrashIT {
    static final int TRIALS = 24;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedBatchSurvivesSigkillAndNothingIsDuplicated() throws Exception {
        Path file = dir.resolve("crash.db");
        Random random = new Random(20_260_101);
        List<String> problems = new ArrayList<>();
        int next = 0;
        int inFlightKept = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            int[] n = new int[1];
            // Small checkpoints so kills land in every phase: journal append, checkpoint, redo, apply.
            long checkpointBytes = trial % 2 == 0 ? 96 * 1024 : 2 * 1024 * 1024;
            CrashDrill.Trial t = CrashDrill.trial(file, next, 1 + random.nextInt(12), random.nextInt(8000), checkpointBytes, n);
            for (String p : t.problems()) {
                problems.add("trial " + trial + ": " + p);
            }
            assertThat(n[0]).isGreaterThan(next);
            next = n[0];
            if (t.inFlightPresent()) {
                inFlightKept++;
            }
        }
        assertThat(problems).isEmpty();
        assertThat(next).isGreaterThan(TRIALS);
        System.out.printf("crash drill: %d trials, %d batches verified, in-flight batch kept %d times%n", TRIALS, next, inFlightKept);
    }
}
