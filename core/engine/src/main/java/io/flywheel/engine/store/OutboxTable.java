package io.flywheel.engine.store;

import io.flywheel.api.feedback.PostShown;
import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Partial;
import io.flywheel.engine.post.PostIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.mapdb.BTreeMap;
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
    /**
     * Output and message reference → the lead posts the message showed (id, ref, title cut to {@value #TITLE}), so an output
     * whose own memory of its messages is bounded can still attribute a click or reaction: a B-tree on disk, one entry per message
     * with a lead, about 170 bytes each (measured), not pruned (as {@code outbox.delivered} is not). Filled from the changes that record
     * deliveries; a store from before it has none for the messages it recorded earlier.
     */
    private final BTreeMap<String, byte[]> messages;
    static final int TITLE = 150;
    /** {@code outbox.message} is not filled yet (new, or a store from before API 1.3.0): {@link #backfillMessages} fills it once. */
    final boolean messagesNew;
    /**
     * Set by an upgrade that commits at open, before the journal replays and the fill runs (a store from before {@code feedback.via} or
     * schema 3), cleared in the fill's change: a crash between the two still gets the fill at the next open.
     */
    private static final String UNFILLED = "outbox.message.unfilled";
    private final DB db;

    OutboxTable(DB db, org.mapdb.BTreeMap<Long, Long> dir, AtomicLong structureVersion, Meta meta, Counts counts) {
        this.meta = meta;
        this.counts = counts;
        this.queue = new Buckets(db.getStore(), dir, F_OUTBOX, 0, 0, true, BUCKET, 0, structureVersion);
        this.outputs = new Dictionary("output", db.treeMap("dict.output", Serializer.STRING, Serializer.INTEGER).createOrOpen());
        this.delivered = db.hashMap("outbox.delivered", Serializer.STRING, Serializer.STRING).createOrOpen();
        this.partial = db.hashMap("outbox.partial", Serializer.STRING, Serializer.STRING).createOrOpen();
        this.db = db;
        this.messagesNew = !db.exists("outbox.message") || db.exists(UNFILLED) && db.atomicBoolean(UNFILLED).open().get();
        this.messages = db.treeMap("outbox.message", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
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

    /**
     * Removes delivered posts from the queue and records their references; keeps the marks of posts partly shown; when the output
     * named the message, {@code messageRef}, records the lead posts it showed: the deliveries to it and the partly shown posts. An
     * output that names none (it takes no engagement, or predates API 1.3.0 and so never asks) costs no entry per message.
     */
    void delivered(String outputId, String messageRef, List<Delivery> deliveries, List<Partial> partials) {
        List<String> shown = shownIn(messageRef, deliveries, partials);
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
        java.util.Set<String> wanted = new java.util.HashSet<>(refs.keySet());
        wanted.addAll(shown);
        Map<String, io.flywheel.api.output.Post> found = new HashMap<>();
        List<long[]> done = new ArrayList<>();
        Buckets.Cursor c = queue.ascending(oid, Long.MIN_VALUE, Long.MAX_VALUE);
        while (found.size() < wanted.size() && c.next()) {
            io.flywheel.api.output.Post post = Codec.post(c.blob()).post();
            if (wanted.contains(post.id())) {
                found.put(post.id(), post);
            }
            if (refs.containsKey(post.id())) {
                done.add(new long[] {c.pos(), c.seq()});
            }
        }
        if (messageRef != null) {
            remember(outputId, messageRef, shown.stream().map(found::get)
                    .filter(p -> p != null && p.kind() == io.flywheel.api.output.Post.Kind.LEAD).toList());
        }
        counts.add(F_OUTBOX, oid, -queue.removeAll(oid, done));
    }

    /** The posts {@code messageRef} showed: its deliveries and the partly shown posts; none when the output named no message. */
    private static List<String> shownIn(String messageRef, List<Delivery> deliveries, List<Partial> partials) {
        if (messageRef == null) {
            return List.of();
        }
        List<String> posts = new ArrayList<>();
        for (Delivery d : deliveries) {
            if (!d.refused() && !d.messageRef().startsWith(LeadStore.REFUSED) && messageRef.equals(d.messageRef())) {
                posts.add(d.postId());
            }
        }
        partials.forEach(p -> posts.add(p.postId()));
        return posts;
    }

    /** Replaces what {@code messageRef} showed (Discord answers a repeat sent with the same nonce with the same message). */
    private void remember(String outputId, String messageRef, List<io.flywheel.api.output.Post> leads) {
        if (leads.isEmpty()) {
            return;
        }
        put(refKey(outputId, messageRef), leads.stream().map(p -> new PostShown(p.id(), p.ref() == null ? p.id() : p.ref(), cut(p.title()))).toList());
    }

    private void put(String key, List<PostShown> shown) {
        Bytes b = new Bytes(64 + shown.size() * 200);
        b.u8(Codec.VERSION).varint(shown.size());
        for (PostShown p : shown) {
            b.str(p.postId()).str(p.ref()).str(p.title());
        }
        messages.put(key, b.toArray());
    }

    private static List<PostShown> decode(byte[] v) {
        Bytes.Reader r = Codec.reader(v);
        int n = r.varint();
        List<PostShown> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new PostShown(r.str(), r.str(), r.str()));
        }
        return out;
    }

    private static String cut(String title) {
        if (title.length() <= TITLE) {
            return title;
        }
        int end = Character.isHighSurrogate(title.charAt(TITLE - 1)) ? TITLE - 1 : TITLE;
        return title.substring(0, end);
    }

    /**
     * Fills {@code outbox.message} for a store written before it, from what it kept of each lead post delivered: its POSTED event
     * (the lead and the output), the post id every lead post has ({@link PostIds#ofLead}), the reference its delivery recorded and
     * the lead's title. Only the message each post ended in is known (not the earlier messages of a split post), in the order the
     * posts were logged. Written as the events are read, each post appended to its message's entry, so nothing grows with the number
     * of messages but the transaction itself; an entry the fill did not write (one the journal replay recorded) is replaced at the
     * fill's first post for it, as a whole message would have been. Returns the messages written.
     */
    int backfillMessages(FeedbackTables feedback, LeadTable leads) {
        // Only what the journal replay recorded before the fill: for a store from before the map, a journal's worth at most.
        java.util.Set<String> replayed = new java.util.HashSet<>(messages.keySet());
        int[] written = {0};
        feedback.forEachEvent(io.flywheel.engine.feedback.FeedbackEvent.Type.POSTED, e -> {
            if (e.detail() == null || e.subject() == null) {
                return;
            }
            String id = PostIds.ofLead(e.subject());
            String ref = delivered.get(refKey(e.detail(), id));
            if (ref == null || ref.startsWith(LeadStore.REFUSED)) {
                return;
            }
            leads.get(e.subject()).ifPresent(lead -> {
                String key = refKey(e.detail(), ref);
                byte[] had = replayed.remove(key) ? null : messages.get(key);
                List<PostShown> shown = new ArrayList<>();
                if (had == null) {
                    written[0]++;
                } else {
                    shown.addAll(decode(had));
                }
                if (shown.stream().noneMatch(p -> p.postId().equals(id))) {
                    shown.add(new PostShown(id, lead.key(), cut(lead.title())));
                    put(key, shown);
                }
            });
        });
        if (db.exists(UNFILLED)) {
            db.atomicBoolean(UNFILLED).open().set(false);
        }
        return written[0];
    }

    /** Before an upgrade's commit at open: the fill {@link #messagesNew} asks for is still owed if the process ends before it runs. */
    void owedFill() {
        if (messagesNew) {
            db.atomicBoolean(UNFILLED).createOrOpen().set(true);
        }
    }

    /** The lead posts {@code outputId} showed in {@code messageRef}, in the order shown; empty when none is recorded. */
    List<PostShown> shown(String outputId, String messageRef) {
        byte[] v = messages.get(refKey(outputId, messageRef));
        return v == null ? List.of() : decode(v);
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
