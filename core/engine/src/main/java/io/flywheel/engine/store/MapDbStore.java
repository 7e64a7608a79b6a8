package io.flywheel.engine.store;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Delivery;
import io.flywheel.engine.feedback.Aggregate;
import io.flywheel.engine.feedback.Dimension;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.FeedbackLog;
import io.flywheel.engine.feedback.WeightHistory;
import io.flywheel.engine.feedback.WeightSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.mapdb.Atomic;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import org.mapdb.serializer.SerializerArrayTuple;

/**
 * Leads, outbox, feedback log and weight history in one MapDB file with transactions on: every
 * write is one commit, so a killed process reopens with every batch whose commit returned.
 */
public final class MapDbStore implements LeadStore, FeedbackLog, WeightHistory {
    static final int SCHEMA_VERSION = 1;

    private final Path file;
    private final DB db;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final HTreeMap<String, byte[]> leads;
    private final BTreeMap<Object[], String> leadsByTime;
    private final BTreeMap<Object[], byte[]> outbox;
    private final HTreeMap<String, String> deliveredRefs;
    private final BTreeMap<Object[], byte[]> feedback;
    private final Set<String> feedbackOnce;
    private final BTreeMap<Object[], byte[]> weights;
    private final Atomic.Long sequence;
    private final AtomicLong size = new AtomicLong();

    private MapDbStore(Path file, DB db) {
        this.file = file;
        this.db = db;
        this.leads = db.hashMap("leads", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
        this.leadsByTime = db.treeMap("leads.by-time")
                .keySerializer(new SerializerArrayTuple(Serializer.LONG, Serializer.STRING))
                .valueSerializer(Serializer.STRING)
                .createOrOpen();
        this.outbox = db.treeMap("outbox")
                .keySerializer(new SerializerArrayTuple(Serializer.STRING, Serializer.LONG))
                .valueSerializer(Serializer.BYTE_ARRAY)
                .createOrOpen();
        this.deliveredRefs = db.hashMap("outbox.delivered", Serializer.STRING, Serializer.STRING).createOrOpen();
        this.feedback = db.treeMap("feedback")
                .keySerializer(new SerializerArrayTuple(Serializer.LONG, Serializer.LONG))
                .valueSerializer(Serializer.BYTE_ARRAY)
                .createOrOpen();
        this.feedbackOnce = db.hashSet("feedback.once", Serializer.STRING).createOrOpen();
        this.weights = db.treeMap("weights")
                .keySerializer(new SerializerArrayTuple(Serializer.INTEGER, Serializer.LONG, Serializer.LONG))
                .valueSerializer(Serializer.BYTE_ARRAY)
                .createOrOpen();
        this.sequence = db.atomicLong("sequence").createOrOpen();
        this.size.set(leads.sizeLong());
    }

    /** Opens (or creates) the store at {@code file}. */
    public static MapDbStore open(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new StoreException("cannot create the store folder " + absolute.getParent() + ": " + e.getMessage(), e);
        }
        DB db;
        try {
            db = DBMaker.fileDB(absolute.toFile()).transactionEnable().make();
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the store " + absolute + ": " + e.getMessage()
                    + " (is another Flywheel running on it? A file lock means one process per store.)", e);
        }
        Atomic.Integer schema = db.atomicInteger("schema.version").createOrOpen();
        int found = schema.get();
        if (found == 0) {
            schema.set(SCHEMA_VERSION);
            db.commit();
        } else if (found != SCHEMA_VERSION) {
            db.close();
            throw new StoreException("the store " + absolute + " was written by schema version " + found + "; this Flywheel reads version "
                    + SCHEMA_VERSION + ". Run the Flywheel version that wrote it, or move the file away to start a new store.");
        }
        return new MapDbStore(absolute, db);
    }

    public Path file() {
        return file;
    }

    @Override
    public boolean contains(String key) {
        return leads.containsKey(key);
    }

    @Override
    public List<Lead> write(WriteBatch batch) {
        writeLock.lock();
        try {
            List<Lead> stored = new ArrayList<>();
            Set<String> skipped = new HashSet<>();
            for (Lead lead : batch.leads()) {
                if (leads.putIfAbsent(lead.key(), Codec.lead(lead)) == null) {
                    leadsByTime.put(new Object[] {lead.time().toEpochMilli(), lead.key()}, lead.key());
                    stored.add(lead);
                } else {
                    skipped.add(lead.key());
                }
            }
            for (OutboxEntry entry : batch.posts()) {
                if (entry.post().ref() == null || !skipped.contains(entry.post().ref())) {
                    outbox.put(new Object[] {entry.outputId(), sequence.incrementAndGet()}, Codec.post(entry));
                }
            }
            appendEvents(batch.events().stream().filter(e -> !skipped.contains(e.subject())).toList());
            db.commit();
            size.addAndGet(stored.size());
            return stored;
        } catch (RuntimeException e) {
            db.rollback();
            throw new StoreException("cannot write to the store " + file + ": " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Optional<Lead> get(String key) {
        byte[] bytes = leads.get(key);
        return bytes == null ? Optional.empty() : Optional.of(Codec.lead(bytes));
    }

    @Override
    public List<Lead> query(LeadQuery q) {
        NavigableMap<Object[], String> range = leadsByTime.descendingMap();
        List<Lead> out = new ArrayList<>();
        for (var e : range.entrySet()) {
            long millis = (Long) e.getKey()[0];
            if (q.to() != null && millis >= q.to().toEpochMilli()) {
                continue;
            }
            if (q.from() != null && millis < q.from().toEpochMilli()) {
                break;
            }
            Optional<Lead> lead = get(e.getValue());
            if (lead.isEmpty()) {
                continue;
            }
            Lead l = lead.get();
            if (q.platform() != null && !q.platform().equals(l.platform())) continue;
            if (q.minScore() != null && l.score() < q.minScore()) continue;
            if (q.keyword() != null && !l.keywords().contains(q.keyword())) continue;
            out.add(l);
            if (out.size() >= q.limit()) {
                break;
            }
        }
        return out;
    }

    @Override
    public long size() {
        return size.get();
    }

    @Override
    public List<OutboxEntry> pending(String outputId, int limit) {
        List<OutboxEntry> out = new ArrayList<>();
        for (byte[] bytes : outbox.prefixSubMap(new Object[] {outputId}).values()) {
            out.add(Codec.post(bytes));
            if (out.size() >= limit) {
                break;
            }
        }
        return out;
    }

    @Override
    public long pendingCount(String outputId) {
        return outbox.prefixSubMap(new Object[] {outputId}).size();
    }

    @Override
    public void delivered(String outputId, List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        writeLock.lock();
        try {
            Map<String, String> refs = new LinkedHashMap<>();
            deliveries.forEach(d -> refs.put(d.postId(), d.messageRef()));
            var pendingForOutput = outbox.prefixSubMap(new Object[] {outputId});
            List<Object[]> done = new ArrayList<>();
            for (var e : pendingForOutput.entrySet()) {
                OutboxEntry entry = Codec.post(e.getValue());
                if (refs.containsKey(entry.post().id())) {
                    done.add(e.getKey());
                }
            }
            done.forEach(outbox::remove);
            refs.forEach((postId, ref) -> deliveredRefs.put(outputId + '\u0000' + postId, ref));
            db.commit();
        } catch (RuntimeException e) {
            db.rollback();
            throw new StoreException("cannot record deliveries in the store " + file + ": " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Optional<String> messageRef(String outputId, String postId) {
        return Optional.ofNullable(deliveredRefs.get(outputId + '\u0000' + postId));
    }

    @Override
    public void append(List<FeedbackEvent> events) {
        writeLock.lock();
        try {
            appendEvents(events);
            db.commit();
        } catch (RuntimeException e) {
            db.rollback();
            throw new StoreException("cannot append to the feedback log in " + file + ": " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public boolean appendOnce(FeedbackEvent event) {
        writeLock.lock();
        try {
            String once = event.actor() + '\u0000' + event.type() + '\u0000' + event.subject();
            if (!feedbackOnce.add(once)) {
                return false;
            }
            appendEvents(List.of(event));
            db.commit();
            return true;
        } catch (RuntimeException e) {
            db.rollback();
            throw new StoreException("cannot append to the feedback log in " + file + ": " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    private void appendEvents(List<FeedbackEvent> events) {
        for (FeedbackEvent e : events) {
            feedback.put(new Object[] {e.time().toEpochMilli(), sequence.incrementAndGet()}, Codec.event(e));
        }
    }

    @Override
    public List<FeedbackEvent> events(Instant from, Instant to, Set<FeedbackEvent.Type> types) {
        List<FeedbackEvent> out = new ArrayList<>();
        var range = feedback.subMap(new Object[] {from.toEpochMilli(), Long.MIN_VALUE}, true, new Object[] {to.toEpochMilli(), Long.MIN_VALUE}, false);
        for (byte[] bytes : range.values()) {
            FeedbackEvent e = Codec.event(bytes);
            if (types.isEmpty() || types.contains(e.type())) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public Map<String, Aggregate> aggregate(Dimension dimension, Instant from, Instant to) {
        Map<String, EnumMap<FeedbackEvent.Type, Long>> counts = new LinkedHashMap<>();
        Map<String, Double> sums = new LinkedHashMap<>();
        for (FeedbackEvent e : events(from, to, Set.of())) {
            List<String> keys = switch (dimension) {
                case KEYWORD -> e.keywords();
                case PLATFORM -> e.platform() == null ? List.of() : List.of(e.platform());
                case SOURCE -> e.sourceId() == null || e.type() == FeedbackEvent.Type.TRADE_RETURN ? List.of() : List.of(e.sourceId());
                case STRATEGY -> e.type() == FeedbackEvent.Type.TRADE_RETURN ? List.of(e.subject()) : List.of();
            };
            for (String k : keys) {
                counts.computeIfAbsent(k, x -> new EnumMap<>(FeedbackEvent.Type.class)).merge(e.type(), 1L, Long::sum);
                sums.merge(k, e.value(), Double::sum);
            }
        }
        Map<String, Aggregate> out = new LinkedHashMap<>();
        counts.forEach((k, c) -> out.put(k, new Aggregate(k, c, sums.getOrDefault(k, 0.0))));
        return out;
    }

    @Override
    public void append(WeightSet set) {
        appendAll(List.of(set));
    }

    @Override
    public void appendAll(List<WeightSet> sets) {
        if (sets.isEmpty()) {
            return;
        }
        writeLock.lock();
        try {
            for (WeightSet set : sets) {
                weights.put(new Object[] {set.kind().ordinal(), set.time().toEpochMilli(), sequence.incrementAndGet()}, Codec.weights(set));
            }
            db.commit();
        } catch (RuntimeException e) {
            db.rollback();
            throw new StoreException("cannot record weights in " + file + ": " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Optional<WeightSet> latest(WeightSet.Kind kind) {
        var forKind = weights.prefixSubMap(new Object[] {kind.ordinal()});
        return forKind.isEmpty() ? Optional.empty() : Optional.of(Codec.weights(forKind.lastEntry().getValue()));
    }

    @Override
    public List<WeightSet> history(WeightSet.Kind kind, Instant from, Instant to) {
        var range = weights.subMap(new Object[] {kind.ordinal(), from.toEpochMilli(), Long.MIN_VALUE}, true,
                new Object[] {kind.ordinal(), to.toEpochMilli(), Long.MIN_VALUE}, false);
        return range.values().stream().map(Codec::weights).toList();
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (!db.isClosed()) {
                db.commit();
                db.close();
            }
        } finally {
            writeLock.unlock();
        }
    }
}
