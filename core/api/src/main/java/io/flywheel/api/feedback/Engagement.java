package io.flywheel.api.feedback;

import java.time.Instant;
import java.util.Objects;

/**
 * Something a person did with a post: a button click, a reaction, a command such as
 * {@code /convert}. The host counts each user at most once as engaged and once as converted per
 * post (their strongest step, see {@link Kind}); a repeat changes nothing.
 *
 * @param ref the lead key or signal id the post was about ({@link io.flywheel.api.output.Post#ref()})
 * @param kind what they did
 * @param userId who did it
 * @param outputId the configured output it happened on
 * @param messageRef the message it happened on, or {@code null}
 * @param time host clock time it was received
 * @param via what can take it back: a reaction (an output's name for it, such as its message and
 *     emoji, unique across outputs since a {@link Retraction} matches by it alone; removing the
 *     reaction retracts it through {@link EngagementSink#retract}); {@code null}
 *     for a click or a command, which stand
 */
public record Engagement(String ref, Kind kind, String userId, String outputId, String messageRef, Instant time, String via) {

    public Engagement {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(outputId, "outputId");
        Objects.requireNonNull(time, "time");
    }

    /** A click or command: it cannot be taken back. */
    public Engagement(String ref, Kind kind, String userId, String outputId, String messageRef, Instant time) {
        this(ref, kind, userId, outputId, messageRef, time, null);
    }

    /**
     * The funnel steps a person can take on a lead, weakest first: {@link #INTERESTED} &lt;
     * {@link #APPLIED} &lt; {@link #WON} (applied and won are conversions); {@link #NOT_RELEVANT} is a
     * rejection, counted apart.
     */
    public enum Kind { INTERESTED, APPLIED, WON, NOT_RELEVANT }
}
