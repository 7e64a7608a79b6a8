package io.flywheel.engine.feedback;

import io.flywheel.api.feedback.Engagement;
import io.flywheel.api.feedback.EngagementSink;
import io.flywheel.api.feedback.Retraction;
import io.flywheel.api.lead.Lead;
import io.flywheel.engine.store.LeadStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Writes engagement reported by outputs into the feedback log: per user and subject the strongest
 * step counts once, and a removed reaction is taken back ({@link FeedbackLog#engage}, {@link FeedbackLog#retract}).
 */
public final class EngagementRecorder implements EngagementSink {
    private static final java.util.concurrent.Executor VIRTUAL = r -> Thread.ofVirtual().name("flywheel-engagement").start(r);

    private final FeedbackLog log;
    private final LeadStore leads;
    private CompletableFuture<?> last = CompletableFuture.completedFuture(null);

    public EngagementRecorder(FeedbackLog log, LeadStore leads) {
        this.log = log;
        this.leads = leads;
    }

    @Override
    public CompletableFuture<Boolean> record(Engagement e) {
        return inOrder(() -> log.engage(event(e), e.via()));
    }

    @Override
    public CompletableFuture<Boolean> retract(Engagement e) {
        return inOrder(() -> log.retract(event(e), e.via()));
    }

    /**
     * Each holder of the via (or only the one user) is taken back as a removed reaction of theirs would be, all in one store
     * change ({@link FeedbackLog#retractAll}): a failure, or a crash, takes back none of them, and the failure names whose and why.
     */
    @Override
    public CompletableFuture<Integer> retract(Retraction r) {
        return inOrder(() -> {
            List<FeedbackEvent> steps = new java.util.ArrayList<>();
            for (FeedbackLog.Held h : log.heldVia(r.via(), r.time())) {
                if (r.userId() == null || r.userId().equals(h.actor())) {
                    steps.add(event(h.type(), h.subject(), h.actor(), r.outputId(), r.messageRef(), r.time()));
                }
            }
            try {
                return log.retractAll(steps, r.via());
            } catch (RuntimeException error) {
                List<String> whose = steps.stream().map(e -> e.actor() + " on " + e.subject()).limit(10).toList();
                throw new io.flywheel.engine.store.StoreException("cannot take back " + steps.size() + " engagement(s) via '" + r.via() + "' ("
                        + String.join(", ", whose) + (steps.size() > 10 ? ", ..." : "") + "); none was taken back: " + error.getMessage(), error);
            }
        });
    }

    /** Read off the caller's thread (an output's event thread must not wait on the store), not queued behind writes. */
    @Override
    public CompletableFuture<List<io.flywheel.api.feedback.PostShown>> postsShown(String outputId, String messageRef) {
        return CompletableFuture.supplyAsync(() -> leads.postsShown(outputId, messageRef), VIRTUAL);
    }

    /**
     * Off the caller's thread, one at a time in the order they came: a reaction removed right after
     * it was added is taken back after it was recorded, not before. (The store takes one write at a time anyway.)
     */
    private synchronized <T> CompletableFuture<T> inOrder(java.util.function.Supplier<T> write) {
        CompletableFuture<T> next = last.handle((x, error) -> null).thenApplyAsync(x -> write.get(), VIRTUAL);
        last = next;
        return next;
    }

    private FeedbackEvent event(Engagement e) {
        return event(type(e.kind()), e.ref(), e.userId(), e.outputId(), e.messageRef(), e.time());
    }

    private FeedbackEvent event(FeedbackEvent.Type type, String ref, String actor, String outputId, String messageRef, java.time.Instant time) {
        Optional<Lead> lead = leads.get(ref);
        return new FeedbackEvent(time, type, ref, lead.map(Lead::sourceId).orElse(null),
                lead.map(Lead::platform).orElse(null), lead.map(Lead::keywords).orElse(List.of()), actor, 0, java.util.Map.of(),
                outputId + (messageRef == null ? "" : ":" + messageRef));
    }

    static FeedbackEvent.Type type(Engagement.Kind kind) {
        return switch (kind) {
            case INTERESTED -> FeedbackEvent.Type.INTERESTED;
            case APPLIED -> FeedbackEvent.Type.APPLIED;
            case WON -> FeedbackEvent.Type.WON;
            case NOT_RELEVANT -> FeedbackEvent.Type.NOT_RELEVANT;
        };
    }
}
