package io.flywheel.bench.store;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.store.CrashDrill;
import io.flywheel.engine.store.LeadQuery;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.store.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Flywheel's lead store against SQLite on the workloads of issue 3, in one run:
 * <ol>
 *   <li>scrape cycles: postings of which 70% repeat one of the last 5,000 new ones, committed in
 *       batches of 500, newest-50-by-platform queried every 100 postings;
 *   <li>unique inserts in batches of 1,000;
 *   <li>queries (newest 50 by platform, newest 50 in a random six-hour window): p50/p99 at 10k,
 *       100k and 1M leads, measured while workload 2 fills the stores;
 * </ol>
 * then SIGKILL crash trials of the store and its dedup front's memory per lead.
 * Flywheel runs with its default durability ({@code fsync: interval}: a change survives a killed
 * process when its call returns, a power cut after the next checkpoint, at most a second later);
 * SQLite with WAL and {@code synchronous=NORMAL}, which gives the same guarantees.
 */
public final class Main {
    private static final int QUERIES = 2000;

    private Main() {}

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        long cycles = quick ? 100_000 : 1_000_000;
        long unique = quick ? 100_000 : 1_000_000;
        long[] sizes = quick ? new long[] {10_000, 100_000} : new long[] {10_000, 100_000, 1_000_000};
        int crashTrials = quick ? 4 : 100;
        Path repo = Path.of(System.getProperty("flywheel.repo", "."));
        Path work = Files.createTempDirectory(Files.createDirectories(repo.resolve("bench/target")), "store-bench");
        try {
            run(work, cycles, unique, sizes, crashTrials, quick);
        } finally {
            deleteTree(work);
        }
    }

    private static void run(Path work, long cycles, long unique, long[] sizes, int crashTrials, boolean quick) throws Exception {
        System.out.printf(Locale.ROOT, "Flywheel store (MapDB, fsync: interval) vs SQLite (WAL, synchronous=NORMAL)%s%n", quick ? " -- quick run" : "");
        // Both run in this JVM: warm the JIT on each first, so neither pays for compiling the other's shared code.
        long warm = quick ? 20_000 : 50_000;
        cyclesFlywheel(work.resolve("warm-cycles.db"), warm);
        cyclesSqlite(work.resolve("warm-cycles.sqlite"), warm);
        uniqueFlywheel(work.resolve("warm-unique.db"), warm, new long[] {warm}, new LinkedHashMap<>());
        uniqueSqlite(work.resolve("warm-unique.sqlite"), warm, new long[] {warm}, new LinkedHashMap<>());
        System.out.printf(Locale.ROOT, "%n1. scrape cycles: %,d postings, 70%% repeats, batches of 500, a newest-50 query every 100%n", cycles);
        double[] fwCycles = cyclesFlywheel(work.resolve("cycles.db"), cycles);
        double[] sqlCycles = cyclesSqlite(work.resolve("cycles.sqlite"), cycles);
        System.out.printf(Locale.ROOT, "   %-10s %12s %14s %14s%n", "", "postings/s", "query p50 us", "query p99 us");
        System.out.printf(Locale.ROOT, "   %-10s %,12.0f %14.0f %14.0f%n", "flywheel", fwCycles[0], fwCycles[1], fwCycles[2]);
        System.out.printf(Locale.ROOT, "   %-10s %,12.0f %14.0f %14.0f%n", "sqlite", sqlCycles[0], sqlCycles[1], sqlCycles[2]);
        double cyclesRatio = fwCycles[0] / sqlCycles[0];
        System.out.printf(Locale.ROOT, "   ratio (flywheel / sqlite): %.2f%n", cyclesRatio);

        System.out.printf(Locale.ROOT, "%n2. unique inserts: %,d leads, batches of 1,000   3. queries at %s leads%n", unique,
                String.join(", ", Arrays.stream(sizes).mapToObj(s -> String.format(Locale.ROOT, "%,d", s)).toList()));
        Map<Long, double[]> fwQueries = new LinkedHashMap<>();
        Map<Long, double[]> sqlQueries = new LinkedHashMap<>();
        Path fwFile = work.resolve("unique.db");
        double[] fwUnique = uniqueFlywheel(fwFile, unique, sizes, fwQueries);
        double[] sqlUnique = uniqueSqlite(work.resolve("unique.sqlite"), unique, sizes, sqlQueries);
        double uniqueRatio = fwUnique[0] / sqlUnique[0];
        System.out.printf(Locale.ROOT, "   %-10s %12s %14s%n", "", "leads/s", "file MB");
        System.out.printf(Locale.ROOT, "   %-10s %,12.0f %14.1f%n", "flywheel", fwUnique[0], fwUnique[1] / 1e6);
        System.out.printf(Locale.ROOT, "   %-10s %,12.0f %14.1f%n", "sqlite", sqlUnique[0], sqlUnique[1] / 1e6);
        System.out.printf(Locale.ROOT, "   ratio (flywheel / sqlite): %.2f%n", uniqueRatio);
        System.out.printf(Locale.ROOT, "%n   %-10s %10s %16s %16s %16s %16s%n", "", "leads", "platform p50 us", "platform p99 us", "range p50 us",
                "range p99 us");
        for (long size : sizes) {
            double[] f = fwQueries.get(size);
            double[] s = sqlQueries.get(size);
            System.out.printf(Locale.ROOT, "   %-10s %,10d %16.0f %16.0f %16.0f %16.0f%n", "flywheel", size, f[0], f[1], f[2], f[3]);
            System.out.printf(Locale.ROOT, "   %-10s %,10d %16.0f %16.0f %16.0f %16.0f%n", "sqlite", size, s[0], s[1], s[2], s[3]);
        }
        double tableBytesPerLead = fwUnique[2];
        double[] heap = heapPerLead(fwFile);
        double dedupBytesPerLead = heap[0];
        System.out.printf(Locale.ROOT, "%n   dedup front, measured: the reopened %,d-lead store holds %.1f bytes of heap per lead (%.1f MB per million leads)%n",
                (long) heap[1], dedupBytesPerLead, dedupBytesPerLead);
        System.out.printf(Locale.ROOT, "   (its table's arrays: %.1f bytes per lead after the run, %.1f after reopening)%n", tableBytesPerLead, heap[2]);

        System.out.printf(Locale.ROOT, "%n4. crash trials: ingestion in a child JVM killed with SIGKILL at random moments, %d times%n", crashTrials);
        int[] crash = crashTrials(work.resolve("crash.db"), crashTrials);
        System.out.printf(Locale.ROOT, "   %d trials, %d batches verified, acknowledged batches lost: %d, other problems: %d, in-flight batch kept %d times%n",
                crashTrials, crash[0], crash[1], crash[2], crash[3]);

        long largest = sizes[sizes.length - 1];
        double[] fw = fwQueries.get(largest);
        double[] sq = sqlQueries.get(largest);
        System.out.printf(Locale.ROOT, "RESULT {\"cycles_ratio\": %.2f, \"unique_ratio\": %.2f, \"query_p99_us\": %.0f, \"sqlite_query_p99_us\": %.0f,"
                        + " \"range_p99_us\": %.0f, \"sqlite_range_p99_us\": %.0f, \"query_at_leads\": %d, \"cycles_per_s\": %.0f, \"sqlite_cycles_per_s\": %.0f,"
                        + " \"unique_per_s\": %.0f, \"sqlite_unique_per_s\": %.0f, \"crash_trials\": %d, \"crash_lost\": %d, \"crash_problems\": %d,"
                        + " \"dedup_bytes_per_lead\": %.1f}%n",
                cyclesRatio, uniqueRatio, fw[1], sq[1], fw[3], sq[3], largest, fwCycles[0], sqlCycles[0], fwUnique[0], sqlUnique[0], crashTrials,
                crash[1], crash[2], dedupBytesPerLead);
    }

    // ---- workload 1 ----

    private static double[] cyclesFlywheel(Path file, long n) {
        Postings.Cycles stream = new Postings.Cycles(1, 0.7, 5000);
        long[] lat = new long[(int) (n / 100)];
        int q = 0;
        long start = System.nanoTime();
        try (MapDbStore store = MapDbStore.open(file, MapDbStore.Options.defaults(), Clock.systemUTC())) {
            List<Lead> batch = new ArrayList<>(500);
            Set<String> inBatch = new HashSet<>();
            for (long i = 1; i <= n; i++) {
                Lead l = Postings.posting(stream.next());
                if (!store.contains(l.key()) && inBatch.add(l.key())) {
                    batch.add(l);
                }
                if (i % 500 == 0) {
                    store.write(WriteBatch.of(batch));
                    batch.clear();
                    inBatch.clear();
                }
                if (i % 100 == 0) {
                    long t = System.nanoTime();
                    store.queryUncached(LeadQuery.newest(50).platform(Postings.PLATFORMS[q % Postings.PLATFORMS.length]));
                    lat[q++] = System.nanoTime() - t;
                }
            }
            store.write(WriteBatch.of(batch));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new double[] {n / seconds, percentile(lat, 50), percentile(lat, 99)};
    }

    private static double[] cyclesSqlite(Path file, long n) throws Exception {
        Postings.Cycles stream = new Postings.Cycles(1, 0.7, 5000);
        long[] lat = new long[(int) (n / 100)];
        int q = 0;
        long start = System.nanoTime();
        try (SqliteLeads db = new SqliteLeads(file)) {
            List<Lead> batch = new ArrayList<>(500);
            for (long i = 1; i <= n; i++) {
                batch.add(Postings.posting(stream.next()));
                if (i % 500 == 0) {
                    db.write(batch);
                    batch.clear();
                }
                if (i % 100 == 0) {
                    long t = System.nanoTime();
                    db.newestByPlatform(Postings.PLATFORMS[q % Postings.PLATFORMS.length], 50);
                    lat[q++] = System.nanoTime() - t;
                }
            }
            db.write(batch);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new double[] {n / seconds, percentile(lat, 50), percentile(lat, 99)};
    }

    // ---- workloads 2 and 3 ----

    private interface Queries {
        List<Lead> newestByPlatform(String platform) throws Exception;

        List<Lead> range(Instant from, Instant to) throws Exception;
    }

    /** Returns {leads/s (ingest time only), file bytes, dedup bytes per lead}. */
    private static double[] uniqueFlywheel(Path file, long n, long[] sizes, Map<Long, double[]> queries) throws Exception {
        long ingest = 0;
        double frontPerLead;
        try (MapDbStore store = MapDbStore.open(file, MapDbStore.Options.defaults(), Clock.systemUTC())) {
            int next = 0;
            List<Lead> batch = new ArrayList<>(1000);
            for (long i = 0; i < n; i++) {
                batch.add(Postings.posting(i));
                if (batch.size() == 1000 || i == n - 1) {
                    long t = System.nanoTime();
                    store.write(WriteBatch.of(batch));
                    ingest += System.nanoTime() - t;
                    batch.clear();
                }
                if (next < sizes.length && i + 1 == sizes[next]) {
                    long f = System.nanoTime();
                    store.flush(); // measure queries on a committed store; the commit counts as ingest time
                    ingest += System.nanoTime() - f;
                    queries.put(sizes[next], measure(i + 1, new Queries() {
                        public List<Lead> newestByPlatform(String p) {
                            return store.queryUncached(LeadQuery.newest(50).platform(p));
                        }

                        public List<Lead> range(Instant from, Instant to) {
                            return store.queryUncached(LeadQuery.newest(50).between(from, to));
                        }
                    }));
                    next++;
                }
            }
            long t = System.nanoTime();
            store.flush();
            ingest += System.nanoTime() - t;
            MapDbStore.Stats s = store.stats();
            frontPerLead = (double) s.dedupFrontBytes() / s.keys();
        }
        return new double[] {n / (ingest / 1e9), fileBytes(file), frontPerLead};
    }

    private static double[] uniqueSqlite(Path file, long n, long[] sizes, Map<Long, double[]> queries) throws Exception {
        long ingest = 0;
        try (SqliteLeads db = new SqliteLeads(file)) {
            int next = 0;
            List<Lead> batch = new ArrayList<>(1000);
            for (long i = 0; i < n; i++) {
                batch.add(Postings.posting(i));
                if (batch.size() == 1000 || i == n - 1) {
                    long t = System.nanoTime();
                    db.write(batch);
                    ingest += System.nanoTime() - t;
                    batch.clear();
                }
                if (next < sizes.length && i + 1 == sizes[next]) {
                    queries.put(sizes[next], measure(i + 1, new Queries() {
                        public List<Lead> newestByPlatform(String p) throws Exception {
                            return db.newestByPlatform(p, 50);
                        }

                        public List<Lead> range(Instant from, Instant to) throws Exception {
                            return db.timeRange(from, to, 50);
                        }
                    }));
                    next++;
                }
            }
        }
        return new double[] {n / (ingest / 1e9), fileBytes(file) + fileBytes(Path.of(file + "-wal")), 0};
    }

    /** {bytes of heap per key the reopened store holds, keys, bytes per key of the front's arrays}, measured by {@link DedupMemory} in a child JVM. */
    private static double[] heapPerLead(Path file) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xshare:auto", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), DedupMemory.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 || !out.contains("heap ")) {
            throw new IllegalStateException("measuring the dedup front failed (exit " + p.exitValue() + "): " + out);
        }
        String[] f = out.substring(out.indexOf("heap ")).trim().split("\\s+");
        double keys = Double.parseDouble(f[2]);
        return new double[] {Double.parseDouble(f[1]) / keys, keys, Double.parseDouble(f[3]) / keys};
    }

    /** {platform p50, p99, range p50, p99} in microseconds, after a warm-up; checks both return 50 leads. */
    private static double[] measure(long leads, Queries q) throws Exception {
        Random r = new Random(leads);
        long span = leads * 3;
        for (int i = 0; i < 500; i++) {
            q.newestByPlatform(Postings.PLATFORMS[i % 8]);
            Instant from = Postings.T0.plusSeconds(r.nextLong(Math.max(1, span - 6 * 3600)));
            q.range(from, from.plusSeconds(6 * 3600));
        }
        long[] platform = new long[QUERIES];
        long[] range = new long[QUERIES];
        for (int i = 0; i < QUERIES; i++) {
            long t = System.nanoTime();
            List<Lead> got = q.newestByPlatform(Postings.PLATFORMS[i % 8]);
            platform[i] = System.nanoTime() - t;
            if (got.size() != 50) {
                throw new IllegalStateException("newest-50 returned " + got.size());
            }
            Instant from = Postings.T0.plusSeconds(r.nextLong(Math.max(1, span - 6 * 3600)));
            t = System.nanoTime();
            got = q.range(from, from.plusSeconds(6 * 3600));
            range[i] = System.nanoTime() - t;
            if (got.isEmpty() || !got.stream().allMatch(l -> !l.time().isBefore(from) && l.time().isBefore(from.plusSeconds(6 * 3600)))) {
                throw new IllegalStateException("range query returned " + got.size() + " leads, some outside it");
            }
        }
        return new double[] {percentile(platform, 50), percentile(platform, 99), percentile(range, 50), percentile(range, 99)};
    }

    private static double percentile(long[] nanos, int p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.ceil(p / 100.0 * s.length) - 1)] / 1000.0;
    }

    // ---- crash trials ----

    /** {batches verified, acknowledged batches lost, other problems, in-flight batch kept}. */
    private static int[] crashTrials(Path file, int trials) throws Exception {
        Random random = new Random(7);
        int next = 0;
        int lost = 0;
        int other = 0;
        int kept = 0;
        for (int t = 0; t < trials; t++) {
            int[] n = new int[1];
            CrashDrill.Trial trial = CrashDrill.trial(file, next, 1 + random.nextInt(12), random.nextInt(8000), t % 2 == 0 ? 96 * 1024 : 2 * 1024 * 1024, n);
            for (String p : trial.problems()) {
                if (p.startsWith("acknowledged batch")) {
                    lost++;
                } else {
                    other++;
                }
                System.out.println("   problem in trial " + t + ": " + p);
            }
            kept += trial.inFlightPresent() ? 1 : 0;
            next = n[0];
        }
        return new int[] {next, lost, other, kept};
    }

    private static double fileBytes(Path p) throws IOException {
        return Files.exists(p) ? Files.size(p) : 0;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
