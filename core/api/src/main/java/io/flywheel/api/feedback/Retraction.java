package io.flywheel.api.feedback;

import java.time.Instant;
import java.util.Objects;

/**
 * Takes back engagements by what they were recorded {@code via} when the output no longer knows
 * (or never knew) the post or the users: a moderator clearing a message's reactions, or a
 * reaction removed from a message older than the output remembers.
 *
 * <p>It matches by {@code via} alone, across every output: a via must name its reaction uniquely
 * (Discord's names its message by snowflake and the emoji), or one output takes back another's.
 *
 * @param via what the engagements were recorded by ({@link Engagement#via()}), exactly
 * @param userId whose engagement to take back, or {@code null} for every user's
 * @param outputId the configured output it happened on
 * @param messageRef the message it happened on, or {@code null}
 * @param time host clock time it was received
 */
public record Retraction(String via, String userId, String outputId, String messageRef, Instant time) {

    public Retraction {
        Objects.requireNonNull(via, "via");
        Objects.requireNonNull(outputId, "outputId");
        Objects.requireNonNull(time, "time");
    }
}
