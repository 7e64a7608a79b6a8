package io.flywheel.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.testkit.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file created or renamed is durable across a power cut only once its folder is forced: every
 * time the store creates or renames one of its files it forces the folder afterwards.
 */
class DurabilityTest {
    @TempDir
    Path dir;

    /** What the folder held each time it was forced. */
    private final List<List<String>> forced = new CopyOnWriteArrayList<>();

    @BeforeEach
    void watch() {
        Durable.onDirectoryForced = d -> {
            if (d.equals(dir.toAbsolutePath().normalize())) {
                forced.add(names(d));
            }
        };
    }

    @AfterEach
    void unwatch() {
        Durable.onDirectoryForced = d -> {};
    }

    private static List<String> names(Path d) {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private MapDbStore open(Path file) {
        return MapDbStore.open(file, MapDbStore.Options.defaults().withSync(MapDbStore.Sync.BATCH), ManualClock.atDefaultStart());
    }

    @Test
    void aNewStoreForcesItsFolderAfterCreatingEachOfItsFiles() {
        Path file = dir.resolve("s.db");
        try (MapDbStore store = open(file)) {
            store.write(WriteBatch.of(new TestLeads(1).leads(10)));
        }
        assertThat(forced).isNotEmpty();
        assertThat(forced.getLast()).contains("s.db", "s.db.journal", "s.db.redo");
        forced.clear();
        // Reopening creates nothing, so forces no folder.
        try (MapDbStore store = open(file)) {
            assertThat(store.size()).isEqualTo(10);
        }
        assertThat(forced).isEmpty();
    }

    @Test
    void theRedoFileIsDurableBeforeMapDbWritesANewMainFile() {
        // MapDB's first commit to a new file already goes through the redo file (found by PowerCutTest).
        open(dir.resolve("s.db")).close();
        assertThat(forced.getFirst()).contains("s.db.redo").doesNotContain("s.db");
    }

    @Test
    void aJournalRecreatedBesideAnExistingStoreIsMadeDurable() throws Exception {
        Path file = dir.resolve("s.db");
        open(file).close();
        Files.delete(MapDbStore.journalFile(file));
        forced.clear();
        try (MapDbStore store = open(file)) {
            store.write(WriteBatch.of(new TestLeads(2).leads(5)));
        }
        assertThat(forced).hasSize(1);
        assertThat(forced.getFirst()).contains("s.db.journal");
    }

    @Test
    void aMigrationForcesTheFolderAfterEachRename() {
        Path file = dir.resolve("old.db");
        org.mapdb.DB db = org.mapdb.DBMaker.fileDB(file.toFile()).transactionEnable().make();
        db.atomicInteger("schema.version").createOrOpen().set(1);
        db.commit();
        db.close();
        forced.clear();
        open(file).close();
        assertThat(forced).anySatisfy(names -> assertThat(names).contains("old.db.v1-backup", "old.db.migrating").doesNotContain("old.db"));
        assertThat(forced).anySatisfy(names -> assertThat(names).contains("old.db.v1-backup", "old.db").doesNotContain("old.db.migrating"));
    }
}
