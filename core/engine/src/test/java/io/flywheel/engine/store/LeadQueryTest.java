package io.flywheel.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.lead.Lead;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of query, on random data, against a brute-force scan of what was written. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeadQueryTest {
    private Path dir;
    private MapDbStore store;
    private final List<Lead> written = new ArrayList<>();
    private final List<Long> order = new ArrayList<>();
    private final Random random = new Random(42);

    @BeforeAll
    void fill(@TempDir Path tmp) {
        dir = tmp;
        store = MapDbStore.open(dir.resolve("q.db"), MapDbStore.Options.defaults(), ManualClock.atDefaultStart());
        TestLeads gen = new TestLeads(7);
        // Batches of varied size so buckets split at many points; some keys repeat.
        for (int b = 0; b < 40; b++) {
            List<Lead> batch = gen.leads(50 + random.nextInt(400));
            if (!written.isEmpty()) {
                batch.add(written.get(random.nextInt(written.size())));
            }
            for (Lead l : store.write(WriteBatch.of(batch))) {
                written.add(l);
            }
        }
    }

    @AfterAll
    void close() {
        store.close();
    }

    /** Newest first, ties by most recently stored. */
    private List<Lead> brute(LeadQuery q) {
        List<Lead> all = new ArrayList<>();
        for (int i = written.size() - 1; i >= 0; i--) {
            Lead l = written.get(i);
            if (q.platform() != null && !q.platform().equals(l.platform())) continue;
            if (q.from() != null && l.time().isBefore(q.from())) continue;
            if (q.to() != null && !l.time().isBefore(q.to())) continue;
            if (q.minScore() != null && !(l.score() >= q.minScore())) continue;
            if (q.keyword() != null && !l.keywords().contains(q.keyword())) continue;
            all.add(l);
        }
        all.sort(Comparator.comparing(Lead::time).reversed()); // stable: keeps most-recently-stored first among equal times
        return all.subList(0, Math.min(q.limit(), all.size()));
    }

    private void check(LeadQuery q) {
        assertThat(store.queryUncached(q)).as(q.toString()).containsExactlyElementsOf(brute(q));
        assertThat(store.query(q)).as("cached " + q).containsExactlyElementsOf(brute(q));
    }

    private Instant randomTime() {
        return TestLeads.START.plusSeconds(60L * random.nextInt(52_000) + random.nextInt(3) - 1);
    }

    private double randomScore() {
        return switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> -1;
            default -> random.nextInt(400) / 10.0;
        };
    }

    @Test
    void newestAcrossEverything() {
        for (int limit : new int[] {1, 7, 50, 500, 100_000}) {
            check(LeadQuery.newest(limit));
        }
    }

    @Test
    void newestByPlatform() {
        for (String p : TestLeads.PLATFORMS) {
            check(LeadQuery.newest(50).platform(p));
            check(LeadQuery.newest(100_000).platform(p));
        }
        check(LeadQuery.newest(50).platform("never-seen"));
    }

    @Test
    void timeRanges() {
        for (int i = 0; i < 60; i++) {
            Instant a = randomTime();
            Instant b = randomTime();
            Instant from = a.isBefore(b) ? a : b;
            Instant to = a.isBefore(b) ? b : a;
            check(LeadQuery.newest(1 + random.nextInt(200)).between(from, to));
            check(LeadQuery.newest(50).between(from, null));
            check(LeadQuery.newest(50).between(null, to));
            check(LeadQuery.newest(50).platform(TestLeads.PLATFORMS[i % 5]).between(from, to));
        }
        Instant exact = written.get(17).time();
        check(LeadQuery.newest(1000).between(exact, exact.plusNanos(1)));
        check(LeadQuery.newest(1000).between(exact, exact));
    }

    @Test
    void minimumScores() {
        for (int i = 0; i < 60; i++) {
            check(LeadQuery.newest(1 + random.nextInt(300)).minScore(randomScore()));
        }
        check(LeadQuery.newest(10_000).minScore(1e9));
        check(LeadQuery.newest(10_000).minScore(-1e9));
    }

    @Test
    void keywords() {
        for (String k : TestLeads.KEYWORDS) {
            check(LeadQuery.newest(60).keyword(k));
            check(LeadQuery.newest(100_000).keyword(k));
        }
        check(LeadQuery.newest(60).keyword("cobol"));
    }

    @Test
    void combinedFilters() {
        for (int i = 0; i < 200; i++) {
            LeadQuery q = LeadQuery.newest(1 + random.nextInt(120));
            if (random.nextBoolean()) q = q.platform(TestLeads.PLATFORMS[random.nextInt(5)]);
            if (random.nextBoolean()) q = q.minScore(randomScore());
            if (random.nextInt(3) == 0) q = q.keyword(TestLeads.KEYWORDS[random.nextInt(TestLeads.KEYWORDS.length)]);
            if (random.nextInt(3) == 0) {
                Instant a = randomTime();
                q = q.between(a, a.plusSeconds(60L * random.nextInt(20_000)));
            }
            check(q);
        }
    }

    @Test
    void resultsSurviveReopening() {
        LeadQuery q = LeadQuery.newest(75).platform("linkedin").minScore(5);
        List<Lead> before = store.queryUncached(q);
        store.close();
        store = MapDbStore.open(dir.resolve("q.db"), MapDbStore.Options.defaults(), ManualClock.atDefaultStart());
        assertThat(store.queryUncached(q)).containsExactlyElementsOf(before).containsExactlyElementsOf(brute(q));
    }
}
