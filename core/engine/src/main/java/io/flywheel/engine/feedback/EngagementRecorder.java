package io.flywheel.engine.feedback;

import io.flywheel.api.feedback.Engagement;
import io.flywheel.api.feedback.EngagementSink;
import io.flywheel.api.lead.Lead;
import io.flywheel.engine.store.LeadStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Writes engagement reported by outputs into the feedback log, once per user, subject and kind. */
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
        return CompletableFuture.supplyAsync(() -> {
            Optional<Lead> lead = leads.get(e.ref());
            FeedbackEvent event = new FeedbackEvent(e.time(), type(e.kind()), e.ref(), lead.map(Lead::sourceId).orElse(null),
                    lead.map(Lead::platform).orElse(null), lead.map(Lead::keywords).orElse(List.of()), e.userId(), 0, java.util.Map.of(),
                    e.outputId() + (e.messageRef() == null ? "" : ":" + e.messageRef()));
            return log.appendOnce(event);
        }, VIRTUAL);
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
