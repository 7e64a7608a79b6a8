package io.flywheel.engine.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The in-memory dedup front: every stored key's 64-bit hash mapped to where its lead (or
 * duplicate link) is stored, in one open-addressing table of a {@code long[]} and an
 * {@code int[]}. A repeat posting is recognised without touching the disk. About 12 bytes per slot
 * at a load kept between 0.53 and 0.8, so 15 to 23 bytes per key.
 *
 * <p>One writer, any number of readers without locks: a slot's value is written before its key is
 * published with release semantics, and a grown table is published through a volatile field.
 */
final class KeyFront {
    /** Marks a value that points at a duplicate link rather than a lead. */
    static final int LINK = 0x8000_0000;
    static final int ABSENT = -1;
    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final double MAX_LOAD = 0.8;
    private static final double GROWTH = 1.5;

    private static final class Table {
        final long[] keys;
        final int[] values;
        int size;

        Table(int capacity) {
            keys = new long[capacity];
            values = new int[capacity];
        }

        int slot(long hash) {
            return (int) (((hash >>> 32) * keys.length) >>> 32);
        }
    }

    private volatile Table table;

    KeyFront(int expected) {
        table = new Table(Math.max(16, (int) Math.min(Integer.MAX_VALUE - 8, (long) (expected / 0.7) + 1)));
    }

    /** Zero marks an empty slot, so a key hashing to zero is stored as one. */
    private static long nonZero(long hash) {
        return hash == 0 ? 1 : hash;
    }

    boolean contains(long hash) {
        return get(hash) != ABSENT;
    }

    /** The value for {@code hash}, or {@link #ABSENT}. */
    int get(long hash) {
        long h = nonZero(hash);
        Table t = table;
        int n = t.keys.length;
        int i = t.slot(h);
        while (true) {
            long k = (long) KEYS.getAcquire(t.keys, i);
            if (k == h) {
                return t.values[i];
            }
            if (k == 0) {
                return ABSENT;
            }
            if (++i == n) {
                i = 0;
            }
        }
    }

    /** Adds {@code hash -> value} unless present; returns whether it was added. Single writer only. */
    boolean add(long hash, int value) {
        long h = nonZero(hash);
        Table t = table;
        if (t.size + 1 > t.keys.length * MAX_LOAD) {
            t = grow(t);
        }
        return insert(t, h, value);
    }

    private static boolean insert(Table t, long h, int value) {
        int n = t.keys.length;
        int i = t.slot(h);
        while (true) {
            long k = t.keys[i];
            if (k == h) {
                return false;
            }
            if (k == 0) {
                t.values[i] = value;
                KEYS.setRelease(t.keys, i, h);
                t.size++;
                return true;
            }
            if (++i == n) {
                i = 0;
            }
        }
    }

    private Table grow(Table old) {
        long capacity = (long) (old.keys.length * GROWTH) + 1;
        if (capacity > Integer.MAX_VALUE - 8) {
            throw new StoreException("the dedup front is full (" + old.size + " keys)");
        }
        Table t = new Table((int) capacity);
        for (int i = 0; i < old.keys.length; i++) {
            if (old.keys[i] != 0) {
                insert(t, old.keys[i], old.values[i]);
            }
        }
        table = t;
        return t;
    }

    int size() {
        return table.size;
    }

    /** Bytes the table occupies (its two arrays). */
    long bytes() {
        Table t = table;
        return 16L + 8L * t.keys.length + 16L + 4L * t.values.length;
    }
}
