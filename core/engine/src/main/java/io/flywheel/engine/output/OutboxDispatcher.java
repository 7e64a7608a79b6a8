package io.flywheel.engine.output;

import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Output;
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
 * nothing; what was delivered is recorded and never sent again.
 */
public final class OutboxDispatcher {
    private static final Logger log = LoggerFactory.getLogger(OutboxDispatcher.class);
    static final int BATCH = 100;
    private static final java.util.concurrent.Executor VIRTUAL = r -> Thread.ofVirtual().name("flywheel-output").start(r);

    private final LeadStore store;
    private final FeedbackLog feedback;
    private final Map<String, Output> outputs;
    private final Clock clock;

    /** What one flush did per output. */
    public record Flush(Map<String, Integer> delivered, Map<String, String> failures) {}

    public OutboxDispatcher(LeadStore store, FeedbackLog feedback, Map<String, Output> outputs, Clock clock) {
        this.store = store;
        this.feedback = feedback;
        this.outputs = new LinkedHashMap<>(outputs);
        this.clock = clock;
    }

    /** Sends everything pending to every ready output; completes when each output is drained or has failed. */
    public synchronized Flush flush() {
        Map<String, CompletableFuture<Integer>> running = new LinkedHashMap<>();
        outputs.forEach((id, output) -> running.put(id, CompletableFuture.supplyAsync(() -> drain(id, output), VIRTUAL)));
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
        return new Flush(delivered, failures);
    }

    private int drain(String id, Output output) {
        if (!output.ready()) {
            return 0;
        }
        int total = 0;
        while (true) {
            List<OutboxEntry> batch = store.pending(id, BATCH);
            if (batch.isEmpty()) {
                return total;
            }
            List<Delivery> deliveries;
            try {
                deliveries = output.send(batch.stream().map(OutboxEntry::post).toList()).get(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending", e);
            } catch (Exception e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new IllegalStateException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
            }
            store.delivered(id, deliveries);
            recordPosted(id, batch, deliveries);
            total += deliveries.size();
            if (deliveries.size() < batch.size()) {
                return total;
            }
        }
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
