package io.flywheel.engine.lead;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.lead.RawLead;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeadPipelineTest {
    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.atDefaultStart();
    private final KeywordWeights weights = new KeywordWeights(Map.of("java", 2.0, "remote", 1.0, "c++", 3.0));
    private MapDbStore store;
    private LeadPipeline pipeline;

    @BeforeEach
    void open() {
        store = MapDbStore.open(dir.resolve("leads.db"));
        LeadNormalizer normalizer = new LeadNormalizer(new UrlCanonicalizer(), new KeywordMatcher(weights.get().keySet()));
        pipeline = new LeadPipeline(normalizer, store, new KeywordScorer(), weights::get, List.of("console"), clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void storesScoresAndQueuesNewLeadsBestFirst() {
        IngestResult r = pipeline.ingest("hn", "hackernews", List.of(
                RawLead.of("Office manager", "https://example.org/a"),
                RawLead.of("Senior Java engineer (remote)", "https://example.org/b"),
                new RawLead("C++ developer", "https://example.org/c", "Remote friendly team", "Acme", null, null, null, null, Map.of())));
        assertThat(r.found()).isEqualTo(3);
        assertThat(r.stored()).extracting(Lead::title).containsExactly("C++ developer", "Senior Java engineer (remote)", "Office manager");
        assertThat(r.stored()).extracting(Lead::score).containsExactly(7.0, 6.0, 0.0);
        assertThat(r.stored().getFirst().keywords()).containsExactly("c++", "remote");
        assertThat(store.pending("console", 10)).extracting(e -> e.post().title())
                .containsExactly("C++ developer", "Senior Java engineer (remote)", "Office manager");
        assertThat(store.events(Instant.EPOCH, clock.instant().plusSeconds(1), Set.of(FeedbackEvent.Type.FOUND))).hasSize(3)
                .allSatisfy(e -> assertThat(e.sourceId()).isEqualTo("hn"));
    }

    @Test
    void theSamePostingUnderAnotherUrlSpellingIsADuplicate() {
        pipeline.ingest("a", "one", List.of(RawLead.of("Java dev", "https://Jobs.Example.org/post/1/")));
        IngestResult again = pipeline.ingest("b", "two", List.of(
                RawLead.of("Java dev", "http://jobs.example.org/post/1?utm_source=digest&utm_medium=rss#apply"),
                RawLead.of("Java dev", "https://jobs.example.org/post/1")));
        assertThat(again.duplicates()).isEqualTo(2);
        assertThat(again.stored()).isEmpty();
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void postingsWithoutUrlAreKeyedByTitleCompanyAndPlatform() {
        RawLead a = new RawLead("Rust Engineer", null, null, "Acme Corp", null, null, null, null, Map.of());
        RawLead sameFolded = new RawLead("rust  engineer!", null, null, "ACME corp", null, null, null, null, Map.of());
        RawLead otherCompany = new RawLead("Rust Engineer", null, null, "Other", null, null, null, null, Map.of());
        IngestResult r = pipeline.ingest("s", "p", List.of(a, sameFolded, otherCompany));
        assertThat(r.stored()).hasSize(2);
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(r.stored()).allSatisfy(l -> assertThat(l.key()).startsWith("fp:"));
    }

    @Test
    void rejectsPostingsWithoutATitleAndKeepsTheRest() {
        IngestResult r = pipeline.ingest("s", "p", List.of(RawLead.of("   ", "https://example.org/blank"), RawLead.of("Java", "https://example.org/j")));
        assertThat(r.rejected()).isEqualTo(1);
        assertThat(r.stored()).hasSize(1);
    }

    @Test
    void usesTheWeightsInForceAtTheTimeOfTheBatch() {
        pipeline.ingest("s", "p", List.of(RawLead.of("Java", "https://example.org/1")));
        weights.set(Map.of("java", 10.0));
        clock.advance(Duration.ofMinutes(1));
        IngestResult r = pipeline.ingest("s", "p", List.of(RawLead.of("Java", "https://example.org/2")));
        assertThat(r.stored().getFirst().score()).isEqualTo(20.0);
        assertThat(store.get("https://example.org/1").orElseThrow().score()).isEqualTo(4.0);
    }

    @Test
    void dropsPublishedDatesFromTheFarFuture() {
        IngestResult r = pipeline.ingest("s", "p", List.of(RawLead.of("Java", "https://example.org/1").withPublished(clock.instant().plus(Duration.ofDays(400)))));
        assertThat(r.stored().getFirst().published()).isNull();
        assertThat(r.stored().getFirst().time()).isEqualTo(clock.instant());
    }
}
