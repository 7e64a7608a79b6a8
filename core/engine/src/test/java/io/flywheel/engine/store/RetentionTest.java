package io.flywheel.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Post;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;

/** Retention prunes lead bodies by when Flywheel found the lead, keeps every key, and so never posts a pruned lead again. */
class RetentionTest {
    private static final Duration RETENTION = Duration.ofDays(30);

    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.atDefaultStart();

    private MapDbStore open() {
        return MapDbStore.open(dir.resolve("r.db"), MapDbStore.Options.defaults(), clock);
    }

    /** What Flywheel's retention does: everything found more than {@link #RETENTION} before now. */
    private static int retention(MapDbStore store, ManualClock clock) {
        return store.prune(clock.instant().minus(RETENTION));
    }

    /** A lead as a source hands it over now: found at the clock's time, published whenever the source says. */
    private Lead found(String name, Instant published) {
        return new Lead("https://jobs.example.org/" + name, "src", "hackernews", "Engineer " + name, "https://jobs.example.org/" + name,
                "Body of " + name, null, null, null, published, clock.instant(), List.of("rust"), 3);
    }

    @Test
    void prunesByFoundTimeNotByPublishedTime() {
        Instant t0 = clock.instant();
        try (MapDbStore store = open()) {
            Lead oldPostingFoundEarly = found("a", t0.minus(Duration.ofDays(400)));
            Lead undatedFoundEarly = found("b", null);
            Lead datedAheadFoundEarly = found("c", t0.plus(Duration.ofDays(60))); // a source's future date: published after the cutoff
            store.write(WriteBatch.of(List.of(oldPostingFoundEarly, undatedFoundEarly, datedAheadFoundEarly)));
            clock.advance(Duration.ofDays(10));
            Lead oldPostingFoundLate = found("d", t0.minus(Duration.ofDays(400))); // published long ago, found only now
            Lead fresh = found("e", clock.instant());
            store.write(WriteBatch.of(List.of(oldPostingFoundLate, fresh)));

            clock.advance(Duration.ofDays(29)); // day 39: the cutoff is day 9
            assertThat(retention(store, clock)).isEqualTo(3);
            assertThat(store.get(oldPostingFoundEarly.key()).orElseThrow().body()).isNull();
            assertThat(store.get(undatedFoundEarly.key()).orElseThrow().body()).isNull();
            assertThat(store.get(datedAheadFoundEarly.key()).orElseThrow().body()).isNull();
            assertThat(store.get(oldPostingFoundLate.key())).contains(oldPostingFoundLate);
            assertThat(store.get(fresh.key())).contains(fresh);
            assertThat(retention(store, clock)).isZero();

            clock.advance(Duration.ofDays(2)); // day 41: the cutoff is day 11, past the second batch
            assertThat(retention(store, clock)).isEqualTo(2);
            assertThat(store.get(oldPostingFoundLate.key()).orElseThrow().body()).isNull();
            assertThat(store.get(fresh.key()).orElseThrow().title()).isEqualTo(fresh.title());
            assertThat(store.stats().pruned()).isEqualTo(5);
        }
    }

    @Test
    void aPrunedLeadScrapedAgainIsNeitherStoredNorPostedAgain() {
        try (MapDbStore store = open()) {
            Lead lead = found("x", clock.instant());
            Post post = new Post("lead-x", Post.Kind.LEAD, lead.key(), lead.title(), lead.url(), lead.body(), List.of(), clock.instant());
            store.write(new WriteBatch(List.of(lead), List.of(new OutboxEntry("discord", post)), List.of()));
            store.delivered("discord", List.of(new io.flywheel.api.output.Delivery("lead-x", "msg-1")));
            clock.advance(RETENTION.plusDays(1));
            assertThat(retention(store, clock)).isEqualTo(1);

            Lead again = found("x", lead.published()); // the source lists it again, found anew
            Post repost = new Post("lead-x2", Post.Kind.LEAD, again.key(), again.title(), again.url(), again.body(), List.of(), clock.instant());
            assertThat(store.write(new WriteBatch(List.of(again), List.of(new OutboxEntry("discord", repost)), List.of()))).isEmpty();
            assertThat(store.pending("discord", 10)).isEmpty();
            assertThat(store.contains(again.key())).isTrue();
            assertThat(store.get(lead.key()).orElseThrow().body()).isNull();
            assertThat(store.size()).isEqualTo(1);
        }
        try (MapDbStore store = open()) {
            assertThat(store.write(WriteBatch.of(List.of(found("x", null))))).isEmpty();
            assertThat(store.pending("discord", 10)).isEmpty();
        }
    }

    @Test
    void prunesManyLeadsInStepsAndKeepsTheirKeysAcrossARestart() {
        List<Lead> leads = new TestLeads(1).leads(30_000); // found times spread over ~35 days, out of order
        Instant cutoff = TestLeads.START.plus(Duration.ofDays(20));
        try (MapDbStore store = open()) {
            for (int i = 0; i < leads.size(); i += 1000) {
                store.write(WriteBatch.of(leads.subList(i, i + 1000)));
            }
            long old = leads.stream().filter(l -> l.foundAt().isBefore(cutoff)).count();
            assertThat(old).isGreaterThan(10_000); // more than one step's worth
            assertThat(store.prune(cutoff)).isEqualTo((int) old);
            assertThat(store.prune(cutoff)).isZero();
            for (Lead l : leads) {
                Lead stored = store.get(l.key()).orElseThrow();
                if (l.foundAt().isBefore(cutoff)) {
                    assertThat(stored.body()).isNull();
                    assertThat(stored.title()).isEqualTo(l.title());
                } else {
                    assertThat(stored).isEqualTo(l);
                }
            }
            assertThat(store.write(WriteBatch.of(leads.subList(0, 100)))).isEmpty();
            assertThat(store.size()).isEqualTo(leads.size());
            assertThat(store.stats().pruned()).isEqualTo(old);
        }
        try (MapDbStore store = open()) {
            Lead first = leads.getFirst();
            assertThat(store.get(first.key()).orElseThrow().body()).isEqualTo(first.foundAt().isBefore(cutoff) ? null : first.body());
            assertThat(store.write(WriteBatch.of(leads))).isEmpty();
        }
    }

    @Test
    void aLeadFoundBeforeTheLastCutoffIsStoredWithoutItsBody() {
        try (MapDbStore store = open()) {
            store.write(WriteBatch.of(List.of(found("first", null))));
            clock.advance(RETENTION.plusDays(5));
            retention(store, clock);
            // A caller hands over a lead found long ago, and one found within retention.
            Lead imported = new Lead("https://jobs.example.org/ancient", "import", "hn", "Old posting", null, "long body", null, null, null,
                    null, clock.instant().minus(RETENTION).minus(Duration.ofDays(1)), List.of(), 1);
            Lead recent = new Lead("https://jobs.example.org/recent", "import", "hn", "Recent posting", null, "body", null, null, null,
                    clock.instant().minus(Duration.ofDays(400)), clock.instant().minus(Duration.ofDays(2)), List.of(), 1);
            store.write(WriteBatch.of(List.of(imported, recent)));
            assertThat(store.get(imported.key()).orElseThrow().body()).isNull();
            assertThat(store.get(recent.key())).contains(recent);
            assertThat(store.stats().pruned()).isEqualTo(2);
        }
    }

    @Test
    void aSchema2StoreGetsItsFoundTimeIndexWhenOpened() {
        Path file = dir.resolve("r.db");
        Instant t0 = clock.instant();
        Lead oldPostingFoundLate;
        try (MapDbStore store = open()) {
            store.write(WriteBatch.of(List.of(found("a", t0.minus(Duration.ofDays(300))))));
            clock.advance(Duration.ofDays(10));
            oldPostingFoundLate = found("b", t0.minus(Duration.ofDays(400)));
            store.write(WriteBatch.of(List.of(oldPostingFoundLate)));
        }
        // Make it the schema-2 file an earlier Flywheel wrote: no found-time index, retention by published time.
        DB db = MapDbFiles.open(file);
        BTreeMap<Long, Long> buckets = db.treeMap("buckets", Serializer.LONG, Serializer.LONG).open();
        buckets.keySet().removeIf(k -> k >>> 60 == LeadTable.F_FOUND);
        Counts counts = new Counts(db.atomicVar("counts", Serializer.BYTE_ARRAY).open());
        counts.add(LeadTable.F_FOUND, 0, -counts.get(LeadTable.F_FOUND, 0));
        counts.save();
        db.atomicInteger("schema.version").open().set(2);
        // Retention had reached day 100 by published time; by found time it starts over, or nothing would be pruned below.
        db.atomicLong("retention.pruned-until").open().set(Codec.nanos(t0.plus(Duration.ofDays(100))));
        db.commit();
        db.close();

        clock.advance(Duration.ofDays(25)); // day 35: the cutoff is day 5
        try (MapDbStore store = open()) {
            assertThat(retention(store, clock)).isEqualTo(1);
            assertThat(store.get(found("a", null).key()).orElseThrow().body()).isNull();
            assertThat(store.get(oldPostingFoundLate.key())).contains(oldPostingFoundLate);
            store.write(WriteBatch.of(List.of(found("c", null))));
        }
        try (MapDbStore store = open()) {
            assertThat(store.size()).isEqualTo(3);
            clock.advance(Duration.ofDays(31)); // day 66: the cutoff is day 36, past b (day 10) and c (day 35)
            assertThat(retention(store, clock)).isEqualTo(2);
        }
    }
}
