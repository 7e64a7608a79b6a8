package io.flywheel.engine.lead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flywheel.api.lead.RawLead;
import io.flywheel.engine.config.Settings;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostingPolicyTest {
    @TempDir
    Path dir;

    private static RandomGenerator seeded(long seed) {
        return new java.util.SplittableRandom(seed);
    }

    @Test
    void withoutALimitEveryLeadIsPostedBestFirstWithPropensityOne() {
        PostingPolicy.Decision[] d = PostingPolicy.unlimited().decide(new double[] {1, 3, 2, 3});
        assertThat(Arrays.stream(d).map(PostingPolicy.Decision::slot)).containsExactly(3, 0, 2, 1);
        assertThat(Arrays.stream(d).map(PostingPolicy.Decision::propensity)).containsOnly(1.0);
    }

    @Test
    void aLimitPostsAtMostThatManyAndWithoutExplorationTheBest() {
        PostingPolicy p = new PostingPolicy(new Settings.Posting(2, 0.0), seeded(1));
        PostingPolicy.Decision[] d = p.decide(new double[] {1, 5, 2, 4});
        assertThat(Arrays.stream(d).map(PostingPolicy.Decision::slot)).containsExactly(-1, 0, -1, 1);
        assertThat(d[1].propensity()).isEqualTo(1.0);
        assertThat(d[3].propensity()).isEqualTo(1.0);
    }

    @Test
    void propensitiesOfEverySlotSumToOneOverTheRemainingCandidates() {
        for (int m = 1; m <= 6; m++) {
            for (double eps : new double[] {0, 0.05, 0.3, 1}) {
                double sum = PostingPolicy.propensity(true, m, eps) + (m - 1) * PostingPolicy.propensity(false, m, eps);
                assertThat(sum).as("m=%d eps=%s", m, eps).isCloseTo(1.0, within(1e-12));
            }
        }
    }

    @Test
    void recordedPropensitiesMatchHowOftenEachChoiceIsMade() {
        // 4 candidates, 2 slots, eps 0.3: the frequency of (slot, lead) matches the recorded propensity.
        PostingPolicy p = new PostingPolicy(new Settings.Posting(2, 0.3), seeded(42));
        double[] scores = {4, 3, 2, 1};
        int runs = 40_000;
        int[] firstSlot = new int[4];
        Map<Integer, Double> recorded = new java.util.HashMap<>();
        for (int r = 0; r < runs; r++) {
            PostingPolicy.Decision[] d = p.decide(scores);
            assertThat(Arrays.stream(d).filter(PostingPolicy.Decision::posted).count()).isEqualTo(2);
            for (int i = 0; i < 4; i++) {
                if (d[i].slot() == 0) {
                    firstSlot[i]++;
                    recorded.put(i, d[i].propensity());
                }
            }
        }
        assertThat(recorded.get(0)).isCloseTo(0.7 + 0.3 / 4, within(1e-12));
        assertThat(recorded.get(2)).isCloseTo(0.3 / 4, within(1e-12));
        for (int i = 0; i < 4; i++) {
            assertThat(firstSlot[i] / (double) runs).as("lead %d in slot 0", i).isCloseTo(recorded.get(i), within(0.01));
        }
    }

    @Test
    void theSameSeedMakesTheSameDecisions() {
        double[] scores = IntStream.range(0, 20).mapToDouble(i -> i % 7).toArray();
        var a = new PostingPolicy(new Settings.Posting(3, 0.5), seeded(7));
        var b = new PostingPolicy(new Settings.Posting(3, 0.5), seeded(7));
        for (int r = 0; r < 50; r++) {
            assertThat(a.decide(scores)).containsExactly(b.decide(scores));
        }
    }

    @Test
    void thePipelineQueuesOnlyPostedLeadsAndLogsEveryDecision() {
        ManualClock clock = ManualClock.atDefaultStart();
        KeywordWeights weights = new KeywordWeights(Map.of("java", 2.0, "rust", 1.0, "go", 0.5));
        try (MapDbStore store = MapDbStore.open(dir.resolve("leads.db"))) {
            LeadPipeline pipeline = new LeadPipeline(new LeadNormalizer(new UrlCanonicalizer(), new KeywordMatcher(weights.get().keySet())), store,
                    new KeywordScorer(), weights::get, List.of("console"), clock, new NearDuplicates(store, java.time.Duration.ZERO),
                    new PostingPolicy(new Settings.Posting(1, 0.2), seeded(3)));
            List<RawLead> raws = new ArrayList<>();
            for (String kw : List.of("go", "java", "rust")) {
                raws.add(RawLead.of(kw + " developer", "https://example.org/" + kw));
            }
            IngestResult r = pipeline.ingest("s", "p", raws);
            assertThat(r.stored()).hasSize(3);
            assertThat(store.pending("console", 10)).hasSize(1);
            List<FeedbackEvent> found = store.events(Instant.EPOCH, clock.instant().plusSeconds(1), Set.of(FeedbackEvent.Type.FOUND));
            assertThat(found).hasSize(3).allSatisfy(e -> {
                assertThat(e.context()).containsEntry(PostingPolicy.EXPLORE, 0.2).containsEntry(PostingPolicy.CANDIDATES, 3.0)
                        .containsEntry(PostingPolicy.LIMIT, 1.0).containsKey(PostingPolicy.ORDER);
                assertThat(e.context()).containsKey(e.keywords().getFirst());
            });
            List<FeedbackEvent> posted = found.stream().filter(e -> e.context().get(PostingPolicy.SLOT) == 0).toList();
            assertThat(posted).singleElement().satisfies(e -> {
                double expected = e.subject().endsWith("java") ? 0.8 + 0.2 / 3 : 0.2 / 3;
                assertThat(e.context().get(PostingPolicy.PROPENSITY)).isCloseTo(expected, within(1e-12));
                assertThat(store.pending("console", 10).getFirst().post().ref()).isEqualTo(e.subject());
            });
            assertThat(found.stream().filter(e -> e.context().get(PostingPolicy.SLOT) == -1)).hasSize(2)
                    .allSatisfy(e -> assertThat(e.context()).doesNotContainKey(PostingPolicy.PROPENSITY));
        }
    }
}
