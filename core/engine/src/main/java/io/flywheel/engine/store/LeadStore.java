package io.flywheel.engine.store;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Delivery;
import java.util.List;
import java.util.Optional;

/**
 * Leads keyed by dedup key, their indexes, and the outbox of posts waiting for outputs. One
 * writer at a time; readers never block it. Each {@link #write} is one atomic commit: after a
 * crash a batch is either all there or not at all.
 */
public interface LeadStore extends AutoCloseable {

    /** True if a lead with this key was ever stored, even if retention pruned its body since. */
    boolean contains(String key);

    /** Commits {@code batch}; returns the leads actually stored (new keys only), in batch order. */
    List<Lead> write(WriteBatch batch);

    Optional<Lead> get(String key);

    /** Leads matching {@code query}, newest first. */
    List<Lead> query(LeadQuery query);

    /** Number of leads stored. */
    long size();

    /** The oldest {@code limit} posts still waiting for {@code outputId}, in the order queued. */
    List<OutboxEntry> pending(String outputId, int limit);

    /** Number of posts waiting for {@code outputId}. */
    long pendingCount(String outputId);

    /** Removes delivered posts from the outbox and records where they landed, in one commit. */
    void delivered(String outputId, List<Delivery> deliveries);

    /** Where a post landed on an output, once delivered. */
    Optional<String> messageRef(String outputId, String postId);

    @Override
    void close();
}
