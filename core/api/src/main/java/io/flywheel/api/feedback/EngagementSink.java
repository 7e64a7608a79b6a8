package io.flywheel.api.feedback;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where outputs report engagement; the host writes it to the feedback log. */
@FunctionalInterface
public interface EngagementSink {

    /**
     * Records {@code engagement}. Completes with {@code true} when it was new, {@code false} when
     * the same user already did the same thing the same way to the same post (nothing is recorded twice).
     */
    CompletableFuture<Boolean> record(Engagement engagement);

    /**
     * Takes back what {@code engagement} recorded (a removed reaction: same ref, kind, user and
     * {@link Engagement#via()}). Completes with {@code true} when there was such an engagement to
     * take back. The host counts the user's strongest step left, if any. The default takes nothing back.
     */
    default CompletableFuture<Boolean> retract(Engagement engagement) {
        return CompletableFuture.completedFuture(false);
    }

    /**
     * Takes back every engagement recorded {@link Retraction#via() via} exactly that (of
     * {@link Retraction#userId()} only, when it is not null), on whatever post it was on, as
     * {@link #retract(Engagement)} takes back each. Completes with how many were taken back. The
     * default takes nothing back. Since API 1.2.0.
     */
    default CompletableFuture<Integer> retract(Retraction retraction) {
        return CompletableFuture.completedFuture(0);
    }

    /**
     * The lead posts that output {@code outputId} showed in message {@code messageRef} (the
     * {@link io.flywheel.api.output.Delivery#messageRef()} it reported), in the order shown, as the
     * host recorded them when the message was accepted; empty when it knows of none (a message it
     * recorded before API 1.3.0 may lack the posts it showed only in part, or all of them). For an
     * output whose own memory of its messages is bounded. The default knows none. Since API 1.3.0.
     */
    default CompletableFuture<List<PostShown>> postsShown(String outputId, String messageRef) {
        return CompletableFuture.completedFuture(List.of());
    }
}
