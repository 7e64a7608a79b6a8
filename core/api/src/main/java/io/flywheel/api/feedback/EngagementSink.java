package io.flywheel.api.feedback;

import java.util.concurrent.CompletableFuture;

/** Where outputs report engagement; the host writes it to the feedback log. */
@FunctionalInterface
public interface EngagementSink {

    /**
     * Records {@code engagement}. Completes with {@code true} when it was new, {@code false} when
     * the same user already did the same thing to the same post (nothing is recorded twice).
     */
    CompletableFuture<Boolean> record(Engagement engagement);
}
