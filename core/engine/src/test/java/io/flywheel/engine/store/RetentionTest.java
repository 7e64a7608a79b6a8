package io.flywheel.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.lead.Lead;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
    @TempDir
    Path dir;

    private MapDbStore open() {
        return MapDbStore.open(dir.resolve("r.db"), MapDbStore.Options.defaults(), ManualClock.atDefaultStart());
    }

    @Test
    void prunesOldBodiesButKeepsTheLeadsAndTheirKeys() {
        List<Lead> leads = new TestLeads(1).leads(30_000);
        Instant cutoff = TestLeads.START.plus(Duration.ofDays(20));
        try (MapDbStore store = open()) {
            for (int i = 0; i < leads.size(); i += 1000) {
                store.write(WriteBatch.of(leads.subList(i, i + 1000)));
            }
            long old = leads.stream().filter(l -> l.time().isBefore(cutoff) && l.body() != null).count();
            assertThat(store.prune(cutoff)).isEqualTo((int) old); // in several steps: more than one step's worth
            assertThat(old).isGreaterThan(10_000);
            assertThat(store.prune(cutoff)).isZero();
            for (Lead l : leads) {
                Lead stored = store.get(l.key()).orElseThrow();
                if (l.time().isBefore(cutoff)) {
                    assertThat(stored.body()).isNull();
                    assertThat(stored.title()).isEqualTo(l.title());
                } else {
                    assertThat(stored).isEqualTo(l);
                }
            }
            // A pruned lead is still known: scraped again, it is not stored (nor posted) again.
            assertThat(store.write(WriteBatch.of(leads.subList(0, 100)))).isEmpty();
            assertThat(store.size()).isEqualTo(leads.size());
            assertThat(store.stats().pruned()).isEqualTo(old);
        }
        try (MapDbStore store = open()) {
            assertThat(store.get(leads.getFirst().key()).orElseThrow().body()).isEqualTo(leads.getFirst().time().isBefore(cutoff) ? null : leads.getFirst().body());
            assertThat(store.write(WriteBatch.of(leads))).isEmpty();
        }
    }

    @Test
    void aLeadArrivingAlreadyOlderThanRetentionIsStoredWithoutItsBody() {
        TestLeads gen = new TestLeads(2);
        Lead recent = gen.lead();
        try (MapDbStore store = open()) {
            store.write(WriteBatch.of(gen.leads(100)));
            store.prune(TestLeads.START.plus(Duration.ofDays(10)));
            Lead ancient = new Lead("https://jobs.example.org/ancient", "import", "hn", "Old posting", null, "long body", null, null, null,
                    TestLeads.START.minus(Duration.ofDays(400)), TestLeads.START, List.of(), 1);
            store.write(WriteBatch.of(List.of(ancient, recent)));
            assertThat(store.get(ancient.key()).orElseThrow().body()).isNull();
            assertThat(store.get(recent.key()).orElseThrow().body()).isEqualTo(recent.time().isBefore(TestLeads.START.plus(Duration.ofDays(10)))
                    ? store.get(recent.key()).orElseThrow().body() : recent.body());
        }
    }
}
