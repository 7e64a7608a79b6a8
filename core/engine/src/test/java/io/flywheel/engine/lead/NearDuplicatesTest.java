package io.flywheel.engine.lead;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.lead.RawLead;
import io.flywheel.engine.store.DuplicateLink;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NearDuplicatesTest {
    private static final String BODY = """
            Acme is hiring a senior Rust engineer to build our payments ledger. You will design and run services that move
            money for millions of users, own them in production, and mentor two junior engineers. We use Rust, Postgres and
            Kafka on AWS. Fully remote within Europe; salary 90-120k EUR plus equity. Apply with a short note about something
            you built and are proud of; we answer every application within a week.""";

    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.atDefaultStart();
    private MapDbStore store;
    private LeadPipeline pipeline;

    @BeforeEach
    void open() {
        store = MapDbStore.open(dir.resolve("n.db"), MapDbStore.Options.defaults(), clock);
        pipeline = pipeline(Duration.ofDays(14));
    }

    private LeadPipeline pipeline(Duration window) {
        NearDuplicates near = new NearDuplicates(store, window);
        near.seed(clock.instant());
        return new LeadPipeline(new LeadNormalizer(new UrlCanonicalizer(), new KeywordMatcher(List.of("rust"))), store, new KeywordScorer(),
                () -> Map.of("rust", 2.0), List.of("console"), clock, near);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static RawLead posting(String title, String url, String body, String company, String platform) {
        return new RawLead(title, url, body, company, null, null, null, platform, Map.of());
    }

    @Test
    void theSamePostingOnAnotherPlatformIsLinkedToTheFirstWithTheReason() {
        IngestResult first = pipeline.ingest("hn", "hackernews", List.of(posting("Senior Rust Engineer (Remote, EU)",
                "https://news.ycombinator.com/item?id=1", BODY, "Acme", null)));
        assertThat(first.stored()).hasSize(1);
        clock.advance(Duration.ofHours(5));
        IngestResult second = pipeline.ingest("wwr", "weworkremotely", List.of(posting("Senior Rust Engineer - Remote EU",
                "https://weworkremotely.com/remote-jobs/acme-senior-rust-engineer", BODY.replace("Apply with", "Please apply with") + " Posted via WWR.",
                "ACME", null)));
        assertThat(second.stored()).isEmpty();
        assertThat(second.linked()).isEqualTo(1);
        assertThat(second.duplicates()).isEqualTo(1);
        String dupKey = "https://weworkremotely.com/remote-jobs/acme-senior-rust-engineer";
        DuplicateLink link = store.duplicateOf(dupKey).orElseThrow();
        assertThat(link.originalKey()).isEqualTo("https://news.ycombinator.com/item?id=1");
        assertThat(link.platform()).isEqualTo("weworkremotely");
        assertThat(link.reason()).contains("cross-post of https://news.ycombinator.com/item?id=1 (hackernews)").contains("title").contains("body");
        assertThat(store.duplicatesOf("https://news.ycombinator.com/item?id=1")).containsExactly(link);
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.pendingCount("console")).isEqualTo(1);
        // Seen again, the cross-post is an ordinary repeat.
        IngestResult third = pipeline.ingest("wwr", "weworkremotely", List.of(posting("Senior Rust Engineer - Remote EU", dupKey, BODY, null, null)));
        assertThat(third.duplicates()).isEqualTo(1);
        assertThat(third.linked()).isZero();
    }

    @Test
    void aFeedThatTruncatesTheDescriptionStillMatchesTheFullText() {
        pipeline.ingest("hn", "hackernews", List.of(posting("Senior Rust Engineer", "https://a.example/1", BODY, "Acme", null)));
        IngestResult r = pipeline.ingest("rss", "digest", List.of(posting("Senior Rust Engineer", "https://b.example/9",
                BODY.substring(0, BODY.length() / 2) + "…", "Acme", null)));
        assertThat(r.linked()).isEqualTo(1);
    }

    @Test
    void repostsOnTheSamePlatformAreNewLeads() {
        pipeline.ingest("hn", "hackernews", List.of(posting("Senior Rust Engineer", "https://a.example/1", BODY, "Acme", null)));
        IngestResult r = pipeline.ingest("hn", "hackernews", List.of(posting("Senior Rust Engineer", "https://a.example/2", BODY, "Acme", null)));
        assertThat(r.stored()).hasSize(1);
        assertThat(r.linked()).isZero();
    }

    @Test
    void differentJobsAreNotLinked() {
        pipeline.ingest("hn", "hackernews", List.of(posting("Senior Rust Engineer", "https://a.example/1", BODY, "Acme", null)));
        // Same company boilerplate, another role.
        IngestResult otherTitle = pipeline.ingest("wwr", "weworkremotely", List.of(posting("Staff Data Scientist", "https://b.example/1", BODY, "Acme", null)));
        // Same title, another company's text.
        IngestResult otherBody = pipeline.ingest("ro", "remoteok", List.of(posting("Senior Rust Engineer", "https://c.example/1",
                "Globex builds trading systems in Rust for hedge funds in London. On-site five days a week, strong C++ background required,"
                        + " interviews include a take-home exercise and a systems design session with the CTO.", "Globex", null)));
        assertThat(otherTitle.stored()).hasSize(1);
        assertThat(otherBody.stored()).hasSize(1);
    }

    @Test
    void withoutBodiesTitleAndCompanyMustAgree() {
        pipeline.ingest("hn", "hackernews", List.of(posting("Senior Rust Engineer", "https://a.example/1", null, "Acme", null)));
        assertThat(pipeline.ingest("x", "linkedin", List.of(posting("Senior Rust Engineer", "https://b.example/1", null, "Globex", null))).stored())
                .hasSize(1);
        assertThat(pipeline.ingest("y", "indeed", List.of(posting("senior rust engineer!", "https://c.example/1", "Short.", "acme", null))).linked())
                .isEqualTo(1);
    }

    @Test
    void crossPostsInsideOneBatchAreLinkedToTheFirst() {
        IngestResult r = pipeline.ingest("agg", "aggregator", List.of(
                posting("Senior Rust Engineer", "https://a.example/1", BODY, "Acme", "hackernews"),
                posting("Senior Rust Engineer", "https://b.example/1", BODY, "Acme", "linkedin")));
        assertThat(r.stored()).hasSize(1);
        assertThat(r.linked()).isEqualTo(1);
        assertThat(store.duplicateOf("https://b.example/1").orElseThrow().originalKey()).isEqualTo("https://a.example/1");
    }

    @Test
    void onlyLooksBackAsFarAsTheWindowAndSurvivesARestart() {
        pipeline.ingest("hn", "hackernews", List.of(posting("Senior Rust Engineer", "https://a.example/1", BODY, "Acme", null)));
        clock.advance(Duration.ofDays(3));
        // A restart: a new pipeline seeded from the store still knows the recent lead.
        pipeline = pipeline(Duration.ofDays(14));
        assertThat(pipeline.ingest("wwr", "weworkremotely", List.of(posting("Senior Rust Engineer", "https://b.example/1", BODY, "Acme", null)))
                .linked()).isEqualTo(1);
        clock.advance(Duration.ofDays(20));
        pipeline = pipeline(Duration.ofDays(14));
        assertThat(pipeline.ingest("ro", "remoteok", List.of(posting("Senior Rust Engineer", "https://c.example/1", BODY, "Acme", null))).stored())
                .hasSize(1);
        // Switched off, nothing is linked.
        pipeline = pipeline(Duration.ZERO);
        assertThat(pipeline.ingest("li", "linkedin", List.of(posting("Senior Rust Engineer", "https://d.example/1", BODY, "Acme", null))).stored())
                .hasSize(1);
    }
}
