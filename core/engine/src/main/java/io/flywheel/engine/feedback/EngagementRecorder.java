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

    public EngagementRecorder(FeedbackLog log, LeadStore leads) {
        this.log = log;
        this.leads = leads;
    }

    @Override
    public CompletableFuture<Boolean> record(Engagement e) {
        return CompletableFuture.supplyAsync(() -> log.engage(event(e), e.via()), VIRTUAL);
    }

    @Override
    public CompletableFuture<Boolean> retract(Engagement e) {
        return CompletableFuture.supplyAsync(() -> log.retract(event(e), e.via()), VIRTUAL);
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
