package io.flywheel.api.feedback;

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
}
