package io.flywheel.engine.store;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Partial;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Leads keyed by dedup key, their indexes, and the outbox of posts waiting for outputs. One
 * writer at a time; readers never block it. Each {@link #write} is atomic: after a crash a batch
 * is either all there or not at all, and a batch whose call returned is there.
 */
public interface LeadStore extends AutoCloseable {
    /**
     * How a post an output refused for good is recorded in {@link #delivered}: this, then why, as its message reference (it
     * was never shown, so no message shows it).
     */
    String REFUSED = "refused: ";

    /**
     * True if a lead (or a posting linked to one as its duplicate) with this key was ever stored,
     * even if retention pruned its body since. Answered from memory.
     */
    boolean contains(String key);

    /** Commits {@code batch}; returns the leads actually stored (new keys only), in batch order. */
    List<Lead> write(WriteBatch batch);

    /** The lead stored under {@code key}; empty for unknown keys and for keys linked as duplicates. */
    Optional<Lead> get(String key);

    /** The link recorded when the posting with {@code key} was judged a duplicate of an earlier lead. */
    Optional<DuplicateLink> duplicateOf(String key);

    /** The postings linked to the lead {@code key} as its duplicates, in the order found. */
    List<DuplicateLink> duplicatesOf(String key);

    /**
     * Leads matching {@code query}, newest first (by {@link Lead#time()}, then most recently stored
     * first). Each single filter (platform, time range, minimum score, keyword) is served by its own
     * index in O(log n + k).
     */
    List<Lead> query(LeadQuery query);

    /** Number of leads stored (duplicate links not counted). */
    long size();

    /**
     * Retention: drops the bodies of leads found before {@code cutoff} (when Flywheel first saw them,
     * {@link Lead#foundAt()}, not when they were published), keeping everything else: their keys
     * stay known, so they are never stored or posted again. A lead written later with a found time
     * before the latest cutoff is stored without its body. Returns how many were pruned now.
     */
    int prune(Instant cutoff);

    /** The oldest {@code limit} posts still waiting for {@code outputId}, in the order queued. */
    List<OutboxEntry> pending(String outputId, int limit);

    /** Number of posts waiting for {@code outputId}. */
    long pendingCount(String outputId);

    /** Removes delivered posts from the outbox and records where they landed, in one commit. */
    default void delivered(String outputId, List<Delivery> deliveries) {
        delivered(outputId, deliveries, List.of());
    }

    /**
     * Like {@link #delivered(String, List)}, also keeping, in the same commit, the output's mark of
     * each post it showed only part of (a split post whose first messages were accepted), so the
     * next attempt, after a restart too, sends only the rest. A post's mark replaces the one before
     * and goes when the post leaves the outbox; a mark for a post already delivered is ignored.
     */
    default void delivered(String outputId, List<Delivery> deliveries, List<Partial> partials) {
        delivered(outputId, null, deliveries, partials);
    }

    /**
     * Like {@link #delivered(String, List, List)} for one accepted message, {@code messageRef} (null when the output did not
     * name it), also recording, in the same commit, which lead posts each message showed: {@code messageRef}'s are its
     * deliveries and the partly shown posts; without it, no message's posts are recorded.
     */
    void delivered(String outputId, String messageRef, List<Delivery> deliveries, List<Partial> partials);

    /** The lead posts {@code outputId} showed in message {@code messageRef}, in the order shown, as recorded with their deliveries. */
    List<io.flywheel.api.feedback.PostShown> postsShown(String outputId, String messageRef);

    /** The mark last kept for a post still queued for {@code outputId} and partly shown. */
    Optional<String> partial(String outputId, String postId);

    /** Where a post landed on an output, once delivered. */
    Optional<String> messageRef(String outputId, String postId);

    @Override
    void close();
}
