package io.flywheel.engine.store;

import com.google.common.hash.Hashing;
import io.flywheel.engine.feedback.Aggregate;
import io.flywheel.engine.feedback.Dimension;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.FeedbackLog;
import io.flywheel.engine.feedback.WeightSet;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;
import org.mapdb.serializer.SerializerArrayTuple;

/**
 * The feedback log (events in time order, in bucket records), its roll-ups and the weight history.
 *
 * <p>Every append also adds the event to per-hour and per-day roll-ups for each dimension
 * (keyword, platform, source, strategy) in the same change. An aggregation over a window reads
 * the day roll-ups it covers, the hour roll-ups at its ends and the raw events only in the partial
 * hours at its edges: a 30-day window costs about 30 + 48 small reads, not a scan of the month.
 */
final class FeedbackTables {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FeedbackTables.class);
    static final int F_EVENTS = 6;
    private static final int BUCKET = 256;
    private static final long HOUR = 3600;
    private static final long DAY = 86_400;
    private static final int TYPES = FeedbackEvent.Type.values().length;

    private final Meta meta;
    private final Buckets events;
    private final BTreeMap<Long, byte[]> rollups;
    private final java.util.Set<Long> once;
    /** Per (actor, subject) fingerprint: the engagement standing counted and the steps that hold it up. */
    private final org.mapdb.HTreeMap<Long, byte[]> standing;
    /**
     * Every (via, actor, subject, step) held with a via, so a via's holders are found without the
     * output knowing them (a cleared reaction, a message the output no longer remembers). On disk:
     * one small entry per reaction counted, removed when it is taken back.
     */
    private final BTreeMap<Object[], Boolean> vias;
    /** {@code feedback.via} was not in the file (new, or a store from before Flywheel 1.2): {@link #backfillVias} fills it once. */
    final boolean viasNew;
    private final BTreeMap<Object[], byte[]> weights;

    FeedbackTables(DB db, BTreeMap<Long, Long> dir, AtomicLong structureVersion, Meta meta) {
        this.meta = meta;
        this.events = new Buckets(db.getStore(), dir, F_EVENTS, 0, 0, true, BUCKET, Buckets.NANOS_SHIFT, structureVersion);
        this.rollups = db.treeMap("feedback.rollups", Serializer.LONG, Serializer.BYTE_ARRAY).createOrOpen();
        this.once = db.hashSet("feedback.once", Serializer.LONG).createOrOpen();
        this.standing = db.hashMap("feedback.standing", Serializer.LONG, Serializer.BYTE_ARRAY).createOrOpen();
        this.viasNew = !db.exists("feedback.via");
        this.vias = db.treeMap("feedback.via")
                .keySerializer(new SerializerArrayTuple(Serializer.STRING, Serializer.STRING, Serializer.STRING, Serializer.INTEGER))
                .valueSerializer(Serializer.BOOLEAN)
                .createOrOpen();
        this.weights = db.treeMap("weights")
                .keySerializer(new SerializerArrayTuple(Serializer.INTEGER, Serializer.LONG, Serializer.LONG))
                .valueSerializer(Serializer.BYTE_ARRAY)
                .createOrOpen();
    }

    // ---- roll-up cells: counts per event type and a value sum, per dimension key ----

    private static final class Cell {
        final long[] counts = new long[TYPES];
        double sum;

        void add(FeedbackEvent.Type type, long n, double value) {
            counts[type.ordinal()] += n;
            sum += value;
        }

        void add(Cell other) {
            for (int i = 0; i < TYPES; i++) {
                counts[i] += other.counts[i];
            }
            sum += other.sum;
        }
    }

    private static byte[] encode(Map<String, Cell> cells) {
        Bytes b = new Bytes(32 + cells.size() * 24);
        b.u8(Codec.VERSION).varint(cells.size());
        cells.forEach((k, c) -> {
            b.str(k);
            int nonZero = 0;
            for (long n : c.counts) {
                if (n != 0) nonZero++;
            }
            b.varint(nonZero);
            for (int i = 0; i < TYPES; i++) {
                if (c.counts[i] != 0) {
                    b.u8(i).varlong(c.counts[i]);
                }
            }
            b.f64(c.sum);
        });
        return b.toArray();
    }

    private static void decodeInto(byte[] bytes, Map<String, Cell> into) {
        Bytes.Reader r = Codec.reader(bytes);
        int n = r.varint();
        for (int i = 0; i < n; i++) {
            Cell c = into.computeIfAbsent(r.str(), x -> new Cell());
            int types = r.varint();
            for (int t = 0; t < types; t++) {
                int type = r.u8();
                long count = r.varlong();
                if (type < TYPES) {
                    c.counts[type] += count;
                }
            }
            c.sum += r.f64();
        }
    }

    /**
     * Context of a correction: an internal entry at the time a step was counted that takes it back
     * ({@link #UNDO}: the step's type ordinal) and counts the step left in its place ({@link #RESTORE}),
     * so a step taken back leaves the window it was counted in, never another user's. Not returned by {@link #events}.
     */
    static final String UNDO = "undo", RESTORE = "restore";
    /** Context of a visible retraction or step back whose counts were corrected where they were counted: it counts nothing itself. */
    static final String SETTLED = "settled";

    private static boolean correction(FeedbackEvent e) {
        return e.context().containsKey(UNDO) || e.context().containsKey(RESTORE);
    }

    private static FeedbackEvent.Type step(FeedbackEvent e, String key) {
        Double ordinal = e.context().get(key);
        return ordinal == null ? null : Codec.enumValue(FeedbackEvent.Type.values(), ordinal.intValue(), "feedback correction " + key);
    }

    /** One event in a cell: its type once, less the standing it replaces (so a user counts once per subject at their strongest step). */
    private static void count(Cell c, FeedbackEvent e) {
        if (correction(e)) {
            FeedbackEvent.Type undo = step(e, UNDO), restore = step(e, RESTORE);
            if (undo != null) {
                c.add(undo, -1, 0);
            }
            if (restore != null) {
                c.add(restore, 1, 0);
            }
            return;
        }
        if (e.context().containsKey(SETTLED)) {
            return;
        }
        c.add(e.type(), 1, e.value());
        e.replaces().ifPresent(old -> c.add(old, -1, 0));
    }

    /** Roll-up key: granularity (hour 0, day 1), dimension, period index (offset to stay positive). */
    private static long rollupKey(int granularity, Dimension dim, long period) {
        return ((long) granularity << 62) | ((long) dim.ordinal() << 58) | (period + (1L << 40));
    }

    static List<String> keysOf(FeedbackEvent e, Dimension dim) {
        return switch (dim) {
            case KEYWORD -> e.keywords();
            case PLATFORM -> e.platform() == null ? List.of() : List.of(e.platform());
            case SOURCE -> e.sourceId() == null || e.type() == FeedbackEvent.Type.TRADE_RETURN ? List.of() : List.of(e.sourceId());
            case STRATEGY -> e.type() == FeedbackEvent.Type.TRADE_RETURN ? List.of(e.subject()) : List.of();
        };
    }

    // ---- writes ----

    void append(List<FeedbackEvent> list) {
        if (list.isEmpty()) {
            return;
        }
        List<Buckets.Entry> entries = new ArrayList<>(list.size());
        Map<Long, Map<String, Cell>> touched = new TreeMap<>(); // written in key order: a first start appends years of cells
        for (FeedbackEvent e : list) {
            long seq = meta.eventSeq.next();
            entries.add(new Buckets.Entry(Codec.nanos(e.time()), seq, new long[0], Codec.event(e)));
            long second = e.time().getEpochSecond();
            for (Dimension dim : Dimension.values()) {
                for (String k : keysOf(e, dim)) {
                    count(touched.computeIfAbsent(rollupKey(0, dim, Math.floorDiv(second, HOUR)), x -> new HashMap<>())
                            .computeIfAbsent(k, x -> new Cell()), e);
                    count(touched.computeIfAbsent(rollupKey(1, dim, Math.floorDiv(second, DAY)), x -> new HashMap<>())
                            .computeIfAbsent(k, x -> new Cell()), e);
                }
            }
        }
        events.insert(0, entries);
        Map<Long, byte[]> stored = storedRollups(touched.keySet());
        touched.forEach((key, cells) -> {
            Map<String, Cell> merged = new TreeMap<>();
            byte[] old = stored != null ? stored.get(key) : rollups.get(key);
            if (old != null) {
                decodeInto(old, merged);
            }
            cells.forEach((k, c) -> merged.computeIfAbsent(k, x -> new Cell()).add(c));
            rollups.put(key, encode(merged));
        });
    }

    /** Above this many roll-up cells touched by one append, the stored ones are read by range, not one lookup each. */
    private static final int RANGE_READ = 64;

    /**
     * The stored roll-up cells among {@code keys}, read as one range per granularity and dimension
     * (a first start reports years of periods in one append: a lookup per cell cost as much as its
     * write); {@code null} for few keys, each then looked up.
     */
    private Map<Long, byte[]> storedRollups(java.util.Set<Long> keys) {
        if (keys.size() <= RANGE_READ) {
            return null;
        }
        Map<Long, long[]> ranges = new TreeMap<>(); // by granularity and dimension (the key's top bits): lowest and highest key
        for (long k : keys) {
            ranges.merge(k >>> 58, new long[] {k, k}, (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        Map<Long, byte[]> out = new HashMap<>();
        for (long[] r : ranges.values()) {
            rollups.subMap(r[0], true, r[1], true).forEach((k, v) -> {
                if (keys.contains(k)) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    /** Engagement is counted once per actor, type and subject. */
    static long onceKey(FeedbackEvent e) {
        return onceKey(e.actor(), e.type(), e.subject());
    }

    private static long onceKey(String actor, FeedbackEvent.Type type, String subject) {
        return onceKey(actor + '\u0000' + type + '\u0000' + subject);
    }

    private static long onceKey(String basis) {
        return Hashing.farmHashFingerprint64().hashString(basis, StandardCharsets.UTF_8).asLong();
    }

    /** Records that an event with this (actor, type, subject) basis was appended once already (migration). */
    void markOnce(String basis) {
        once.add(onceKey(basis));
    }

    boolean appendOnce(FeedbackEvent e) {
        if (!once.add(onceKey(e))) {
            return false;
        }
        append(List.of(e));
        return true;
    }

    // ---- engagement standing: per actor and subject, the strongest positive step and a rejection, counted once ----

    private record Hold(FeedbackEvent.Type type, String via) {}

    /** A positive step as it was counted: its type, when, and the step it replaced there (null: none). */
    private record Counted(FeedbackEvent.Type type, Instant time, FeedbackEvent.Type replaced) {}

    /** What is counted for one actor on one subject and every (step, via) they hold. */
    private static final class Standing {
        FeedbackEvent.Type counted; // strongest positive step counted, or null
        boolean rejected;
        final java.util.LinkedHashSet<Hold> holds = new java.util.LinkedHashSet<>();
        /** How {@link #counted} came to be counted, weakest first; empty or partial in standings from before times were kept. */
        final List<Counted> chain = new ArrayList<>();
        /** When the rejection was counted, or null (none, or a standing from before times were kept). */
        Instant rejectedAt;
        /** When each hold was recorded; a hold from before these times were kept has none. */
        final Map<Hold, Instant> heldAt = new HashMap<>();

        FeedbackEvent.Type strongestHeld() {
            FeedbackEvent.Type best = null;
            for (Hold h : holds) {
                if (h.type() != FeedbackEvent.Type.NOT_RELEVANT && (best == null || h.type().ordinal() > best.ordinal())) {
                    best = h.type();
                }
            }
            return best;
        }

        boolean holdsRejection() {
            return holds.stream().anyMatch(h -> h.type() == FeedbackEvent.Type.NOT_RELEVANT);
        }
    }

    static final java.util.Set<FeedbackEvent.Type> STEPS = java.util.EnumSet.of(FeedbackEvent.Type.INTERESTED, FeedbackEvent.Type.APPLIED,
            FeedbackEvent.Type.WON, FeedbackEvent.Type.NOT_RELEVANT);

    private static long standingKey(FeedbackEvent e) {
        return onceKey(e.actor() + '\u0000' + e.subject());
    }

    private static FeedbackEvent.Type stepOrNull(int stored) {
        return stored == 0 ? null : Codec.enumValue(FeedbackEvent.Type.values(), stored - 1, "engagement step");
    }

    private static Instant instant(Bytes.Reader r) {
        long seconds = r.zigzag();
        return Instant.ofEpochSecond(seconds, r.varint());
    }

    private Standing standing(long key, FeedbackEvent e) {
        Standing s = new Standing();
        byte[] bytes = standing.get(key);
        if (bytes != null) {
            Bytes.Reader r = Codec.reader(bytes);
            s.counted = stepOrNull(r.u8());
            s.rejected = r.u8() != 0;
            int n = r.varint();
            for (int i = 0; i < n; i++) {
                s.holds.add(new Hold(Codec.enumValue(FeedbackEvent.Type.values(), r.u8(), "engagement step"), r.nstr()));
            }
            if (r.hasMore()) { // absent in standings written before the times were kept
                int chain = r.varint();
                for (int i = 0; i < chain; i++) {
                    FeedbackEvent.Type type = stepOrNull(r.u8());
                    Instant time = instant(r);
                    s.chain.add(new Counted(type, time, stepOrNull(r.u8())));
                }
                s.rejectedAt = Codec.instant(r);
            }
            if (r.hasMore()) { // absent in standings written before the hold times were kept
                int timed = r.varint();
                java.util.Iterator<Hold> it = s.holds.iterator();
                for (int i = 0; i < timed; i++) {
                    Instant at = Codec.instant(r);
                    if (it.hasNext()) {
                        Hold h = it.next();
                        if (at != null) {
                            s.heldAt.put(h, at);
                        }
                    }
                }
            }
            return s;
        }
        // A store from before standings: what appendOnce recorded stands as clicks.
        for (FeedbackEvent.Type t : STEPS) {
            if (once.contains(onceKey(e.actor(), t, e.subject()))) {
                s.holds.add(new Hold(t, null));
            }
        }
        s.counted = s.strongestHeld();
        s.rejected = s.holdsRejection();
        return s;
    }

    private static void instant(Bytes b, Instant t) {
        b.zigzag(t.getEpochSecond()).varint(t.getNano());
    }

    private void save(long key, Standing s) {
        Bytes b = new Bytes(32 + s.holds.size() * 8 + s.chain.size() * 16);
        b.u8(Codec.VERSION).u8(s.counted == null ? 0 : s.counted.ordinal() + 1).u8(s.rejected ? 1 : 0).varint(s.holds.size());
        for (Hold h : s.holds) {
            b.u8(h.type().ordinal()).nstr(h.via());
        }
        b.varint(s.chain.size());
        for (Counted c : s.chain) {
            b.u8(c.type().ordinal() + 1);
            instant(b, c.time());
            b.u8(c.replaced() == null ? 0 : c.replaced().ordinal() + 1);
        }
        Codec.instant(b, s.rejectedAt);
        b.varint(s.holds.size());
        for (Hold h : s.holds) {
            Codec.instant(b, s.heldAt.get(h));
        }
        standing.put(key, b.toArray());
    }

    private static FeedbackEvent as(FeedbackEvent e, FeedbackEvent.Type type, FeedbackEvent.Type replaces) {
        return as(e, e.time(), type, replaces, Map.of());
    }

    private static FeedbackEvent as(FeedbackEvent e, Instant time, FeedbackEvent.Type type, FeedbackEvent.Type replaces, Map<String, Double> more) {
        Map<String, Double> context = new HashMap<>(e.context());
        if (replaces != null) {
            context.put(FeedbackEvent.REPLACES, (double) replaces.ordinal());
        }
        context.putAll(more);
        return new FeedbackEvent(time, type, e.subject(), e.sourceId(), e.platform(), e.keywords(), e.actor(), e.value(), context, e.detail());
    }

    /** The internal entry, at {@code time} where a step was counted, that takes {@code undo} off there and counts {@code restore} instead. */
    private static FeedbackEvent correctionAt(FeedbackEvent e, Instant time, FeedbackEvent.Type undo, FeedbackEvent.Type restore) {
        Map<String, Double> context = new HashMap<>();
        if (undo != null) {
            context.put(UNDO, (double) undo.ordinal());
        }
        if (restore != null) {
            context.put(RESTORE, (double) restore.ordinal());
        }
        return new FeedbackEvent(time, FeedbackEvent.Type.RETRACTED, e.subject(), e.sourceId(), e.platform(), e.keywords(), e.actor(), 0, context, null);
    }

    boolean engage(FeedbackEvent e, String via) {
        long key = standingKey(e);
        Standing s = standing(key, e);
        Hold hold = new Hold(e.type(), via);
        if (!s.holds.add(hold)) {
            return false;
        }
        s.heldAt.put(hold, e.time());
        if (via != null) {
            vias.put(viaKey(via, e.actor(), e.subject(), e.type()), Boolean.TRUE);
        }
        if (e.type() == FeedbackEvent.Type.NOT_RELEVANT) {
            if (!s.rejected) {
                s.rejected = true;
                s.rejectedAt = e.time();
                append(List.of(as(e, e.type(), null)));
            }
        } else if (s.counted == null || e.type().ordinal() > s.counted.ordinal()) {
            append(List.of(as(e, e.type(), s.counted)));
            s.chain.add(new Counted(e.type(), e.time(), s.counted));
            s.counted = e.type();
        }
        save(key, s);
        return true;
    }

    private static Object[] viaKey(String via, String actor, String subject, FeedbackEvent.Type type) {
        return new Object[] {via, actor, subject, type.ordinal()};
    }

    /** Who holds a step recorded by way of exactly {@code via}, on which subject (holds from before this index, Flywheel 1.1, are put in at the first open: {@link #backfillVias}). */
    List<FeedbackLog.Held> heldVia(String via, Instant recordedBy) {
        List<FeedbackLog.Held> held = new ArrayList<>();
        for (Object[] k : vias.prefixSubMap(new Object[] {via}).keySet()) {
            FeedbackLog.Held h = new FeedbackLog.Held((String) k[1], (String) k[2], Codec.enumValue(FeedbackEvent.Type.values(), (Integer) k[3], "engagement step"));
            Instant at = recordedBy.equals(Instant.MAX) ? null : heldAt(h, via);
            if (at == null || !at.isAfter(recordedBy)) {
                held.add(h);
            }
        }
        return held;
    }

    /** When {@code h} was recorded by way of {@code via}, or null when not known. */
    private Instant heldAt(FeedbackLog.Held h, String via) {
        long key = onceKey(h.actor() + '\u0000' + h.subject());
        if (!standing.containsKey(key)) {
            return null;
        }
        FeedbackEvent e = new FeedbackEvent(Instant.EPOCH, h.type(), h.subject(), null, null, List.of(), h.actor(), 0, Map.of(), null);
        return standing(key, e).heldAt.get(new Hold(h.type(), via));
    }

    /** Each event of {@code type} in the log, oldest first (one pass; for a backfill at open). */
    void forEachEvent(FeedbackEvent.Type type, java.util.function.Consumer<FeedbackEvent> action) {
        Buckets.Cursor c = events.ascending(0, Long.MIN_VALUE, Long.MAX_VALUE);
        while (c.next()) {
            FeedbackEvent e = Codec.event(c.blob());
            if (e.type() == type) {
                action.accept(e);
            }
        }
    }

    /**
     * Fills {@code feedback.via} from the standings of a store written before it (Flywheel 1.1), so
     * reactions held then can be cleared too: a standing is keyed by a hash of (actor, subject), and
     * every (actor, subject) with one has a step event in the log (its first hold was counted), so
     * the log names them. One pass over the log; returns the entries added.
     */
    int backfillVias() {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        int added = 0;
        Buckets.Cursor c = events.ascending(0, Long.MIN_VALUE, Long.MAX_VALUE);
        while (c.next()) {
            FeedbackEvent e = Codec.event(c.blob());
            if (e.actor() == null || !STEPS.contains(e.type())) {
                continue;
            }
            long key = standingKey(e);
            if (!seen.add(key) || !standing.containsKey(key)) {
                continue;
            }
            Standing s;
            try {
                s = standing(key, e);
            } catch (RuntimeException unreadable) { // one bad standing must not keep the store from opening: its reactions are not found, as before
                log.warn("feedback.via: skipped the standing of {} on {}: {}", e.actor(), e.subject(), unreadable.getMessage());
                continue;
            }
            for (Hold h : s.holds) {
                if (h.via() != null && vias.put(viaKey(h.via(), e.actor(), e.subject(), h.type()), Boolean.TRUE) == null) {
                    added++;
                }
            }
        }
        return added;
    }

    private static boolean stronger(FeedbackEvent.Type a, FeedbackEvent.Type b) {
        return a != null && (b == null || a.ordinal() > b.ordinal());
    }

    boolean retract(FeedbackEvent e, String via) {
        long key = standingKey(e);
        Standing s = standing(key, e);
        Hold hold = new Hold(e.type(), via);
        if (!s.holds.remove(hold)) {
            return false;
        }
        s.heldAt.remove(hold);
        if (via != null) {
            vias.remove(viaKey(via, e.actor(), e.subject(), e.type()));
        }
        if (e.type() == FeedbackEvent.Type.NOT_RELEVANT) {
            if (s.rejected && !s.holdsRejection()) {
                s.rejected = false;
                if (s.rejectedAt == null) { // counted before times were kept: taken back where it happens
                    append(List.of(as(e, FeedbackEvent.Type.RETRACTED, FeedbackEvent.Type.NOT_RELEVANT)));
                } else {
                    append(List.of(correctionAt(e, s.rejectedAt, FeedbackEvent.Type.NOT_RELEVANT, null),
                            as(e, e.time(), FeedbackEvent.Type.RETRACTED, FeedbackEvent.Type.NOT_RELEVANT, Map.of(SETTLED, 1.0))));
                    s.rejectedAt = null;
                }
            }
        } else {
            FeedbackEvent.Type left = s.strongestHeld();
            if (stronger(s.counted, left)) {
                stepBack(s, e, left);
            }
        }
        save(key, s);
        return true;
    }

    /**
     * Lowers what is counted to {@code left} (null: nothing): each counted step stronger than it is
     * undone at the time it was counted, so the windows hold what the user still stands by where
     * they did it; a step counted before times were kept is taken back at {@code e.time()} instead.
     */
    private void stepBack(Standing s, FeedbackEvent e, FeedbackEvent.Type left) {
        List<FeedbackEvent> out = new ArrayList<>();
        FeedbackEvent.Type was = s.counted, cur = s.counted;
        while (stronger(cur, left) && !s.chain.isEmpty() && s.chain.getLast().type() == cur) {
            Counted c = s.chain.removeLast();
            FeedbackEvent.Type restore = stronger(left, c.replaced()) ? left : c.replaced();
            out.add(correctionAt(e, c.time(), c.type(), restore));
            if (restore != c.replaced()) {
                s.chain.add(new Counted(restore, c.time(), c.replaced()));
            }
            cur = restore;
        }
        if (stronger(cur, left)) { // counted before times were kept
            s.chain.clear();
            out.add(as(e, left == null ? FeedbackEvent.Type.RETRACTED : left, cur));
            if (left != null) {
                s.chain.add(new Counted(left, e.time(), null));
            }
        } else {
            out.add(as(e, e.time(), left == null ? FeedbackEvent.Type.RETRACTED : left, was, Map.of(SETTLED, 1.0)));
        }
        append(out);
        s.counted = left;
    }

    void append(WeightSet set) {
        weights.put(new Object[] {set.kind().ordinal(), set.time().toEpochMilli(), meta.weightSeq.next()}, Codec.weights(set));
    }

    // ---- reads ----

    List<FeedbackEvent> events(Instant from, Instant to, Set<FeedbackEvent.Type> types) {
        return events(from, to, types, false);
    }

    private List<FeedbackEvent> events(Instant from, Instant to, Set<FeedbackEvent.Type> types, boolean corrections) {
        List<FeedbackEvent> out = new ArrayList<>();
        Buckets.Cursor c = events.ascending(0, Codec.nanos(from), Codec.nanos(to));
        while (c.next()) {
            FeedbackEvent e = Codec.event(c.blob());
            if ((types.isEmpty() || types.contains(e.type())) && (corrections || !correction(e))) {
                out.add(e);
            }
        }
        return out;
    }

    Map<String, Aggregate> aggregate(Dimension dim, Instant from, Instant to) {
        Map<String, Cell> cells = new TreeMap<>();
        long a = from.getEpochSecond() + (from.getNano() > 0 ? 1 : 0); // first whole second inside
        long b = to.getEpochSecond();
        long h0 = ceilDiv(a, HOUR) * HOUR;
        long h1 = Math.floorDiv(b, HOUR) * HOUR;
        if (!from.isBefore(to)) {
            return Map.of();
        }
        if (h0 >= h1) {
            raw(dim, from, to, cells);
        } else {
            raw(dim, from, Instant.ofEpochSecond(h0), cells);
            long d0 = ceilDiv(h0, DAY) * DAY;
            long d1 = Math.floorDiv(h1, DAY) * DAY;
            if (d0 < d1) {
                periods(0, dim, h0 / HOUR, d0 / HOUR, cells);
                periods(1, dim, d0 / DAY, d1 / DAY, cells);
                periods(0, dim, d1 / HOUR, h1 / HOUR, cells);
            } else {
                periods(0, dim, Math.floorDiv(h0, HOUR), Math.floorDiv(h1, HOUR), cells);
            }
            raw(dim, Instant.ofEpochSecond(h1), to, cells);
        }
        Map<String, Aggregate> out = new LinkedHashMap<>();
        cells.forEach((k, c) -> {
            EnumMap<FeedbackEvent.Type, Long> counts = new EnumMap<>(FeedbackEvent.Type.class);
            for (FeedbackEvent.Type t : FeedbackEvent.Type.values()) {
                if (c.counts[t.ordinal()] != 0) {
                    counts.put(t, c.counts[t.ordinal()]);
                }
            }
            out.put(k, new Aggregate(k, counts, c.sum));
        });
        return out;
    }

    private static long ceilDiv(long x, long y) {
        return -Math.floorDiv(-x, y);
    }

    private void periods(int granularity, Dimension dim, long fromPeriod, long toPeriod, Map<String, Cell> cells) {
        if (fromPeriod >= toPeriod) {
            return;
        }
        for (byte[] bytes : rollups.subMap(rollupKey(granularity, dim, fromPeriod), true, rollupKey(granularity, dim, toPeriod), false).values()) {
            decodeInto(bytes, cells);
        }
    }

    private void raw(Dimension dim, Instant from, Instant to, Map<String, Cell> cells) {
        if (!from.isBefore(to)) {
            return;
        }
        for (FeedbackEvent e : events(from, to, Set.of(), true)) {
            for (String k : keysOf(e, dim)) {
                count(cells.computeIfAbsent(k, x -> new Cell()), e);
            }
        }
    }

    Optional<WeightSet> latest(WeightSet.Kind kind) {
        var forKind = weights.prefixSubMap(new Object[] {kind.ordinal()});
        return forKind.isEmpty() ? Optional.empty() : Optional.of(Codec.weights(forKind.lastEntry().getValue()));
    }

    List<WeightSet> history(WeightSet.Kind kind, Instant from, Instant to) {
        var range = weights.subMap(new Object[] {kind.ordinal(), from.toEpochMilli(), Long.MIN_VALUE}, true,
                new Object[] {kind.ordinal(), to.toEpochMilli(), Long.MIN_VALUE}, false);
        return range.values().stream().map(Codec::weights).toList();
    }
}
