package io.flywheel.api.feedback;

import java.time.Instant;
import java.util.Objects;

/**
 * Something a person did with a post: a button click, a reaction, a command such as
 * {@code /convert}. The host records each (user, post, kind) once in the feedback log.
 *
 * @param ref the lead key or signal id the post was about ({@link io.flywheel.api.output.Post#ref()})
 * @param kind what they did
 * @param userId who did it
 * @param outputId the configured output it happened on
 * @param messageRef the message it happened on, or {@code null}
 * @param time host clock time it was received
 */
public record Engagement(String ref, Kind kind, String userId, String outputId, String messageRef, Instant time) {

    public Engagement {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(outputId, "outputId");
        Objects.requireNonNull(time, "time");
    }

    /** The funnel steps a person can take on a lead; {@link #WON} is a conversion. */
    public enum Kind { INTERESTED, APPLIED, WON, NOT_RELEVANT }
}
