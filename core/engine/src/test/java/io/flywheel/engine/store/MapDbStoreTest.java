package io.flywheel.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.lead.Lead;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapDbStoreTest {
    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.atDefaultStart();

    private MapDbStore open() {
        return MapDbStore.open(dir.resolve("flywheel.db"), MapDbStore.Options.defaults(), clock);
    }

    @Test
    void storesEachKeyOnceAndReadsItBack() {
        List<Lead> leads = new TestLeads(1).leads(50);
        try (MapDbStore store = open()) {
            assertThat(store.write(WriteBatch.of(leads))).containsExactlyElementsOf(leads);
            assertThat(store.write(WriteBatch.of(leads.subList(10, 20)))).isEmpty();
            assertThat(store.size()).isEqualTo(50);
            for (Lead l : leads) {
                assertThat(store.contains(l.key())).isTrue();
                assertThat(store.get(l.key())).contains(l);
            }
            assertThat(store.contains("https://jobs.example.org/unknown")).isFalse();
            assertThat(store.get("https://jobs.example.org/unknown")).isEmpty();
        }
    }

    @Test
    void aKeyRepeatedInsideOneBatchIsStoredOnce() {
        Lead a = new TestLeads(2).lead();
        try (MapDbStore store = open()) {
            assertThat(store.write(WriteBatch.of(List.of(a, a.withScore(99))))).containsExactly(a);
            assertThat(store.get(a.key())).contains(a);
        }
    }

    @Test
    void everythingSurvivesCloseAndReopen() {
        List<Lead> leads = new TestLeads(3).leads(3000);
        try (MapDbStore store = open()) {
            for (int i = 0; i < leads.size(); i += 500) {
                store.write(WriteBatch.of(leads.subList(i, i + 500)));
            }
        }
        try (MapDbStore store = open()) {
            assertThat(store.size()).isEqualTo(3000);
            assertThat(store.get(leads.get(1234).key())).contains(leads.get(1234));
            assertThat(store.write(WriteBatch.of(leads))).isEmpty();
            assertThat(store.stats().keys()).isEqualTo(3000);
        }
    }

    @Test
    void changesWrittenBetweenCheckpointsSurviveAProcessThatNeverClosed() {
        List<Lead> leads = new TestLeads(4).leads(1000);
        MapDbStore store = MapDbStore.open(dir.resolve("flywheel.db"),
                MapDbStore.Options.defaults().withCheckpointInterval(Duration.ofHours(1)), clock);
        store.write(WriteBatch.of(leads.subList(0, 400)));
        store.flush();
        store.write(WriteBatch.of(leads.subList(400, 1000)));
        assertThat(store.stats().journalBytes()).isPositive();
        store.abandon(); // as if killed: no final checkpoint
        try (MapDbStore reopened = open()) {
            assertThat(reopened.size()).isEqualTo(1000);
            assertThat(reopened.get(leads.get(999).key())).contains(leads.get(999));
            assertThat(reopened.stats().journalBytes()).isZero();
        }
    }

    @Test
    void checkpointsWhenTheIntervalHasPassed() {
        try (MapDbStore store = MapDbStore.open(dir.resolve("flywheel.db"),
                MapDbStore.Options.defaults().withCheckpointInterval(Duration.ofSeconds(5)), clock)) {
            store.write(WriteBatch.of(new TestLeads(5).leads(10)));
            long afterFirst = store.stats().journalBytes();
            clock.advance(Duration.ofSeconds(6));
            store.flushIfDue();
            assertThat(afterFirst).isPositive();
            assertThat(store.stats().journalBytes()).isZero();
        }
    }

    @Test
    void reportsTheDedupFrontsMemory() {
        try (MapDbStore store = open()) {
            store.write(WriteBatch.of(new TestLeads(6).leads(10_000)));
            MapDbStore.Stats s = store.stats();
            assertThat(s.keys()).isEqualTo(10_000);
            assertThat((double) s.dedupFrontBytes() / s.keys()).isBetween(12.0, 30.0);
        }
    }
}
