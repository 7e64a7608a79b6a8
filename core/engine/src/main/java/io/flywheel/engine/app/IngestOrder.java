package io.flywheel.engine.app;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The order in which sources that run together (a round: {@code run --once}, or the first runs of
 * {@code run}) hand their leads to the pipeline: config order, whatever order their fetches end in.
 * Dedup keeps the first copy of a lead, so when two sources find the same posting in one round the
 * source listed first keeps it, and a re-publisher (a digest) listed after the sources it repeats
 * never takes their leads because its fetch was quicker. Fetches still run concurrently.
 */
final class IngestOrder {
    /** No order: each source ingests as soon as its fetch ends (runs outside a round). */
    static final IngestOrder NONE = new IngestOrder(List.of());

    private final List<String> ids;
    private final Set<String> done = new HashSet<>();
    private boolean released;

    /** @param ids the round's source ids in config order; each must call {@link #done} once, whatever happens */
    IngestOrder(List<String> ids) {
        this.ids = List.copyOf(ids);
    }

    /** Waits until every source before {@code id} in the round is {@link #done}, or the round is {@link #release}d. */
    void awaitTurn(String id) throws InterruptedException {
        int at = ids.indexOf(id);   // ids never changes: read without the monitor, which NONE (no ids) never takes
        if (at <= 0) {
            return;
        }
        List<String> before = ids.subList(0, at);
        synchronized (this) {
            while (!released && !done.containsAll(before)) {
                wait();
            }
        }
    }

    /** {@code id} has ingested, failed or was skipped: the sources after it may go on. */
    void done(String id) {
        if (ids.isEmpty()) {
            return;   // NONE records nothing: it would keep every id under one global monitor
        }
        synchronized (this) {
            if (done.add(id)) {
                notifyAll();
            }
        }
    }

    /**
     * Ends the order: every source waiting for its turn, and every later one, ingests at once (the
     * round took too long, or the run is stopping and what was fetched should be stored).
     * Returns the sources not yet done, in config order.
     */
    synchronized List<String> release() {
        released = true;
        notifyAll();
        return ids.stream().filter(id -> !done.contains(id)).toList();
    }
}
