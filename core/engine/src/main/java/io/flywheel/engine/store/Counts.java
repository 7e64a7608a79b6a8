package io.flywheel.engine.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mapdb.Atomic;

/**
 * Entry counts per (family, prefix) of the bucketed structures: leads per platform, keyword and
 * score band, posts waiting per output. They size results and choose the index a query scans.
 * Kept in memory and saved as one record in the same commit as the change they count.
 */
final class Counts {
    private final Atomic.Var<byte[]> stored;
    private final Map<Long, Long> counts = new ConcurrentHashMap<>();
    private boolean dirty;

    Counts(Atomic.Var<byte[]> stored) {
        this.stored = stored;
        byte[] bytes = stored.get();
        if (bytes != null && bytes.length > 0) {
            Bytes.Reader r = Codec.reader(bytes);
            int n = r.varint();
            for (int i = 0; i < n; i++) {
                counts.put(r.varlong(), r.varlong());
            }
        }
    }

    private static long key(int family, int prefix) {
        return ((long) family << 32) | prefix;
    }

    long get(int family, int prefix) {
        return counts.getOrDefault(key(family, prefix), 0L);
    }

    void add(int family, int prefix, long delta) {
        if (delta != 0) {
            counts.merge(key(family, prefix), delta, Long::sum);
            dirty = true;
        }
    }

    /** Writes the counts into the current transaction if they changed. */
    void save() {
        if (!dirty) {
            return;
        }
        Bytes b = new Bytes(16 + counts.size() * 8);
        b.u8(Codec.VERSION).varint(counts.size());
        counts.forEach((k, v) -> b.varlong(k).varlong(v));
        stored.set(b.toArray());
        dirty = false;
    }
}
