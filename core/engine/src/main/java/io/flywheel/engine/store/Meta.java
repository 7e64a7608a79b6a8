package io.flywheel.engine.store;

import org.mapdb.Atomic;
import org.mapdb.DB;

/**
 * The store's counters, each one MapDB record written in the transaction of the change that moves
 * it, so a checkpoint and the counters it implies always agree.
 */
final class Meta {
    /** A persisted counter with an in-memory copy that readers may read without touching the file. */
    static final class Counter {
        private final Atomic.Long stored;
        private volatile long value;
        private boolean dirty;

        Counter(Atomic.Long stored) {
            this.stored = stored;
            this.value = stored.get();
        }

        long get() {
            return value;
        }

        long next() {
            dirty = true;
            return ++value;
        }

        void set(long v) {
            if (v != value) {
                value = v;
                dirty = true;
            }
        }

        void save() {
            if (dirty) {
                stored.set(value);
                dirty = false;
            }
        }
    }

    final Counter leadSeq;
    final Counter keySeq;
    final Counter postSeq;
    final Counter eventSeq;
    final Counter weightSeq;
    final Counter journalApplied;
    final Counter pruneUntil;
    final Counter pruned;

    Meta(DB db) {
        leadSeq = counter(db, "seq.lead");
        keySeq = counter(db, "seq.key");
        postSeq = counter(db, "seq.post");
        eventSeq = counter(db, "seq.event");
        weightSeq = counter(db, "seq.weight");
        journalApplied = counter(db, "journal.applied");
        pruneUntil = new Counter(db.atomicLong("retention.pruned-until", Long.MIN_VALUE).createOrOpen());
        pruned = counter(db, "retention.pruned");
    }

    /** Writes the counters that moved into the current transaction. */
    void save() {
        for (Counter c : new Counter[] {leadSeq, keySeq, postSeq, eventSeq, weightSeq, journalApplied, pruneUntil, pruned}) {
            c.save();
        }
    }

    private static Counter counter(DB db, String name) {
        return new Counter(db.atomicLong(name).createOrOpen());
    }
}
