package io.flywheel.engine.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Delivery;
import io.flywheel.engine.feedback.Aggregate;
import io.flywheel.engine.feedback.Dimension;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.FeedbackLog;
import io.flywheel.engine.feedback.WeightHistory;
import io.flywheel.engine.feedback.WeightSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.mapdb.DB;
import org.mapdb.DBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leads, outbox, feedback log and weight history in one MapDB file with transactions on.
 *
 * <p>How a change becomes durable: it is applied to the open MapDB transaction, then appended to
 * the journal ({@code <file>.journal}) before the call returns, so a killed process loses nothing
 * whose call returned. Every {@link Options#checkpointInterval()} (or {@link
 * Options#checkpointBytes()} of journal) the transaction is committed, atomically through a redo
 * file, and the journal emptied. Opening replays the journal past the last checkpoint. With
 * {@link Sync#BATCH} every journal append is also forced to disk (power-loss safe per change);
 * with {@link Sync#INTERVAL} a power cut can lose the last interval but never corrupts the file,
 * the guarantee SQLite gives in WAL mode with {@code synchronous=NORMAL}.
 *
 * <p>One writer at a time (changes are serialized by a lock); readers take no lock and never wait
 * for the writer. A reader sees a change as it is being applied, except the outbox, which shows a
 * post only once its change is journaled.
 */
public final class MapDbStore implements LeadStore, FeedbackLog, WeightHistory {
    private static final Logger log = LoggerFactory.getLogger(MapDbStore.class);
    static final int SCHEMA_VERSION = Tables.SCHEMA;
    private static final int PRUNE_STEP = 10_000;

    /** When journal appends are forced to disk. */
    public enum Sync {
        /** Every change (each {@link #write}) is on disk before it returns: survives a power cut, costs an fsync. */
        BATCH,
        /** Changes survive a crashed or killed process at once, a power cut after the next checkpoint. */
        INTERVAL
    }

    /**
     * @param sync when the journal is forced to disk
     * @param checkpointInterval the longest time between MapDB commits
     * @param checkpointBytes commit once the journal holds this much
     * @param cacheSize query results kept for repeated reads
     */
    public record Options(Sync sync, Duration checkpointInterval, long checkpointBytes, int cacheSize) {
        public Options {
            sync = sync == null ? Sync.INTERVAL : sync;
            checkpointInterval = checkpointInterval == null ? Duration.ofSeconds(1) : checkpointInterval;
            if (checkpointInterval.isNegative()) {
                throw new IllegalArgumentException("checkpoint interval must not be negative, found " + checkpointInterval);
            }
            if (checkpointBytes <= 0) {
                throw new IllegalArgumentException("checkpoint bytes must be positive, found " + checkpointBytes);
            }
        }

        public static Options defaults() {
            return new Options(Sync.INTERVAL, Duration.ofSeconds(1), 64L << 20, 512);
        }

        public Options withSync(Sync s) {
            return new Options(s, checkpointInterval, checkpointBytes, cacheSize);
        }

        public Options withCheckpointInterval(Duration d) {
            return new Options(sync, d, checkpointBytes, cacheSize);
        }
    }

    /** Sizes for people and benchmarks. */
    public record Stats(long leads, long keys, long pruned, long dedupFrontBytes, long fileBytes, long journalBytes) {}

    private final Path file;
    private final Options options;
    private final Clock clock;
    private final StoreLock processLock;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Bytes opBytes = new Bytes(1 << 16);
    private final AtomicLong generation = new AtomicLong();
    private final Cache<QueryKey, List<Lead>> queries;
    private final Cache<WeightSet.Kind, Optional<WeightSet>> latestWeights;
    private volatile Tables tables;
    private Journal journal;
    private long journalSeq;
    private long lastCheckpoint;
    private volatile String failed;
    private volatile io.flywheel.api.Scheduler flusher;
    private boolean flushScheduled;

    private record QueryKey(LeadQuery query, long generation) {}

    private MapDbStore(Path file, Options options, Clock clock, StoreLock processLock) {
        this.file = file;
        this.options = options;
        this.clock = clock;
        this.processLock = processLock;
        this.queries = Caffeine.newBuilder().maximumSize(Math.max(0, options.cacheSize())).build();
        this.latestWeights = Caffeine.newBuilder().maximumSize(4).build();
    }

    /** Opens (or creates) the store at {@code file} with the default options and the system clock. */
    public static MapDbStore open(Path file) {
        return open(file, Options.defaults(), Clock.systemUTC());
    }

    /**
     * Opens (or creates) the store at {@code file}: completes a commit a crash interrupted, replays
     * the journal past the last checkpoint, and migrates a store of an older schema (keeping the old
     * file beside it).
     */
    public static MapDbStore open(Path file, Options options, Clock clock) {
        Path absolute = file.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new StoreException("cannot create the store folder " + absolute.getParent() + ": " + e.getMessage(), e);
        }
        StoreLock lock = StoreLock.acquire(absolute);
        try {
            MapDbStore store = new MapDbStore(absolute, options, clock, lock);
            store.load();
            return store;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    static Path journalFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".journal");
    }

    private void load() {
        Migration.migrateIfNeeded(file);
        DB db = MapDbFiles.open(file);
        Tables t;
        try {
            t = Tables.open(db, file);
        } catch (Tables.SchemaMismatch e) {
            db.close();
            throw new StoreException(e.getMessage() + (e.found > SCHEMA_VERSION
                    ? ". It was written by a newer Flywheel: run that version, or move the file away to start a new store."
                    : ". No migration from that version exists: move the file away to start a new store."), e);
        } catch (RuntimeException e) {
            db.close();
            throw new StoreException("cannot read the store " + file + ": " + e.getMessage(), e);
        }
        List<Journal.Entry> replay = new ArrayList<>();
        long[] dropped = new long[1];
        long applied = t.meta.journalApplied.get();
        Journal j;
        try {
            j = Journal.open(journalFile(file), applied, replay, dropped);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        try {
            for (Journal.Entry e : replay) {
                t.apply(Op.decode(e.payload()));
            }
            long last = replay.isEmpty() ? applied : replay.getLast().seq();
            if (t.outbox.messagesNew) {
                t.backfillMessages(file);
                t.checkpoint(last);
            }
            t.published();
            if (!replay.isEmpty() || dropped[0] > 0) {
                t.checkpoint(last);
                // Entries dropped after a torn one carry the sequences the next changes get: they must be off the disk
                // before a new entry is written where they start, or a power cut could keep that entry and bring them back.
                j.reset(true);
                log.info("Store {}: recovered {} change(s) from the journal{}", file, replay.size(),
                        dropped[0] > 0 ? " and dropped " + dropped[0] + " bytes of an unfinished one" : "");
            }
            this.journal = j;
            this.journalSeq = last;
            this.tables = t;
            this.lastCheckpoint = clock.millis();
            this.failed = null;
        } catch (RuntimeException e) {
            j.close();
            t.close();
            throw new StoreException("cannot replay the journal of " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    public Options options() {
        return options;
    }

    // ---- changes ----

    private Object change(Op op, String what) {
        writeLock.lock();
        try {
            if (failed != null) {
                throw new StoreException("the store " + file + " is unusable after an earlier error (" + failed + "); restart Flywheel");
            }
            Tables t = tables;
            if (t == null) {
                throw new StoreException("the store " + file + " is closed");
            }
            Object result;
            try {
                result = t.apply(op);
                opBytes.reset();
                Op.encode(op, opBytes);
                journal.append(journalSeq + 1, opBytes.array(), opBytes.length(), options.sync() == Sync.BATCH);
                journalSeq++;
            } catch (RuntimeException e) {
                recover(e);
                throw new StoreException("cannot " + what + " in the store " + file + ": " + message(e), e);
            }
            t.published();
            generation.incrementAndGet();
            checkpointIfDue();
            scheduleFlush();
            return result;
        } finally {
            writeLock.unlock();
        }
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** Drops the failed change: reopens from the last checkpoint and replays the journal. */
    private void recover(RuntimeException cause) {
        log.error("Store {}: a change failed ({}); reopening from the last checkpoint and the journal", file, message(cause));
        Tables t = tables;
        tables = null;
        try {
            journal.close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        try {
            t.close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        try {
            load();
            queries.invalidateAll();
            latestWeights.invalidateAll();
        } catch (RuntimeException e) {
            failed = message(e);
            log.error("Store {}: cannot reopen ({}); every further change fails until restart", file, failed);
        }
    }

    private void checkpointIfDue() {
        if (journal.size() >= options.checkpointBytes() || clock.millis() - lastCheckpoint >= options.checkpointInterval().toMillis()) {
            checkpoint();
        }
    }

    private void checkpoint() {
        if (journal.size() == 0) {
            lastCheckpoint = clock.millis();
            return;
        }
        try {
            tables.checkpoint(journalSeq);
            journal.reset(false);
            lastCheckpoint = clock.millis();
        } catch (RuntimeException e) {
            recover(e);
            throw new StoreException("cannot commit the store " + file + ": " + message(e), e);
        }
    }

    /**
     * Commits the journal's changes to the MapDB file at most one checkpoint interval after a change,
     * even when no further change comes: {@code scheduler} runs a flush then (only while changes
     * wait, so an idle store schedules nothing).
     */
    public void flushWith(io.flywheel.api.Scheduler scheduler) {
        this.flusher = scheduler;
    }

    private void scheduleFlush() {
        io.flywheel.api.Scheduler s = flusher;
        if (s == null || flushScheduled || journal.size() == 0) {
            return;
        }
        flushScheduled = true;
        s.schedule(options.checkpointInterval(), () -> {
            writeLock.lock();
            try {
                flushScheduled = false;
                if (tables != null && failed == null) {
                    checkpoint();
                }
            } catch (RuntimeException e) {
                log.warn("Store {}: scheduled checkpoint failed: {}", file, message(e));
            } finally {
                writeLock.unlock();
            }
        });
    }

    /** Commits to the MapDB file now if the checkpoint interval has passed. */
    public void flushIfDue() {
        writeLock.lock();
        try {
            if (tables != null && failed == null) {
                checkpointIfDue();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Commits to the MapDB file now. */
    public void flush() {
        writeLock.lock();
        try {
            if (tables != null && failed == null) {
                checkpoint();
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public List<Lead> write(WriteBatch batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        return Tables.stored(change(new Op.Write(batch), "write " + batch.leads().size() + " lead(s)"));
    }

    @Override
    public void delivered(String outputId, String messageRef, List<Delivery> deliveries, List<io.flywheel.api.output.Partial> partials) {
        if (!deliveries.isEmpty() || !partials.isEmpty()) {
            change(new Op.Delivered(outputId, messageRef, deliveries, partials), "record deliveries");
        }
    }

    @Override
    public List<io.flywheel.api.feedback.PostShown> postsShown(String outputId, String messageRef) {
        return read(t -> t.outbox.shown(outputId, messageRef));
    }

    @Override
    public Optional<String> partial(String outputId, String postId) {
        return read(t -> t.outbox.partial(outputId, postId));
    }

    @Override
    public void append(List<FeedbackEvent> events) {
        if (!events.isEmpty()) {
            change(new Op.Events(events), "append to the feedback log");
        }
    }

    @Override
    public boolean appendOnce(FeedbackEvent event) {
        return Tables.appended(change(new Op.Once(event), "append to the feedback log"));
    }

    @Override
    public boolean engage(FeedbackEvent event, String via) {
        checkStep(event);
        return Tables.appended(change(new Op.Engage(event, via, false), "record an engagement"));
    }

    @Override
    public boolean retract(FeedbackEvent event, String via) {
        checkStep(event);
        return Tables.appended(change(new Op.Engage(event, via, true), "take back an engagement"));
    }

    @Override
    public int retractAll(List<FeedbackEvent> events, String via) {
        java.util.Objects.requireNonNull(via, "via");
        events.forEach(MapDbStore::checkStep);
        if (events.isEmpty()) {
            return 0;
        }
        return (Integer) change(new Op.RetractAll(via, events), "take back " + events.size() + " engagement(s) via '" + via + "'");
    }

    /** Tests: runs {@code hook} after each step a clear takes back, inside its change; a recovery drops it. */
    void afterEachTakenBack(java.util.function.Consumer<FeedbackEvent> hook) {
        tables.afterEachTakenBack = hook;
    }

    private static void checkStep(FeedbackEvent event) {
        if (!FeedbackTables.STEPS.contains(event.type()) || event.actor() == null) {
            throw new IllegalArgumentException("engagement on " + event.subject() + ": type " + event.type() + " with actor " + event.actor()
                    + " is not an engagement step (INTERESTED, APPLIED, WON or NOT_RELEVANT, with an actor)");
        }
    }

    @Override
    public void append(WeightSet set) {
        appendAll(List.of(set));
    }

    /** Records {@code sets} in order in one change: after a crash or a failed call, either all of them are stored or none. */
    @Override
    public void appendAll(List<WeightSet> sets) {
        if (sets.isEmpty()) {
            return;
        }
        try {
            change(new Op.Weights(sets), "record " + sets.size() + " weight set(s)");
        } finally {
            sets.forEach(s -> latestWeights.invalidate(s.kind()));
        }
    }

    @Override
    public int prune(Instant cutoff) {
        long target = Codec.nanos(cutoff);
        int total = 0;
        while (read(t -> t.meta.pruneUntil.get()) < target) {
            total += (Integer) change(new Op.Prune(target, PRUNE_STEP), "prune lead bodies");
        }
        if (total > 0) {
            log.info("Store {}: pruned the bodies of {} lead(s) older than {}", file, total, cutoff);
        }
        return total;
    }

    // ---- reads ----

    /** Runs a read, retrying when a bucket split ran meanwhile (rare); never takes the writer's lock unless that keeps happening. */
    private <T> T read(java.util.function.Function<Tables, T> reader) {
        for (int attempt = 0; attempt < 4; attempt++) {
            Tables t = tables;
            if (t == null) {
                throw new StoreException(failed != null ? "the store " + file + " is unusable: " + failed : "the store " + file + " is closed");
            }
            long v = t.structureVersion.get();
            if ((v & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            try {
                T result = reader.apply(t);
                if (t.structureVersion.get() == v) {
                    return result;
                }
            } catch (StoreException | DBException e) {
                if (t.structureVersion.get() == v && tables == t) {
                    throw e;
                }
            }
        }
        writeLock.lock();
        try {
            Tables t = tables;
            if (t == null) {
                throw new StoreException("the store " + file + " is closed");
            }
            return reader.apply(t);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public boolean contains(String key) {
        Tables t = tables;
        if (t == null) {
            throw new StoreException("the store " + file + " is closed");
        }
        return t.leads.contains(key);
    }

    @Override
    public Optional<Lead> get(String key) {
        return read(t -> t.leads.get(key));
    }

    @Override
    public Optional<DuplicateLink> duplicateOf(String key) {
        return read(t -> t.leads.link(key));
    }

    @Override
    public List<DuplicateLink> duplicatesOf(String key) {
        return read(t -> t.leads.linksOf(key));
    }

    @Override
    public List<Lead> query(LeadQuery q) {
        QueryKey key = new QueryKey(q, generation.get());
        List<Lead> cached = queries.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        List<Lead> result = List.copyOf(read(t -> t.leads.query(q)));
        queries.put(key, result);
        return result;
    }

    /** {@link #query} without the result cache, for measuring the store itself. */
    public List<Lead> queryUncached(LeadQuery q) {
        return read(t -> t.leads.query(q));
    }

    @Override
    public long size() {
        return read(t -> t.leads.size());
    }

    @Override
    public List<OutboxEntry> pending(String outputId, int limit) {
        return read(t -> t.outbox.pending(outputId, limit, t.visiblePostSeq));
    }

    @Override
    public long pendingCount(String outputId) {
        return read(t -> t.outbox.pendingCount(outputId));
    }

    @Override
    public Optional<String> messageRef(String outputId, String postId) {
        return read(t -> t.outbox.messageRef(outputId, postId));
    }

    @Override
    public List<io.flywheel.engine.feedback.FeedbackLog.Held> heldVia(String via, Instant recordedBy) {
        return read(t -> t.feedback.heldVia(via, recordedBy));
    }

    @Override
    public List<FeedbackEvent> events(Instant from, Instant to, Set<FeedbackEvent.Type> types) {
        return read(t -> t.feedback.events(from, to, types));
    }

    @Override
    public Map<String, Aggregate> aggregate(Dimension dimension, Instant from, Instant to) {
        return read(t -> t.feedback.aggregate(dimension, from, to));
    }

    @Override
    public Optional<WeightSet> latest(WeightSet.Kind kind) {
        return latestWeights.get(kind, k -> read(t -> t.feedback.latest(k)));
    }

    @Override
    public List<WeightSet> history(WeightSet.Kind kind, Instant from, Instant to) {
        return read(t -> t.feedback.history(kind, from, to));
    }

    public Stats stats() {
        return read(t -> new Stats(t.leads.size(), t.leads.keys(), t.leads.pruned(), t.leads.frontBytes(), sizeOf(file), sizeOf(journalFile(file))));
    }

    private static long sizeOf(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The journal in use; tests break it to see a failed change recovered. */
    Journal journal() {
        return journal;
    }

    /** Closes without a final checkpoint, as a crash would leave it; for tests of recovery. */
    void abandon() {
        writeLock.lock();
        try {
            Tables t = tables;
            tables = null;
            if (t != null) {
                journal.close();
                t.close();
                processLock.close(); // the process's end releases it
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Commits everything and closes the file. */
    @Override
    public void close() {
        writeLock.lock();
        try {
            Tables t = tables;
            if (t == null) {
                return;
            }
            try {
                if (failed == null) {
                    checkpoint();
                }
            } finally {
                tables = null;
                try {
                    journal.close();
                    t.close();
                } finally {
                    processLock.close();
                }
            }
        } finally {
            writeLock.unlock();
        }
    }
}
