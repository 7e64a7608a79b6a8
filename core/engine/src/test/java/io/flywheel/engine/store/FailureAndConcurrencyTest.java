package io.flywheel.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.lead.Lead;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailureAndConcurrencyTest {
    @TempDir
    Path dir;

    private MapDbStore open() {
        return MapDbStore.open(dir.resolve("c.db"), MapDbStore.Options.defaults().withCheckpointInterval(Duration.ofHours(1)),
                ManualClock.atDefaultStart());
    }

    @Test
    void aChangeThatCannotBeJournaledFailsClearlyAndLosesNothingStoredBefore() {
        List<Lead> leads = new TestLeads(1).leads(300);
        try (MapDbStore store = open()) {
            store.write(WriteBatch.of(leads.subList(0, 100)));
            store.journal().close(); // the journal's disk goes away
            assertThatThrownBy(() -> store.write(WriteBatch.of(leads.subList(100, 200))))
                    .isInstanceOf(StoreException.class).hasMessageContaining("cannot write 100 lead(s)").hasMessageContaining(store.file().toString());
            // The store recovered: what was written before is there, the failed batch is not, writing goes on.
            assertThat(store.size()).isEqualTo(100);
            assertThat(store.contains(leads.get(150).key())).isFalse();
            assertThat(store.write(WriteBatch.of(leads.subList(100, 300)))).hasSize(200);
        }
        try (MapDbStore store = open()) {
            assertThat(store.size()).isEqualTo(300);
        }
    }

    @Test
    void readersRunWhileTheWriterWritesAndAlwaysSeeConsistentResults() throws Exception {
        List<Lead> leads = new TestLeads(2).leads(40_000);
        try (MapDbStore store = open()) {
            store.write(WriteBatch.of(leads.subList(0, 2000)));
            AtomicBoolean done = new AtomicBoolean();
            AtomicInteger queries = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                String platform = TestLeads.PLATFORMS[r];
                readers.add(Thread.ofPlatform().start(() -> {
                    try {
                        while (!done.get()) {
                            List<Lead> got = store.queryUncached(LeadQuery.newest(50).platform(platform).minScore(2));
                            assertThat(got).hasSize(50).allMatch(l -> l.platform().equals(platform) && l.score() >= 2);
                            assertThat(got).isSortedAccordingTo(Comparator.comparing(Lead::time).reversed());
                            assertThat(store.get(got.getFirst().key())).contains(got.getFirst());
                            queries.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }));
            }
            for (int i = 2000; i < leads.size(); i += 500) {
                store.write(WriteBatch.of(leads.subList(i, i + 500)));
                if (i % 10_000 == 0) {
                    store.flush();
                }
            }
            done.set(true);
            for (Thread t : readers) {
                t.join();
            }
            assertThat(errors).isEmpty();
            assertThat(queries.get()).isPositive();
            assertThat(store.size()).isEqualTo(40_000);
        }
    }

    @Test
    void thousandsOfLeadsWithTheSameTimeStillIndexAndQueryCorrectly() {
        // A SQLite import with day-resolution timestamps: one bucket cannot be split by time.
        Instant day = Instant.parse("2024-05-01T00:00:00Z");
        List<Lead> leads = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            leads.add(new Lead("https://example.org/" + i, "import", i % 2 == 0 ? "hn" : "reddit", "Job " + i, null, null, null, null, null, day, day,
                    List.of("rust"), i % 7));
        }
        try (MapDbStore store = open()) {
            for (int i = 0; i < leads.size(); i += 250) {
                store.write(WriteBatch.of(leads.subList(i, i + 250)));
            }
            store.write(WriteBatch.of(List.of(new Lead("https://example.org/later", "import", "hn", "Later", null, null, null, null, null,
                    day.plusSeconds(1), day, List.of(), 1))));
            List<Lead> hn = store.queryUncached(LeadQuery.newest(5000).platform("hn").between(day, day.plusNanos(1)));
            assertThat(hn).hasSize(1500);
            assertThat(hn.getFirst().key()).isEqualTo("https://example.org/2998"); // ties: most recently stored first
            assertThat(store.queryUncached(LeadQuery.newest(1))).extracting(Lead::key).containsExactly("https://example.org/later");
            assertThat(store.queryUncached(LeadQuery.newest(5000).keyword("rust").minScore(6))).hasSize((int) leads.stream().filter(l -> l.score() >= 6).count());
        }
    }
}
