package io.flywheel.api.output;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the host gives an output with a batch: where to report each accepted message as it is
 * accepted, and what the output reported earlier of posts still queued.
 */
public interface Receipts {

    /**
     * One message accepted: the posts it delivered (or that were refused for good) and the posts it
     * showed only a part of. The host records both in one change before this returns, so a crash
     * afterwards sends neither again. May be called from several threads.
     */
    void accepted(List<Delivery> deliveries, List<Partial> partials);

    /**
     * As {@link #accepted(List, List)} for one message, {@code messageRef}, which showed those
     * deliveries and partly shown posts: the host also records which posts the message showed, so
     * engagement on it can be attributed after the output forgot it ({@link
     * io.flywheel.api.feedback.EngagementSink#postsShown}). The default drops the reference. Since API 1.3.0.
     */
    default void accepted(String messageRef, List<Delivery> deliveries, List<Partial> partials) {
        accepted(deliveries, partials);
    }

    /** The mark last reported for {@code postId} by an earlier attempt, if part of it is shown already. */
    Optional<String> partial(String postId);

    /** Receipts that pass deliveries to {@code onDelivered}, drop partials and know of none. */
    static Receipts of(Consumer<List<Delivery>> onDelivered) {
        return new Receipts() {
            @Override
            public void accepted(List<Delivery> deliveries, List<Partial> partials) {
                if (!deliveries.isEmpty()) {
                    onDelivered.accept(deliveries);
                }
            }

            @Override
            public Optional<String> partial(String postId) {
                return Optional.empty();
            }
        };
    }
}
