package io.flywheel.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Post;
import io.flywheel.engine.feedback.Dimension;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import org.mapdb.serializer.SerializerArrayTuple;

class SchemaTest {
    @TempDir
    Path dir;

    private MapDbStore open(Path file) {
        return MapDbStore.open(file, MapDbStore.Options.defaults(), ManualClock.atDefaultStart());
    }

    @Test
    void aStoreWrittenByANewerFlywheelStopsWithWhatToDo() {
        Path file = dir.resolve("newer.db");
        DB db = DBMaker.fileDB(file.toFile()).transactionEnable().make();
        db.atomicInteger("schema.version").createOrOpen().set(MapDbStore.SCHEMA_VERSION + 1);
        db.commit();
        db.close();
        assertThatThrownBy(() -> open(file)).isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("schema version " + (MapDbStore.SCHEMA_VERSION + 1))
                .hasMessageContaining("newer Flywheel")
                .hasMessageContaining("move the file away");
        // The file is left as it was.
        DB again = DBMaker.fileDB(file.toFile()).transactionEnable().make();
        assertThat(again.atomicInteger("schema.version").createOrOpen().get()).isEqualTo(MapDbStore.SCHEMA_VERSION + 1);
        again.close();
    }

    @Test
    void aFileThatIsNotAStoreIsReportedNotOverwritten() throws Exception {
        Path file = dir.resolve("garbage.db");
        String notes = "this is not a MapDB file, but somebody's notes".repeat(100);
        Files.writeString(file, notes);
        assertThatThrownBy(() -> open(file)).isInstanceOf(StoreException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("not a Flywheel store");
        assertThat(Files.readString(file)).isEqualTo(notes);
    }

    @Test
    void aSecondProcessOnTheSameStoreIsRefusedClearly() {
        Path file = dir.resolve("busy.db");
        try (MapDbStore first = open(file)) {
            assertThatThrownBy(() -> open(file)).isInstanceOf(StoreException.class).hasMessageContaining("in use by another Flywheel");
            assertThat(first.size()).isZero();
        }
    }

    @Test
    void aRefusedSecondOpenLeavesTheFilesOfTheStoreInUseAsTheyAre() throws Exception {
        Path file = dir.resolve("busy.db");
        try (MapDbStore first = open(file)) {
            first.write(new WriteBatch(List.of(new TestLeads(1).lead()), List.of(), List.of()));
            // As if the first process were in the middle of a commit: its redo file holds a record not yet complete.
            Path redo = MapDbFiles.redoFile(file);
            byte[] partial = new byte[100];
            java.util.Arrays.fill(partial, (byte) 7);
            Files.write(redo, partial);
            byte[] main = Files.readAllBytes(file);

            assertThatThrownBy(() -> open(file)).isInstanceOf(StoreException.class).hasMessageContaining("in use by another Flywheel");
            assertThat(Files.readAllBytes(redo)).isEqualTo(partial);
            assertThat(Files.readAllBytes(file)).isEqualTo(main);
            Files.write(redo, new byte[0]);
        }
        try (MapDbStore again = open(file)) {
            assertThat(again.size()).isEqualTo(1);
        }
    }

    @Test
    void aStoreWhoseHeaderIsZeroedIsRefusedNotDeleted() throws Exception {
        Path file = dir.resolve("flywheel.db");
        try (MapDbStore store = open(file)) {
            store.write(new WriteBatch(List.of(new TestLeads(1).lead()), List.of(), List.of()));
        }
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.allocate(8), 0); // a torn first page
        }
        long size = Files.size(file);
        assertThatThrownBy(() -> open(file)).isInstanceOf(StoreException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("is damaged").hasMessageContaining("move it");
        assertThat(Files.size(file)).isEqualTo(size);
        assertThatThrownBy(() -> open(file)).isInstanceOf(StoreException.class).hasMessageContaining("is damaged");
    }

    @Test
    void aStoreFileOfZerosOnlyIsOneWhoseCreationNeverFinishedAndStartsAfresh() throws Exception {
        Path file = dir.resolve("flywheel.db");
        Files.write(file, new byte[1 << 20]);
        try (MapDbStore store = open(file)) {
            assertThat(store.size()).isZero();
            store.write(new WriteBatch(List.of(new TestLeads(1).lead()), List.of(), List.of()));
        }
        try (MapDbStore again = open(file)) {
            assertThat(again.size()).isEqualTo(1);
        }
    }

    /** Writes a store the way the first Flywheel (schema 1) did. */
    private static void writeVersion1(Path file, Lead lead, Post post, FeedbackEvent event, WeightSet weights) {
        DB db = DBMaker.fileDB(file.toFile()).transactionEnable().make();
        db.atomicInteger("schema.version").createOrOpen().set(1);
        HTreeMap<String, byte[]> leads = db.hashMap("leads", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
        leads.put(lead.key(), LegacyCodec.lead(lead));
        BTreeMap<Object[], byte[]> outbox = db.treeMap("outbox").keySerializer(new SerializerArrayTuple(Serializer.STRING, Serializer.LONG))
                .valueSerializer(Serializer.BYTE_ARRAY).createOrOpen();
        outbox.put(new Object[] {"console", 1L}, LegacyCodec.post(new OutboxEntry("console", post)));
        HTreeMap<String, String> delivered = db.hashMap("outbox.delivered", Serializer.STRING, Serializer.STRING).createOrOpen();
        delivered.put("console\u0000earlier-post", "line-12");
        BTreeMap<Object[], byte[]> feedback = db.treeMap("feedback").keySerializer(new SerializerArrayTuple(Serializer.LONG, Serializer.LONG))
                .valueSerializer(Serializer.BYTE_ARRAY).createOrOpen();
        feedback.put(new Object[] {event.time().toEpochMilli(), 2L}, LegacyCodec.event(event));
        db.hashSet("feedback.once", Serializer.STRING).createOrOpen().add(event.actor() + '\u0000' + event.type() + '\u0000' + event.subject());
        BTreeMap<Object[], byte[]> w = db.treeMap("weights").keySerializer(new SerializerArrayTuple(Serializer.INTEGER, Serializer.LONG, Serializer.LONG))
                .valueSerializer(Serializer.BYTE_ARRAY).createOrOpen();
        w.put(new Object[] {weights.kind().ordinal(), weights.time().toEpochMilli(), 3L}, LegacyCodec.weights(weights));
        db.commit();
        db.close();
    }

    @Test
    void aSchema1StoreIsMigratedKeepingEverythingAndABackup() {
        Path file = dir.resolve("flywheel.db");
        Instant t = Instant.parse("2025-11-02T10:00:00Z");
        Lead lead = new Lead("https://example.org/jobs/1", "hn-hiring", "hackernews", "Rust engineer", "https://example.org/jobs/1", "Body", "Acme",
                "Remote", null, t, t, List.of("rust"), 4.5);
        Post post = new Post("lead-abc", Post.Kind.LEAD, lead.key(), lead.title(), lead.url(), lead.body(), List.of(), t);
        FeedbackEvent click = new FeedbackEvent(t, FeedbackEvent.Type.INTERESTED, lead.key(), "hn-hiring", "hackernews", List.of("rust"), "u1", 0,
                Map.of(), "console");
        WeightSet weights = new WeightSet(t, WeightSet.Kind.KEYWORD, Map.of("rust", 3.0), "config", "initial");
        writeVersion1(file, lead, post, click, weights);

        try (MapDbStore store = open(file)) {
            assertThat(store.get(lead.key())).contains(lead);
            assertThat(store.query(LeadQuery.newest(10).platform("hackernews"))).containsExactly(lead);
            assertThat(store.pending("console", 10)).extracting(OutboxEntry::post).containsExactly(post);
            assertThat(store.messageRef("console", "earlier-post")).contains("line-12");
            assertThat(store.events(t, t.plusSeconds(1), java.util.Set.of())).containsExactly(click);
            assertThat(store.appendOnce(click)).isFalse();
            assertThat(store.aggregate(Dimension.KEYWORD, t, t.plusSeconds(1))).containsKey("rust");
            assertThat(store.latest(WeightSet.Kind.KEYWORD)).contains(weights);
        }
        assertThat(Migration.backupFile(file, 1)).exists();
        assertThat(Migration.workFile(file)).doesNotExist();
        try (MapDbStore store = open(file)) {
            assertThat(store.size()).isEqualTo(1);
        }
    }
}
