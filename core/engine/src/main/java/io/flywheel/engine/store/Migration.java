package io.flywheel.engine.store;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Delivery;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.WeightSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import org.mapdb.serializer.SerializerArrayTuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a store written by an older schema to the current one. Schema 1 (the first, naive store)
 * is copied into a new file beside it, which then takes its name; the old file is kept as
 * {@code <file>.v1-backup}. A crash part-way leaves the old file untouched and the copy is redone.
 */
final class Migration {
    private static final Logger log = LoggerFactory.getLogger(Migration.class);
    private static final int BATCH = 1000;

    private Migration() {}

    static Path backupFile(Path file, int version) {
        return file.resolveSibling(file.getFileName() + ".v" + version + "-backup");
    }

    static Path workFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".migrating");
    }

    static void migrateIfNeeded(Path file) {
        Path work = workFile(file);
        Path backup = backupFile(file, 1);
        try {
            if (!Files.exists(file) && Files.exists(work) && Files.exists(backup)) {
                finish(work, file); // crashed between the two renames
                return;
            }
            if (!Files.exists(file) || Files.size(file) == 0) {
                return;
            }
            int version;
            DB old = MapDbFiles.open(file);
            try {
                version = old.exists("schema.version") ? old.atomicInteger("schema.version").createOrOpen().get() : 0;
                if (version != 1) {
                    return;
                }
                log.info("Store {}: migrating from schema 1 to {} (the old file is kept as {})", file, Tables.SCHEMA, backup.getFileName());
                deleteWithCompanions(work);
                copyV1(old, work);
            } finally {
                old.close();
            }
            Files.deleteIfExists(MapDbFiles.redoFile(file));
            Files.move(file, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Durable.forceDirectory(file.toAbsolutePath().getParent());
            finish(work, file);
        } catch (IOException e) {
            throw new StoreException("cannot migrate the store " + file + ": " + e.getMessage(), e);
        }
    }

    private static void finish(Path work, Path file) throws IOException {
        Files.move(work, file, StandardCopyOption.ATOMIC_MOVE);
        Durable.forceDirectory(file.toAbsolutePath().getParent());
        Files.deleteIfExists(MapDbFiles.redoFile(work));
    }

    private static void deleteWithCompanions(Path work) throws IOException {
        Files.deleteIfExists(work);
        for (Path p : MapDbFiles.companions(work)) {
            Files.deleteIfExists(p);
        }
    }

    private static void copyV1(DB old, Path work) {
        HTreeMap<String, byte[]> leads = old.hashMap("leads", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
        BTreeMap<Object[], byte[]> outbox = old.treeMap("outbox")
                .keySerializer(new SerializerArrayTuple(Serializer.STRING, Serializer.LONG))
                .valueSerializer(Serializer.BYTE_ARRAY)
                .createOrOpen();
        HTreeMap<String, String> delivered = old.hashMap("outbox.delivered", Serializer.STRING, Serializer.STRING).createOrOpen();
        BTreeMap<Object[], byte[]> feedback = old.treeMap("feedback")
                .keySerializer(new SerializerArrayTuple(Serializer.LONG, Serializer.LONG))
                .valueSerializer(Serializer.BYTE_ARRAY)
                .createOrOpen();
        java.util.Set<String> once = old.hashSet("feedback.once", Serializer.STRING).createOrOpen();
        BTreeMap<Object[], byte[]> weights = old.treeMap("weights")
                .keySerializer(new SerializerArrayTuple(Serializer.INTEGER, Serializer.LONG, Serializer.LONG))
                .valueSerializer(Serializer.BYTE_ARRAY)
                .createOrOpen();

        DB db = MapDbFiles.open(work);
        try (Tables t = Tables.open(db, work)) {
            List<Lead> all = new ArrayList<>();
            for (byte[] bytes : leads.values()) {
                all.add(LegacyCodec.lead(bytes));
            }
            all.sort(Comparator.comparing(Lead::time).thenComparing(Lead::key));
            for (int i = 0; i < all.size(); i += BATCH) {
                t.apply(new Op.Write(WriteBatch.of(all.subList(i, Math.min(all.size(), i + BATCH)))));
            }
            List<OutboxEntry> posts = new ArrayList<>();
            for (byte[] bytes : outbox.values()) {
                posts.add(LegacyCodec.post(bytes));
            }
            t.apply(new Op.Write(new WriteBatch(List.of(), posts, List.of())));
            Map<String, List<Delivery>> refs = new java.util.TreeMap<>();
            delivered.forEach((k, ref) -> {
                int sep = k.indexOf('\u0000');
                refs.computeIfAbsent(k.substring(0, sep), x -> new ArrayList<>()).add(new Delivery(k.substring(sep + 1), ref));
            });
            refs.forEach((output, ds) -> t.apply(new Op.Delivered(output, ds)));
            List<FeedbackEvent> events = new ArrayList<>();
            for (byte[] bytes : feedback.values()) {
                events.add(LegacyCodec.event(bytes));
                if (events.size() == BATCH) {
                    t.apply(new Op.Events(events));
                    events = new ArrayList<>();
                }
            }
            t.apply(new Op.Events(events));
            for (String basis : once) {
                t.feedback.markOnce(basis);
            }
            for (byte[] bytes : weights.values()) {
                WeightSet w = LegacyCodec.weights(bytes);
                t.apply(new Op.Weights(List.of(w)));
            }
            t.checkpoint(0);
            log.info("Store migrated: {} lead(s), {} queued post(s), {} feedback event(s), {} weight set(s)", all.size(), posts.size(),
                    feedback.size(), weights.size());
        }
    }
}
