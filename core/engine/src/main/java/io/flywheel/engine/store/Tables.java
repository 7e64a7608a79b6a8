package io.flywheel.engine.store;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.feedback.FeedbackEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.mapdb.Atomic;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;

/**
 * Everything stored in one open MapDB file (schema {@value #SCHEMA}) and the in-memory state
 * derived from it, with {@link #apply} as the only way to change it. Replaced as a whole when the
 * store recovers from a failed change.
 */
final class Tables implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Tables.class);
    static final int SCHEMA = 3;

    final DB db;
    final Meta meta;
    final Counts counts;
    final LeadTable leads;
    final OutboxTable outbox;
    final FeedbackTables feedback;
    /** Odd while a bucket split or removal is in progress; readers retry when it moved. */
    final AtomicLong structureVersion = new AtomicLong();
    /** A test seam: called after each step a {@link Op.RetractAll} took back, inside the change (a failure there fails the change). */
    java.util.function.Consumer<FeedbackEvent> afterEachTakenBack = e -> {};
    /** Posts up to this sequence are journaled: the outbox shows no post of a change still in flight. */
    volatile long visiblePostSeq;

    private Tables(DB db) {
        this.db = db;
        this.meta = new Meta(db);
        this.counts = new Counts(db.atomicVar("counts", Serializer.BYTE_ARRAY).createOrOpen());
        BTreeMap<Long, Long> dir = db.treeMap("buckets", Serializer.LONG, Serializer.LONG).createOrOpen();
        this.leads = new LeadTable(db, dir, structureVersion, meta, counts);
        this.outbox = new OutboxTable(db, dir, structureVersion, meta, counts);
        this.feedback = new FeedbackTables(db, dir, structureVersion, meta);
        this.visiblePostSeq = meta.postSeq.get();
    }

    /**
     * Opens the tables of {@code file}, creating an empty schema-{@value #SCHEMA} store if it is new.
     * Returns the schema version found instead of opening when it is not this one.
     */
    static Tables open(DB db, Path file) {
        Atomic.Integer schema = db.atomicInteger("schema.version").createOrOpen();
        int found = schema.get();
        if (found == 0) {
            schema.set(SCHEMA);
            Tables t = new Tables(db);
            t.meta.save();
            db.commit();
            return t;
        }
        if (found == 2) {
            // Schema 3 adds the found-time index retention walks; built in place, in one commit.
            Tables t = new Tables(db);
            long n = t.leads.buildFoundIndex();
            t.backfillVias(file);
            t.outbox.owedFill();
            schema.set(SCHEMA);
            t.counts.save();
            t.meta.save();
            db.commit();
            log.info("Store {}: upgraded from schema 2 to {} (found-time index of {} lead(s))", file, SCHEMA, n);
            return t;
        }
        if (found != SCHEMA) {
            throw new SchemaMismatch(file, found);
        }
        Tables t = new Tables(db);
        if (t.feedback.viasNew) {
            t.backfillVias(file);
            t.outbox.owedFill();
            db.commit();
        }
        return t;
    }

    /**
     * A store from before {@code outbox.message} (API 1.3.0): filled from its deliveries in the open transaction, after the journal
     * replayed (an older Flywheel's deliveries may be in it only), committed with the replay's checkpoint; a crash before that fills
     * it again at the next open. A lead post's id is its lead key's ({@link io.flywheel.engine.post.PostIds#ofLead}), which is how a
     * delivery recorded under the post id finds its lead.
     */
    void backfillMessages(Path file) {
        int n = outbox.backfillMessages(feedback, leads);
        if (n > 0) {
            log.info("Store {}: recorded which leads {} message(s) delivered before Flywheel API 1.3.0 showed (outbox.message)", file, n);
        }
    }

    /** A store from before {@code feedback.via} (Flywheel 1.1): filled from its standings in the open transaction, before the journal replays on top. */
    private void backfillVias(Path file) {
        int n = feedback.backfillVias();
        log.info("Store {}: indexed {} reaction(s) held before Flywheel 1.2 by what they were recorded via (feedback.via)", file, n);
    }

    /** The store at {@code file} was written with another schema. */
    static final class SchemaMismatch extends io.flywheel.api.FlywheelException {
        final int found;

        SchemaMismatch(Path file, int found) {
            super("the store " + file + " was written by schema version " + found + "; this Flywheel reads version " + SCHEMA);
            this.found = found;
        }
    }

    /** Applies one change to the open transaction; the result is what the public call returns. */
    Object apply(Op op) {
        Object result = switch (op) {
            case Op.Write w -> {
                LeadTable.Written written = leads.write(w.batch().leads(), w.batch().links());
                outbox.add(w.batch().posts().stream()
                        .filter(p -> p.post().ref() == null || !written.skipped().contains(p.post().ref()))
                        .toList());
                feedback.append(w.batch().events().stream().filter(e -> !written.skipped().contains(e.subject())).toList());
                yield written.stored();
            }
            case Op.Delivered d -> {
                outbox.delivered(d.outputId(), d.messageRef(), d.deliveries(), d.partials());
                yield null;
            }
            case Op.Events e -> {
                feedback.append(e.events());
                yield null;
            }
            case Op.Once o -> feedback.appendOnce(o.event());
            case Op.Engage g -> g.retract() ? feedback.retract(g.event(), g.via()) : feedback.engage(g.event(), g.via());
            case Op.RetractAll a -> {
                int taken = 0;
                for (FeedbackEvent e : a.events()) {
                    if (feedback.retract(e, a.via())) {
                        taken++;
                    }
                    afterEachTakenBack.accept(e);
                }
                yield taken;
            }
            case Op.Weights w -> {
                w.sets().forEach(feedback::append);
                yield null;
            }
            case Op.Prune p -> leads.prune(p.cutoffNanos(), p.limit());
        };
        counts.save();
        meta.save();
        return result;
    }

    /** Marks what was applied so far as journaled (visible to the outbox). */
    void published() {
        visiblePostSeq = meta.postSeq.get();
    }

    /** Commits the MapDB transaction, recording that journal entries up to {@code journalSeq} are in it. */
    void checkpoint(long journalSeq) {
        meta.journalApplied.set(journalSeq);
        meta.save();
        db.commit();
    }

    @SuppressWarnings("unchecked")
    static List<Lead> stored(Object result) {
        return (List<Lead>) result;
    }

    static boolean appended(Object result) {
        return (Boolean) result;
    }

    static List<FeedbackEvent> none() {
        return List.of();
    }

    /** Closes without committing: whatever was not checkpointed is in the journal. */
    @Override
    public void close() {
        if (!db.isClosed()) {
            db.close();
        }
    }
}
