package io.flywheel.bench.store;

import io.flywheel.engine.store.MapDbStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;

/**
 * Measures the heap an open store holds, run in a fresh JVM ({@code DedupMemory <store>}) so no
 * garbage or class loading of the benchmark blurs it: the heap in use after a full collection with
 * the store open, minus the heap in use after closing it again. Opening rebuilds the dedup front
 * from the key log; the rest of what an open store keeps in the heap (directory nodes, counts,
 * dictionaries) is included. Prints {@code heap <bytes held> <keys> <front array bytes>}.
 */
public final class DedupMemory {
    private DedupMemory() {}

    private static long usedAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Opens, measures and closes in its own frame, so nothing of the store stays reachable from the caller. */
    private static long[] openAndMeasure(Path file) {
        try (MapDbStore store = MapDbStore.open(file, MapDbStore.Options.defaults(), Clock.systemUTC())) {
            long open = usedAfterGc();
            MapDbStore.Stats s = store.stats();
            return new long[] {open, s.keys(), s.dedupFrontBytes()};
        }
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        openAndMeasure(file); // loads and initializes every class first
        long[] m = openAndMeasure(file);
        long closed = usedAfterGc();
        System.out.printf(Locale.ROOT, "heap %d %d %d%n", m[0] - closed, m[1], m[2]);
    }
}
