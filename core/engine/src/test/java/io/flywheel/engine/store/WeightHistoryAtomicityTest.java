package io.flywheel.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MapDbStore#appendAll}: several weight sets in one change, so a crash or a failure keeps all of them or none. */
class WeightHistoryAtomicityTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final WeightSet BEFORE = set(WeightSet.Kind.KEYWORD, 0, "rust", 1.0);
    private static final List<WeightSet> POLL = List.of(
            set(WeightSet.Kind.KEYWORD, 60, "rust", 2.0),
            set(WeightSet.Kind.STRATEGY, 60, "sma", 0.3),
            set(WeightSet.Kind.STRATEGY, 61, "sma", 0.4));

    @TempDir
    Path dir;

    private static WeightSet set(WeightSet.Kind kind, int second, String name, double weight) {
        return new WeightSet(T0.plusSeconds(second), kind, Map.of(name, weight), "sha256:" + second, "poll");
    }

    private MapDbStore open() {
        // No checkpoint runs by itself: every change stays in the journal until the store is closed.
        return MapDbStore.open(dir.resolve("w.db"), MapDbStore.Options.defaults().withCheckpointInterval(Duration.ofHours(1)),
                ManualClock.atDefaultStart());
    }

    private static List<WeightSet> all(MapDbStore store) {
        List<WeightSet> out = new java.util.ArrayList<>(store.history(WeightSet.Kind.KEYWORD, T0, T0.plusSeconds(3600)));
        out.addAll(store.history(WeightSet.Kind.STRATEGY, T0, T0.plusSeconds(3600)));
        return out;
    }

    @Test
    void aCrashAfterTheCallReturnedKeepsEverySet() {
        MapDbStore store = open();
        store.append(BEFORE);
        store.appendAll(POLL);
        store.abandon(); // killed: nothing was checkpointed
        try (MapDbStore reopened = open()) {
            assertThat(all(reopened)).containsExactly(BEFORE, POLL.get(0), POLL.get(1), POLL.get(2));
            assertThat(reopened.latest(WeightSet.Kind.STRATEGY)).contains(POLL.get(2));
        }
    }

    @Test
    void aCrashWhileTheSetsWereBeingWrittenKeepsNoneOfThem() throws Exception {
        MapDbStore store = open();
        store.append(BEFORE);
        long before = store.journal().size();
        store.appendAll(POLL);
        long after = store.journal().size();
        store.abandon();
        // The process died with the change half on disk: every cut inside it loses the whole change, never a part.
        Path journal = MapDbStore.journalFile(store.file());
        byte[] full = Files.readAllBytes(journal);
        byte[] db = Files.readAllBytes(store.file());
        for (long cut = before + 1; cut < after; cut += Math.max(1, (after - before) / 7)) {
            // Each cut on a copy of the files as the crash left them (both changes only in the journal).
            Files.write(store.file(), db);
            Files.deleteIfExists(MapDbFiles.redoFile(store.file()));
            Files.write(journal, java.util.Arrays.copyOf(full, (int) cut));
            try (MapDbStore reopened = open()) {
                assertThat(all(reopened)).as("journal cut at byte %d of %d", cut, after).containsExactly(BEFORE);
                assertThat(reopened.latest(WeightSet.Kind.STRATEGY)).isEmpty();
            }
        }
        // The whole change on disk: all three.
        Files.write(store.file(), db);
        Files.write(journal, full);
        try (MapDbStore reopened = open()) {
            assertThat(all(reopened)).hasSize(4);
        }
    }

    @Test
    void aFailedCallStoresNoneOfTheSetsAndTheStoreGoesOn() {
        try (MapDbStore store = open()) {
            store.append(BEFORE);
            assertThat(store.latest(WeightSet.Kind.KEYWORD)).contains(BEFORE);
            store.journal().close(); // the disk goes away after the sets were applied, before they were journaled
            assertThatThrownBy(() -> store.appendAll(POLL))
                    .isInstanceOf(StoreException.class).hasMessageContaining("record 3 weight set(s)").hasMessageContaining(store.file().toString());
            assertThat(all(store)).containsExactly(BEFORE);
            assertThat(store.latest(WeightSet.Kind.KEYWORD)).contains(BEFORE);
            assertThat(store.latest(WeightSet.Kind.STRATEGY)).isEmpty();
            store.appendAll(POLL);
            assertThat(all(store)).containsExactly(BEFORE, POLL.get(0), POLL.get(1), POLL.get(2));
        }
        try (MapDbStore store = open()) {
            assertThat(all(store)).containsExactly(BEFORE, POLL.get(0), POLL.get(1), POLL.get(2));
        }
    }
}
