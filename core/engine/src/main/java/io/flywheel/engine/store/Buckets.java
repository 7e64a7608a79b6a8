package io.flywheel.engine.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.mapdb.BTreeMap;
import org.mapdb.Serializer;
import org.mapdb.Store;

/**
 * Ordered entries grouped by prefix into buckets of consecutive positions, each bucket one MapDB
 * record, found through a directory {@code BTreeMap<Long, Long>} keyed by one packed long
 * (family, prefix, first position of the bucket).
 *
 * <p>This is what makes writes cheap: MapDB rewrites a whole B-tree node for every put, so a
 * batch of a thousand leads would rewrite thousands of nodes per index. Here a batch is merged
 * into the few buckets it touches (usually the newest one per prefix), each rewritten once.
 * Reads stay O(log n + k): one directory lookup, then consecutive entries.
 *
 * <p>An entry is a position (nanoseconds for time indexes, a sequence for queues), a unique
 * sequence breaking ties, {@code arity} long fields and, optionally, a blob. Entries are ordered
 * by (position, sequence). Not thread-safe for writers (the store has one); readers may run
 * concurrently and use {@link #structureVersion} to detect a split that happened meanwhile.
 */
final class Buckets {
    static final int NANOS_SHIFT = 20; // directory unit for nanosecond positions: ~1 ms
    private static final int PREFIX_BITS = 18;
    private static final int START_BITS = 42;
    static final int MAX_PREFIX = (1 << PREFIX_BITS) - 1;
    private static final long START_MASK = (1L << START_BITS) - 1;

    private final Store store;
    private final BTreeMap<Long, Long> dir;
    private final long familyBits;
    private final int arity;
    private final int fixedMask;
    private final boolean blobs;
    private final int maxEntries;
    private final int shift;
    private final AtomicLong structureVersion;

    /**
     * @param family 0..7, distinguishes structures sharing one directory
     * @param arity long fields per entry
     * @param fixedMask fields (bit i = field i) written as 8 raw bytes instead of a zigzag varint
     * @param shift positions are shifted right by this for the directory key
     * @param structureVersion odd while a split or bucket removal is in progress, bumped around each
     */
    Buckets(Store store, BTreeMap<Long, Long> dir, int family, int arity, int fixedMask, boolean blobs, int maxEntries, int shift,
            AtomicLong structureVersion) {
        if (family < 0 || family > 7) {
            throw new IllegalArgumentException("family " + family);
        }
        this.store = store;
        this.dir = dir;
        this.familyBits = (long) family << (PREFIX_BITS + START_BITS);
        this.arity = arity;
        this.fixedMask = fixedMask;
        this.blobs = blobs;
        this.maxEntries = maxEntries;
        this.shift = shift;
        this.structureVersion = structureVersion;
    }

    /** One entry to insert. */
    record Entry(long pos, long seq, long[] fields, byte[] blob) {}

    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::pos).thenComparingLong(Entry::seq);

    /** A decoded bucket. */
    static final class Block {
        int n;
        long[] pos;
        long[] seq;
        long[] fields;
        byte[][] blob;

        Block(int capacity, int arity, boolean blobs) {
            pos = new long[capacity];
            seq = new long[capacity];
            fields = new long[capacity * Math.max(arity, 1)];
            blob = blobs ? new byte[capacity][] : null;
        }

        long field(int i, int f, int arity) {
            return fields[i * arity + f];
        }
    }

    long dirKey(int prefix, long pos) {
        if (prefix < 0 || prefix > MAX_PREFIX) {
            throw new StoreException("index prefix " + prefix + " out of range (at most " + MAX_PREFIX + " platforms/keywords/outputs)");
        }
        return familyBits | ((long) prefix << START_BITS) | start(pos);
    }

    private long start(long pos) {
        if (pos <= 0) {
            return 0;
        }
        return Math.min(pos >> shift, START_MASK);
    }

    private boolean samePrefix(Long key, int prefix) {
        return key != null && (key >>> START_BITS) == ((familyBits >>> START_BITS) | prefix);
    }

    /** Inserts {@code entries} (any order) under {@code prefix}, rewriting each touched bucket once. */
    void insert(int prefix, List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(ORDER);
        int i = 0;
        while (i < sorted.size()) {
            long k = dirKey(prefix, sorted.get(i).pos());
            Map.Entry<Long, Long> floor = dir.floorEntry(k);
            long bucketKey;
            long recid;
            Block block;
            if (floor == null || !samePrefix(floor.getKey(), prefix)) {
                bucketKey = dirKey(prefix, 0);
                recid = -1;
                block = new Block(0, arity, blobs);
            } else {
                bucketKey = floor.getKey();
                recid = floor.getValue();
                block = read(recid);
            }
            Long next = dir.higherKey(bucketKey);
            long limit = samePrefix(next, prefix) ? next & START_MASK : Long.MAX_VALUE;
            int j = i;
            while (j < sorted.size() && start(sorted.get(j).pos()) < limit) {
                j++;
            }
            Block merged = merge(block, sorted.subList(i, j));
            write(prefix, bucketKey, recid, merged);
            i = j;
        }
    }

    /**
     * Removes the entries at the given (position, sequence) pairs, rewriting each touched bucket once
     * and dropping buckets left empty; returns how many were there.
     */
    int removeAll(int prefix, List<long[]> at) {
        List<long[]> sorted = new ArrayList<>(at);
        sorted.sort(Comparator.<long[]>comparingLong(x -> x[0]).thenComparingLong(x -> x[1]));
        int removed = 0;
        int i = 0;
        while (i < sorted.size()) {
            Map.Entry<Long, Long> floor = dir.floorEntry(dirKey(prefix, sorted.get(i)[0]));
            if (floor == null || !samePrefix(floor.getKey(), prefix)) {
                i++;
                continue;
            }
            Long next = dir.higherKey(floor.getKey());
            long limit = samePrefix(next, prefix) ? next & START_MASK : Long.MAX_VALUE;
            Block b = read(floor.getValue());
            boolean[] drop = new boolean[b.n];
            int dropped = 0;
            while (i < sorted.size() && start(sorted.get(i)[0]) < limit) {
                int found = find(b, sorted.get(i)[0], sorted.get(i)[1]);
                if (found >= 0 && !drop[found]) {
                    drop[found] = true;
                    dropped++;
                }
                i++;
            }
            if (dropped == 0) {
                continue;
            }
            removed += dropped;
            if (dropped == b.n) {
                structureVersion.incrementAndGet();
                try {
                    dir.remove(floor.getKey());
                    store.delete(floor.getValue(), Serializer.BYTE_ARRAY);
                } finally {
                    structureVersion.incrementAndGet();
                }
                continue;
            }
            Block out = new Block(b.n - dropped, arity, blobs);
            int o = 0;
            for (int k = 0; k < b.n; k++) {
                if (!drop[k]) {
                    copy(b, k, out, o++, 1);
                }
            }
            out.n = o;
            store.update(floor.getValue(), encode(out, 0, out.n), Serializer.BYTE_ARRAY);
        }
        return removed;
    }

    /** Rewrites the entry at ({@code pos}, {@code seq}) with new fields and blob; returns whether it was there. */
    boolean replace(int prefix, long pos, long seq, long[] fields, byte[] blob) {
        Map.Entry<Long, Long> floor = dir.floorEntry(dirKey(prefix, pos));
        if (floor == null || !samePrefix(floor.getKey(), prefix)) {
            return false;
        }
        Block b = read(floor.getValue());
        int at = find(b, pos, seq);
        if (at < 0) {
            return false;
        }
        System.arraycopy(fields, 0, b.fields, at * arity, arity);
        if (blobs) {
            b.blob[at] = blob;
        }
        store.update(floor.getValue(), encode(b, 0, b.n), Serializer.BYTE_ARRAY);
        return true;
    }

    private static int find(Block b, long pos, long seq) {
        int lo = 0;
        int hi = b.n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = b.pos[mid] != pos ? Long.compare(b.pos[mid], pos) : Long.compare(b.seq[mid], seq);
            if (c == 0) {
                return mid;
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    private Block merge(Block old, List<Entry> add) {
        int n = old.n + add.size();
        Block out = new Block(n, arity, blobs);
        int a = 0;
        int b = 0;
        int o = 0;
        while (a < old.n || b < add.size()) {
            boolean takeOld;
            if (a >= old.n) {
                takeOld = false;
            } else if (b >= add.size()) {
                takeOld = true;
            } else {
                Entry e = add.get(b);
                takeOld = old.pos[a] < e.pos() || old.pos[a] == e.pos() && old.seq[a] <= e.seq();
            }
            if (takeOld) {
                copy(old, a++, out, o++, 1);
            } else {
                Entry e = add.get(b++);
                out.pos[o] = e.pos();
                out.seq[o] = e.seq();
                System.arraycopy(e.fields(), 0, out.fields, o * arity, arity);
                if (blobs) {
                    out.blob[o] = e.blob();
                }
                o++;
            }
        }
        out.n = o;
        return out;
    }

    private void copy(Block from, int fromAt, Block to, int toAt, int count) {
        System.arraycopy(from.pos, fromAt, to.pos, toAt, count);
        System.arraycopy(from.seq, fromAt, to.seq, toAt, count);
        System.arraycopy(from.fields, fromAt * arity, to.fields, toAt * arity, count * arity);
        if (blobs) {
            System.arraycopy(from.blob, fromAt, to.blob, toAt, count);
        }
    }

    private void write(int prefix, long bucketKey, long recid, Block b) {
        if (b.n <= maxEntries) {
            byte[] bytes = encode(b, 0, b.n);
            if (recid < 0) {
                dir.put(bucketKey, store.put(bytes, Serializer.BYTE_ARRAY));
            } else {
                store.update(recid, bytes, Serializer.BYTE_ARRAY);
            }
            return;
        }
        // Split into pieces of at most maxEntries, cutting only where the directory start changes,
        // so each piece covers [its start, the next piece's start).
        List<int[]> pieces = new ArrayList<>();
        int from = 0;
        while (from < b.n) {
            int to = Math.min(b.n, from + maxEntries);
            if (to < b.n) {
                int cut = to;
                while (cut > from + 1 && start(b.pos[cut - 1]) == start(b.pos[cut])) {
                    cut--;
                }
                if (cut == from + 1 && start(b.pos[cut - 1]) == start(b.pos[cut])) {
                    cut = to; // a run of one start longer than a bucket: let the piece grow past it
                    while (cut < b.n && start(b.pos[cut - 1]) == start(b.pos[cut])) {
                        cut++;
                    }
                }
                to = cut;
            }
            pieces.add(new int[] {from, to});
            from = to;
        }
        structureVersion.incrementAndGet();
        try {
            for (int p = 1; p < pieces.size(); p++) {
                int[] piece = pieces.get(p);
                long id = store.put(encode(b, piece[0], piece[1]), Serializer.BYTE_ARRAY);
                dir.put(dirKey(prefix, b.pos[piece[0]]), id);
            }
            byte[] first = encode(b, pieces.get(0)[0], pieces.get(0)[1]);
            if (recid < 0) {
                dir.put(bucketKey, store.put(first, Serializer.BYTE_ARRAY));
            } else {
                store.update(recid, first, Serializer.BYTE_ARRAY);
            }
        } finally {
            structureVersion.incrementAndGet();
        }
    }

    private byte[] encode(Block b, int from, int to) {
        Bytes out = new Bytes(16 + (to - from) * (12 + 6 * arity));
        out.varint(to - from);
        long prevPos = 0;
        long prevSeq = 0;
        for (int i = from; i < to; i++) {
            out.zigzag(b.pos[i] - prevPos);
            out.zigzag(b.seq[i] - prevSeq);
            prevPos = b.pos[i];
            prevSeq = b.seq[i];
            for (int f = 0; f < arity; f++) {
                long v = b.fields[i * arity + f];
                if ((fixedMask & (1 << f)) != 0) {
                    out.i64(v);
                } else {
                    out.zigzag(v);
                }
            }
            if (blobs) {
                out.blob(b.blob[i]);
            }
        }
        return out.toArray();
    }

    Block read(long recid) {
        byte[] bytes = store.get(recid, Serializer.BYTE_ARRAY);
        if (bytes == null) {
            throw new StoreException("index bucket " + recid + " is missing");
        }
        Bytes.Reader r = new Bytes.Reader(bytes);
        int n = r.varint();
        Block b = new Block(n, arity, blobs);
        long pos = 0;
        long seq = 0;
        for (int i = 0; i < n; i++) {
            pos += r.zigzag();
            seq += r.zigzag();
            b.pos[i] = pos;
            b.seq[i] = seq;
            for (int f = 0; f < arity; f++) {
                b.fields[i * arity + f] = (fixedMask & (1 << f)) != 0 ? r.i64() : r.zigzag();
            }
            if (blobs) {
                b.blob[i] = r.blob();
            }
        }
        b.n = n;
        return b;
    }

    /** Walks entries of one prefix; {@link #next} moves, the accessors read the current entry. */
    final class Cursor {
        private final int prefix;
        private final boolean descending;
        private final long lo;
        private final long hi;
        private long bucketKey;
        private Block block;
        private int i;
        private boolean done;

        private Cursor(int prefix, boolean descending, long lo, long hi) {
            this.prefix = prefix;
            this.descending = descending;
            this.lo = lo;
            this.hi = hi;
            long startPos = descending ? hi : lo;
            Map.Entry<Long, Long> e = dir.floorEntry(dirKey(prefix, startPos));
            if (e == null || !samePrefix(e.getKey(), prefix)) {
                if (descending) {
                    done = true;
                    return;
                }
                e = dir.higherEntry(dirKey(prefix, 0) - 1);
                if (e == null || !samePrefix(e.getKey(), prefix)) {
                    done = true;
                    return;
                }
            }
            bucketKey = e.getKey();
            block = read(e.getValue());
            if (descending) {
                i = block.n;
                while (i > 0 && !before(block.pos[i - 1], hi)) {
                    i--;
                }
            } else {
                i = -1;
                while (i + 1 < block.n && block.pos[i + 1] < lo) {
                    i++;
                }
            }
        }

        private static boolean before(long pos, long hiExclusive) {
            return pos < hiExclusive;
        }

        /** Moves to the next entry in range; false when there is none. */
        boolean next() {
            while (!done) {
                if (descending) {
                    if (i > 0) {
                        i--;
                        if (block.pos[i] < lo) {
                            done = true;
                            return false;
                        }
                        if (block.pos[i] >= hi) {
                            continue;
                        }
                        return true;
                    }
                    Map.Entry<Long, Long> e = dir.lowerEntry(bucketKey);
                    if (e == null || !samePrefix(e.getKey(), prefix)) {
                        done = true;
                        return false;
                    }
                    bucketKey = e.getKey();
                    block = read(e.getValue());
                    i = block.n;
                } else {
                    if (i + 1 < block.n) {
                        i++;
                        if (block.pos[i] >= hi) {
                            done = true;
                            return false;
                        }
                        if (block.pos[i] < lo) {
                            continue;
                        }
                        return true;
                    }
                    Map.Entry<Long, Long> e = dir.higherEntry(bucketKey);
                    if (e == null || !samePrefix(e.getKey(), prefix)) {
                        done = true;
                        return false;
                    }
                    bucketKey = e.getKey();
                    block = read(e.getValue());
                    i = -1;
                }
            }
            return false;
        }

        long pos() {
            return block.pos[i];
        }

        long seq() {
            return block.seq[i];
        }

        long field(int f) {
            return block.fields[i * arity + f];
        }

        byte[] blob() {
            return block.blob[i];
        }
    }

    /** Entries with {@code lo <= pos < hi}, newest (highest) first. */
    Cursor descending(int prefix, long lo, long hi) {
        return new Cursor(prefix, true, lo, hi);
    }

    /** Entries with {@code lo <= pos < hi}, oldest (lowest) first. */
    Cursor ascending(int prefix, long lo, long hi) {
        return new Cursor(prefix, false, lo, hi);
    }

    /** Every bucket record of this family, for statistics and verification. */
    long bucketCount() {
        long lo = familyBits;
        long hi = familyBits | ((long) MAX_PREFIX << START_BITS) | START_MASK;
        return dir.subMap(lo, true, hi, true).size();
    }

    @Override
    public String toString() {
        return "Buckets[family=" + (familyBits >>> (PREFIX_BITS + START_BITS)) + ", arity=" + arity + ", blobs=" + blobs + ", max=" + maxEntries + "]";
    }
}
