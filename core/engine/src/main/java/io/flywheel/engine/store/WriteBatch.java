package io.flywheel.engine.store;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.feedback.FeedbackEvent;
import java.util.List;

/**
 * What one pipeline step writes, committed together: new leads, the posts queued for them, and
 * the feedback events describing them. Leads whose key is already stored are skipped along with
 * the posts that refer to them.
 */
public record WriteBatch(List<Lead> leads, List<OutboxEntry> posts, List<FeedbackEvent> events) {
    public WriteBatch {
        leads = List.copyOf(leads);
        posts = List.copyOf(posts);
        events = List.copyOf(events);
    }
}
