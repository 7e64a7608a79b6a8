package io.flywheel.engine.store;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.feedback.FeedbackEvent;
import java.util.List;

/**
 * What one pipeline step writes, committed together: new leads, the posts queued for them, the
 * feedback events describing them and the postings linked to earlier leads as duplicates. Leads
 * (and links) whose key is already stored are skipped along with the posts and events that refer
 * to them.
 */
public record WriteBatch(List<Lead> leads, List<OutboxEntry> posts, List<FeedbackEvent> events, List<DuplicateLink> links) {
    public WriteBatch {
        leads = List.copyOf(leads);
        posts = List.copyOf(posts);
        events = List.copyOf(events);
        links = List.copyOf(links);
    }

    public WriteBatch(List<Lead> leads, List<OutboxEntry> posts, List<FeedbackEvent> events) {
        this(leads, posts, events, List.of());
    }

    public static WriteBatch of(List<Lead> leads) {
        return new WriteBatch(leads, List.of(), List.of(), List.of());
    }

    public boolean isEmpty() {
        return leads.isEmpty() && posts.isEmpty() && events.isEmpty() && links.isEmpty();
    }
}
