package io.flywheel.engine.store;

import com.google.common.hash.Hashing;
import io.flywheel.api.lead.Lead;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;
import org.mapdb.Store;
import org.mapdb.serializer.SerializerArrayTuple;

/**
 * Leads: one MapDB record each (its id, the recid, never changes), the dedup front over their
 * keys, and four time-ordered indexes whose entries cover what queries filter on (platform,
 * score) so only the leads returned are read:
 *
 * <ul>
 *   <li>all leads by time;
 *   <li>by platform, then time;
 *   <li>by keyword, then time (one entry per matched keyword);
 *   <li>by score band (half an octave of score), then time;
 *   <li>by found time (when Flywheel first saw the lead), which retention walks.
 * </ul>
 *
 * A key log (append-only, in bucket records) holds every key's hash and record id, from which the
 * dedup front is rebuilt when the store opens.
 */
final class LeadTable {
    static final int F_TIME = 0;
    static final int F_PLATFORM = 1;
    static final int F_KEYWORD = 2;
    static final int F_BAND = 3;
    static final int F_KEYLOG = 4;
    static final int F_FOUND = 7;
    static final int BANDS = 128;
    private static final int BUCKET = 256;
    private static final int KEYLOG_BUCKET = 1024;
    private static final int RECID = 0;
    private static final int PLATFORM = 1;
    private static final int SCORE = 2;

    private final Store store;
    private final Meta meta;
    private final Counts counts;
    private final Buckets byTime;
    private final Buckets byPlatform;
    private final Buckets byKeyword;
    private final Buckets byBand;
    private final Buckets keylog;
    private final Buckets byFound;
    private final Dictionary platforms;
    private final Dictionary keywords;
    private final BTreeMap<Object[], Long> linksByOriginal;
    private final KeyFront front;

    LeadTable(DB db, BTreeMap<Long, Long> dir, AtomicLong structureVersion, Meta meta, Counts counts) {
        this.store = db.getStore();
        this.meta = meta;
        this.counts = counts;
        int score = 1 << SCORE;
        this.byTime = new Buckets(store, dir, F_TIME, 3, score, false, BUCKET, Buckets.NANOS_SHIFT, structureVersion);
        this.byPlatform = new Buckets(store, dir, F_PLATFORM, 3, score, false, BUCKET, Buckets.NANOS_SHIFT, structureVersion);
        this.byKeyword = new Buckets(store, dir, F_KEYWORD, 3, score, false, BUCKET, Buckets.NANOS_SHIFT, structureVersion);
        this.byBand = new Buckets(store, dir, F_BAND, 3, score, false, BUCKET, Buckets.NANOS_SHIFT, structureVersion);
        this.keylog = new Buckets(store, dir, F_KEYLOG, 2, 1, false, KEYLOG_BUCKET, 0, structureVersion);
        this.byFound = new Buckets(store, dir, F_FOUND, 1, 0, false, BUCKET, Buckets.NANOS_SHIFT, structureVersion);
        this.platforms = new Dictionary("platform", db.treeMap("dict.platform", Serializer.STRING, Serializer.INTEGER).createOrOpen());
        this.keywords = new Dictionary("keyword", db.treeMap("dict.keyword", Serializer.STRING, Serializer.INTEGER).createOrOpen());
        this.linksByOriginal = db.treeMap("links.by-original")
                .keySerializer(new SerializerArrayTuple(Serializer.LONG, Serializer.LONG))
                .valueSerializer(Serializer.LONG)
                .createOrOpen();
        long keys = counts.get(F_KEYLOG, 0);
        this.front = new KeyFront((int) Math.min(Integer.MAX_VALUE / 2, Math.max(1024, keys + keys / 4)));
        Buckets.Cursor c = keylog.ascending(0, Long.MIN_VALUE, Long.MAX_VALUE);
        while (c.next()) {
            front.add(c.field(0), (int) c.field(1));
        }
    }

    /** The 64-bit identity of a dedup key (FarmHash fingerprint: stable across releases by contract). */
    static long hash(String key) {
        return Hashing.farmHashFingerprint64().hashString(key, StandardCharsets.UTF_8).asLong();
    }

    /** Half-octave score bands: non-positive and NaN scores in band 0, otherwise increasing with the score. */
    static int band(double score) {
        if (!(score > 0)) {
            return 0;
        }
        double halfOctaves = Math.floor(Math.log(score) / Math.log(2) * 2);
        return (int) Math.max(1, Math.min(BANDS - 1, halfOctaves + 64));
    }

    // ---- writes (the store's single writer) ----

    /** What a write stored, and the keys it skipped because they were already known. */
    record Written(List<Lead> stored, Set<String> skipped) {}

    Written write(List<Lead> leads, List<DuplicateLink> links) {
        List<Lead> stored = new ArrayList<>();
        Set<String> skipped = new HashSet<>();
        Set<Long> batch = new HashSet<>();
        List<Buckets.Entry> time = new ArrayList<>();
        Map<Integer, List<Buckets.Entry>> platform = new HashMap<>();
        Map<Integer, List<Buckets.Entry>> keyword = new HashMap<>();
        Map<Integer, List<Buckets.Entry>> band = new HashMap<>();
        List<Buckets.Entry> keys = new ArrayList<>();
        List<Buckets.Entry> found = new ArrayList<>();
        long pruneUntil = meta.pruneUntil.get();
        for (Lead lead : leads) {
            long h = hash(lead.key());
            if (front.contains(h) || !batch.add(h)) {
                skipped.add(lead.key());
                continue;
            }
            long seq = meta.leadSeq.next();
            long t = Codec.nanos(lead.time());
            long foundAt = Codec.nanos(lead.foundAt());
            boolean prune = foundAt < pruneUntil;
            int recid = recid(store.put(Codec.lead(seq, prune, prune ? withoutBody(lead) : lead), Serializer.BYTE_ARRAY));
            int pid = platforms.id(lead.platform());
            long[] fields = {recid, pid, Double.doubleToRawLongBits(lead.score())};
            Buckets.Entry e = new Buckets.Entry(t, seq, fields, null);
            time.add(e);
            platform.computeIfAbsent(pid, x -> new ArrayList<>()).add(e);
            for (String kw : new HashSet<>(lead.keywords())) {
                keyword.computeIfAbsent(keywords.id(kw), x -> new ArrayList<>()).add(e);
            }
            band.computeIfAbsent(band(lead.score()), x -> new ArrayList<>()).add(e);
            found.add(new Buckets.Entry(foundAt, seq, new long[] {recid}, null));
            long ks = meta.keySeq.next();
            keys.add(new Buckets.Entry(ks, ks, new long[] {h, recid}, null));
            front.add(h, recid);
            if (prune) {
                meta.pruned.next();
            }
            stored.add(lead);
        }
        for (DuplicateLink link : links) {
            long h = hash(link.key());
            if (front.contains(h) || !batch.add(h)) {
                skipped.add(link.key());
                continue;
            }
            int recid = recid(store.put(Codec.link(link), Serializer.BYTE_ARRAY));
            linksByOriginal.put(new Object[] {hash(link.originalKey()), h}, (long) recid);
            long ks = meta.keySeq.next();
            keys.add(new Buckets.Entry(ks, ks, new long[] {h, recid | KeyFront.LINK}, null));
            front.add(h, recid | KeyFront.LINK);
        }
        byTime.insert(0, time);
        counts.add(F_TIME, 0, time.size());
        insertAll(byPlatform, F_PLATFORM, platform);
        insertAll(byKeyword, F_KEYWORD, keyword);
        insertAll(byBand, F_BAND, band);
        keylog.insert(0, keys);
        counts.add(F_KEYLOG, 0, keys.size());
        byFound.insert(0, found);
        counts.add(F_FOUND, 0, found.size());
        return new Written(stored, skipped);
    }

    private void insertAll(Buckets index, int family, Map<Integer, List<Buckets.Entry>> byPrefix) {
        byPrefix.forEach((prefix, entries) -> {
            index.insert(prefix, entries);
            counts.add(family, prefix, entries.size());
        });
    }

    private static int recid(long recid) {
        if (recid <= 0 || recid > Integer.MAX_VALUE) {
            throw new StoreException("record id " + recid + " is beyond what the dedup front holds (2^31 records)");
        }
        return (int) recid;
    }

    private static Lead withoutBody(Lead l) {
        return new Lead(l.key(), l.sourceId(), l.platform(), l.title(), l.url(), null, l.company(), l.location(), l.compensation(),
                l.published(), l.foundAt(), l.keywords(), l.score());
    }

    /**
     * Drops the bodies of leads found before {@code cutoffNanos} (by when Flywheel first saw them,
     * not when they were published), visiting at most about {@code limit} leads (never stopping
     * inside a run of equal times). Returns the number pruned.
     */
    int prune(long cutoffNanos, int limit) {
        long from = meta.pruneUntil.get();
        if (cutoffNanos <= from) {
            return 0;
        }
        int pruned = 0;
        int visited = 0;
        long reached = cutoffNanos;
        Buckets.Cursor c = byFound.ascending(0, from, cutoffNanos);
        long lastPos = Long.MIN_VALUE;
        while (c.next()) {
            if (visited >= limit && c.pos() != lastPos) {
                reached = c.pos();
                break;
            }
            visited++;
            lastPos = c.pos();
            long recid = c.field(0);
            Codec.StoredLead s = Codec.lead(store.get(recid, Serializer.BYTE_ARRAY));
            if (!s.pruned()) {
                store.update(recid, Codec.lead(s.seq(), true, withoutBody(s.lead())), Serializer.BYTE_ARRAY);
                pruned++;
            }
        }
        meta.pruneUntil.set(reached);
        for (int i = 0; i < pruned; i++) {
            meta.pruned.next();
        }
        return pruned;
    }

    /**
     * Builds the found-time index of a schema-2 store, which had none, from every lead; restarts
     * retention from the beginning (leads already pruned stay pruned). Returns the leads indexed.
     */
    long buildFoundIndex() {
        long n = 0;
        List<Buckets.Entry> found = new ArrayList<>();
        Buckets.Cursor c = byTime.ascending(0, Long.MIN_VALUE, Long.MAX_VALUE);
        while (c.next()) {
            long recid = c.field(RECID);
            found.add(new Buckets.Entry(Codec.nanos(read(recid).lead().foundAt()), c.seq(), new long[] {recid}, null));
            if (found.size() == 10_000) {
                n += flushFound(found);
            }
        }
        n += flushFound(found);
        meta.pruneUntil.set(Long.MIN_VALUE);
        return n;
    }

    private long flushFound(List<Buckets.Entry> found) {
        byFound.insert(0, found);
        counts.add(F_FOUND, 0, found.size());
        long n = found.size();
        found.clear();
        return n;
    }

    /** Entries in the found-time index (all leads once built). */
    long foundIndexed() {
        return counts.get(F_FOUND, 0);
    }

    // ---- reads (any thread) ----

    boolean contains(String key) {
        return front.contains(hash(key));
    }

    Optional<Lead> get(String key) {
        int ref = front.get(hash(key));
        if (ref == KeyFront.ABSENT || (ref & KeyFront.LINK) != 0) {
            return Optional.empty();
        }
        Lead lead = read(ref).lead();
        return lead.key().equals(key) ? Optional.of(lead) : Optional.empty();
    }

    Optional<DuplicateLink> link(String key) {
        int ref = front.get(hash(key));
        if (ref == KeyFront.ABSENT || (ref & KeyFront.LINK) == 0) {
            return Optional.empty();
        }
        DuplicateLink link = Codec.link(store.get(ref & ~KeyFront.LINK, Serializer.BYTE_ARRAY));
        return link.key().equals(key) ? Optional.of(link) : Optional.empty();
    }

    List<DuplicateLink> linksOf(String originalKey) {
        long h = hash(originalKey);
        List<DuplicateLink> out = new ArrayList<>();
        for (Long recid : linksByOriginal.prefixSubMap(new Object[] {h}).values()) {
            DuplicateLink link = Codec.link(store.get(recid, Serializer.BYTE_ARRAY));
            if (link.originalKey().equals(originalKey)) {
                out.add(link);
            }
        }
        return out;
    }

    Codec.StoredLead read(long recid) {
        byte[] bytes = store.get(recid, Serializer.BYTE_ARRAY);
        if (bytes == null) {
            throw new StoreException("lead record " + recid + " is missing");
        }
        return Codec.lead(bytes);
    }

    long size() {
        return counts.get(F_TIME, 0);
    }

    long keys() {
        return front.size();
    }

    long frontBytes() {
        return front.bytes();
    }

    long pruned() {
        return meta.pruned.get();
    }

    /** Leads matching {@code q}, newest first (by time, then by insertion), ties broken by insertion order. */
    List<Lead> query(LeadQuery q) {
        long lo = q.from() == null ? Long.MIN_VALUE : Codec.nanos(q.from());
        long hi = q.to() == null ? Long.MAX_VALUE : Codec.nanos(q.to());
        int pid = -1;
        if (q.platform() != null) {
            pid = platforms.find(q.platform());
            if (pid < 0) {
                return List.of();
            }
        }
        double min = q.minScore() == null ? Double.NaN : q.minScore();
        List<Buckets.Cursor> cursors = new ArrayList<>();
        boolean filterPlatform = false;
        if (q.keyword() != null) {
            int kid = keywords.find(q.keyword());
            if (kid < 0) {
                return List.of();
            }
            cursors.add(byKeyword.descending(kid, lo, hi));
            filterPlatform = pid >= 0;
        } else if (!Double.isNaN(min) && (pid < 0 || scoreFraction(min) < platformFraction(pid))) {
            for (int b = band(min); b < BANDS; b++) {
                if (counts.get(F_BAND, b) > 0) {
                    cursors.add(byBand.descending(b, lo, hi));
                }
            }
            filterPlatform = pid >= 0;
        } else if (pid >= 0) {
            cursors.add(byPlatform.descending(pid, lo, hi));
        } else {
            cursors.add(byTime.descending(0, lo, hi));
        }
        List<Long> recids = new ArrayList<>(Math.min(q.limit(), 1024));
        Merge merge = new Merge(cursors);
        while (recids.size() < q.limit() && merge.next()) {
            Buckets.Cursor c = merge.current();
            if (filterPlatform && c.field(PLATFORM) != pid) {
                continue;
            }
            if (!Double.isNaN(min) && !(Double.longBitsToDouble(c.field(SCORE)) >= min)) {
                continue;
            }
            recids.add(c.field(RECID));
        }
        List<Lead> out = new ArrayList<>(recids.size());
        for (long recid : recids) {
            out.add(read(recid).lead());
        }
        return out;
    }

    private double scoreFraction(double min) {
        long total = Math.max(1, size());
        long above = 0;
        for (int b = band(min); b < BANDS; b++) {
            above += counts.get(F_BAND, b);
        }
        return (double) above / total;
    }

    private double platformFraction(int pid) {
        return (double) counts.get(F_PLATFORM, pid) / Math.max(1, size());
    }

    /** Several descending cursors merged into one, newest (position, sequence) first. */
    private static final class Merge {
        private final List<Buckets.Cursor> live = new ArrayList<>();
        private Buckets.Cursor current;
        private boolean started;

        Merge(List<Buckets.Cursor> cursors) {
            for (Buckets.Cursor c : cursors) {
                if (c.next()) {
                    live.add(c);
                }
            }
        }

        boolean next() {
            if (started && current != null && !current.next()) {
                live.remove(current);
            }
            started = true;
            current = null;
            for (Buckets.Cursor c : live) {
                if (current == null || c.pos() > current.pos() || c.pos() == current.pos() && c.seq() > current.seq()) {
                    current = c;
                }
            }
            return current != null;
        }

        Buckets.Cursor current() {
            return current;
        }
    }
}
