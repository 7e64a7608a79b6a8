package io.flywheel.engine.store;

import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Partial;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.mapdb.DB;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;

/**
 * Posts waiting for each output, in queue order, in bucket records (one queue per output). A post
 * leaves only when its output confirmed it, in the same change that records where it landed, so
 * it is neither lost nor sent again after a restart.
 */
final class OutboxTable {
    static final int F_OUTBOX = 5;
    private static final int BUCKET = 128;

    private final Meta meta;
    private final Counts counts;
    private final Buckets queue;
    private final Dictionary outputs;
    private final HTreeMap<String, String> delivered;
    /** Output and post → the output's mark of a post partly shown, while the post is queued. */
    private final HTreeMap<String, String> partial;

    OutboxTable(DB db, org.mapdb.BTreeMap<Long, Long> dir, AtomicLong structureVersion, Meta meta, Counts counts) {
        this.meta = meta;
        this.counts = counts;
        this.queue = new Buckets(db.getStore(), dir, F_OUTBOX, 0, 0, true, BUCKET, 0, structureVersion);
        this.outputs = new Dictionary("output", db.treeMap("dict.output", Serializer.STRING, Serializer.INTEGER).createOrOpen());
        this.delivered = db.hashMap("outbox.delivered", Serializer.STRING, Serializer.STRING).createOrOpen();
        this.partial = db.hashMap("outbox.partial", Serializer.STRING, Serializer.STRING).createOrOpen();
    }

    private static String refKey(String outputId, String postId) {
        return outputId + '\u0000' + postId;
    }

    void add(List<OutboxEntry> posts) {
        Map<Integer, List<Buckets.Entry>> byOutput = new LinkedHashMap<>();
        for (OutboxEntry e : posts) {
            long seq = meta.postSeq.next();
            byOutput.computeIfAbsent(outputs.id(e.outputId()), x -> new ArrayList<>()).add(new Buckets.Entry(seq, seq, new long[0], Codec.post(e)));
        }
        byOutput.forEach((oid, entries) -> {
            queue.insert(oid, entries);
            counts.add(F_OUTBOX, oid, entries.size());
        });
    }

    /** Removes delivered posts from the queue and records their references; keeps the marks of posts partly shown. */
    void delivered(String outputId, List<Delivery> deliveries, List<Partial> partials) {
        Map<String, String> refs = new HashMap<>();
        for (Delivery d : deliveries) {
            refs.put(d.postId(), d.messageRef());
            delivered.put(refKey(outputId, d.postId()), d.messageRef());
            partial.remove(refKey(outputId, d.postId()));
        }
        for (Partial p : partials) {
            String key = refKey(outputId, p.postId());
            if (!delivered.containsKey(key)) {
                partial.put(key, p.mark());
            }
        }
        int oid = outputs.find(outputId);
        if (oid < 0) {
            return;
        }
        List<long[]> done = new ArrayList<>();
        Buckets.Cursor c = queue.ascending(oid, Long.MIN_VALUE, Long.MAX_VALUE);
        while (done.size() < refs.size() && c.next()) {
            if (refs.containsKey(Codec.post(c.blob()).post().id())) {
                done.add(new long[] {c.pos(), c.seq()});
            }
        }
        counts.add(F_OUTBOX, oid, -queue.removeAll(oid, done));
    }

    /** The oldest {@code limit} posts waiting for {@code outputId}, up to sequence {@code visibleSeq}. */
    List<OutboxEntry> pending(String outputId, int limit, long visibleSeq) {
        int oid = outputs.find(outputId);
        if (oid < 0 || limit <= 0) {
            return List.of();
        }
        List<OutboxEntry> out = new ArrayList<>();
        Buckets.Cursor c = queue.ascending(oid, Long.MIN_VALUE, visibleSeq == Long.MAX_VALUE ? Long.MAX_VALUE : visibleSeq + 1);
        while (out.size() < limit && c.next()) {
            out.add(Codec.post(c.blob()));
        }
        return out;
    }

    long pendingCount(String outputId) {
        int oid = outputs.find(outputId);
        return oid < 0 ? 0 : counts.get(F_OUTBOX, oid);
    }

    Optional<String> partial(String outputId, String postId) {
        return Optional.ofNullable(partial.get(refKey(outputId, postId)));
    }

    Optional<String> messageRef(String outputId, String postId) {
        return Optional.ofNullable(delivered.get(refKey(outputId, postId)));
    }
}
