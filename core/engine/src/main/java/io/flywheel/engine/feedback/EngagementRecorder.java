package io.flywheel.engine.feedback;

import io.flywheel.api.feedback.Engagement;
import io.flywheel.api.feedback.EngagementSink;
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
     * Off the caller's thread, one at a time in the order they came: a reaction removed right after
     * it was added is taken back after it was recorded, not before. (The store takes one write at a time anyway.)
     */
    private synchronized CompletableFuture<Boolean> inOrder(java.util.function.Supplier<Boolean> write) {
        CompletableFuture<Boolean> next = last.handle((x, error) -> null).thenApplyAsync(x -> write.get(), VIRTUAL);
        last = next;
        return next;
    }

    private FeedbackEvent event(Engagement e) {
        Optional<Lead> lead = leads.get(e.ref());
        return new FeedbackEvent(e.time(), type(e.kind()), e.ref(), lead.map(Lead::sourceId).orElse(null),
                lead.map(Lead::platform).orElse(null), lead.map(Lead::keywords).orElse(List.of()), e.userId(), 0, java.util.Map.of(),
                e.outputId() + (e.messageRef() == null ? "" : ":" + e.messageRef()));
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
