package io.flywheel.engine.output;

import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Output;
import io.flywheel.api.output.Partial;
import io.flywheel.api.output.Receipts;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.FeedbackLog;
import io.flywheel.engine.store.LeadStore;
import io.flywheel.engine.store.OutboxEntry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the outbox into the outputs: outputs run concurrently, each in queue order. A post leaves
 * the outbox only when its output returns a delivery for it, so an outage or a crash loses
 * nothing; what was delivered is recorded and never sent again. An output that shows a post in
 * several messages reports how far it got ({@link Partial}); the mark is recorded with the
 * deliveries of the same message and handed back with the post, so the next attempt sends only
 * the rest. A crash between the destination accepting a message and that record can still send
 * it again: delivery is at least once.
 */
public final class OutboxDispatcher {
    private static final Logger log = LoggerFactory.getLogger(OutboxDispatcher.class);
    static final int BATCH = 100;
    private static final java.util.concurrent.Executor VIRTUAL = r -> Thread.ofVirtual().name("flywheel-output").start(r);

    private final LeadStore store;
    private final FeedbackLog feedback;
    private final Map<String, Output> outputs;
    private final Clock clock;

    /**
     * What one flush did per output.
     *
     * @param waiting outputs skipped because they were not ready (a bot still connecting)
     */
    public record Flush(Map<String, Integer> delivered, Map<String, String> failures, List<String> waiting) {}

    /** How one output is doing, for {@code /status}. */
    public record OutputState(String id, boolean ready, long pending, String problem) {}

    public OutboxDispatcher(LeadStore store, FeedbackLog feedback, Map<String, Output> outputs, Clock clock) {
        this.store = store;
        this.feedback = feedback;
        this.outputs = new LinkedHashMap<>(outputs);
        this.clock = clock;
    }

    /** Sends everything pending to every ready output; completes when each output is drained or has failed. */
    public Flush flush() {
        return flush((output, delivered) -> {});
    }

    /**
     * Like {@link #flush()}, calling {@code progress} with the output and the number of posts
     * delivered so far (across outputs) after each batch.
     */
    public synchronized Flush flush(java.util.function.BiConsumer<String, Integer> progress) {
        Map<String, CompletableFuture<Integer>> running = new LinkedHashMap<>();
        java.util.concurrent.atomic.AtomicInteger soFar = new java.util.concurrent.atomic.AtomicInteger();
        List<String> waiting = new ArrayList<>();
        outputs.forEach((id, output) -> {
            if (!output.ready()) {
                if (store.pendingCount(id) > 0) {
                    waiting.add(id);
                }
                return;
            }
            running.put(id, CompletableFuture.supplyAsync(() -> drain(id, output, n -> progress.accept(id, soFar.addAndGet(n))), VIRTUAL));
        });
        Map<String, Integer> delivered = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        running.forEach((id, f) -> {
            try {
                delivered.put(id, f.get());
            } catch (Exception e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                failures.put(id, cause.getMessage() == null ? cause.toString() : cause.getMessage());
                log.warn("Output {}: {} (posts stay queued: {})", id, failures.get(id), store.pendingCount(id));
            }
        });
        return new Flush(delivered, failures, waiting);
    }

    /** Posts waiting across all outputs. */
    public long pendingTotal() {
        return outputs.keySet().stream().mapToLong(store::pendingCount).sum();
    }

    public List<OutputState> states() {
        List<OutputState> out = new ArrayList<>();
        outputs.forEach((id, o) -> out.add(new OutputState(id, o.ready(), store.pendingCount(id), o.problem().orElse(null))));
        return out;
    }

    /** Flushes on {@code executor} each time an output reports it became ready. */
    public void flushWhenReady(java.util.concurrent.Executor executor) {
        outputs.forEach((id, o) -> o.onReady(() -> executor.execute(() -> {
            if (store.pendingCount(id) > 0) {
                log.info("Output {} is ready: posting {} waiting post(s)", id, store.pendingCount(id));
                flush();
            }
        })));
    }

    private int drain(String id, Output output, java.util.function.IntConsumer progress) {
        int total = 0;
        while (true) {
            List<OutboxEntry> batch = store.pending(id, BATCH);
            if (batch.isEmpty()) {
                return total;
            }
            // Deliveries, and how far split posts got, are recorded as each message is accepted, so a crash mid-batch
            // re-sends nothing already posted: not a whole post, nor the parts of a post shown so far.
            java.util.Set<String> recorded = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
            // messageRef: the one message the deliveries and partials are of, when the output named it (null otherwise).
            Recorder record = (messageRef, ds, partials) -> {
                List<Delivery> fresh = ds.stream().filter(d -> recorded.add(d.postId())).toList();
                List<Partial> going = partials.stream().filter(p -> !recorded.contains(p.postId())).toList();
                // A refused post leaves the queue with its reason as its record, so the posts behind it go on; it was never shown.
                store.delivered(id, messageRef, fresh.stream().map(d -> d.refused() ? new Delivery(d.postId(), LeadStore.REFUSED + d.messageRef()) : d).toList(), going);
                if (!fresh.isEmpty()) {
                    List<Delivery> posted = fresh.stream().filter(d -> !d.refused()).toList();
                    refused.addAndGet(fresh.size() - posted.size());
                    fresh.stream().filter(Delivery::refused).forEach(d -> log.error("Output {}: post {} ({}) refused for good: {}; taken out of the queue", id,
                            d.postId(), title(batch, d.postId()), d.messageRef()));
                    recordPosted(id, batch, posted);
                    progress.accept(posted.size());
                }
            };
            List<Delivery> deliveries;
            try {
                deliveries = output.send(batch.stream().map(OutboxEntry::post).toList(), new Receipts() {
                    @Override
                    public void accepted(List<Delivery> ds, List<Partial> partials) {
                        record.accept(null, ds, partials);
                    }

                    @Override
                    public void accepted(String messageRef, List<Delivery> ds, List<Partial> partials) {
                        record.accept(messageRef, ds, partials);
                    }

                    @Override
                    public java.util.Optional<String> partial(String postId) {
                        return store.partial(id, postId);
                    }
                }).get(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending", e);
            } catch (Exception e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new IllegalStateException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
            }
            record.accept(null, deliveries, List.of());
            total += recorded.size() - refused.get();
            if (recorded.size() < batch.size()) {
                return total;
            }
        }
    }

    private interface Recorder {
        void accept(String messageRef, List<Delivery> deliveries, List<Partial> partials);
    }

    private static String title(List<OutboxEntry> batch, String postId) {
        return batch.stream().filter(e -> e.post().id().equals(postId)).findFirst().map(e -> "'" + e.post().title() + "'").orElse("?");
    }

    private void recordPosted(String outputId, List<OutboxEntry> batch, List<Delivery> deliveries) {
        var done = deliveries.stream().map(Delivery::postId).collect(java.util.stream.Collectors.toSet());
        List<FeedbackEvent> events = new ArrayList<>();
        for (OutboxEntry e : batch) {
            if (!done.contains(e.post().id()) || e.post().ref() == null) {
                continue;
            }
            store.get(e.post().ref()).ifPresent(lead -> events.add(new FeedbackEvent(clock.instant(), FeedbackEvent.Type.POSTED, lead.key(),
                    lead.sourceId(), lead.platform(), lead.keywords(), null, lead.score(), Map.of(), outputId)));
        }
        if (!events.isEmpty()) {
            feedback.append(events);
        }
    }
}
