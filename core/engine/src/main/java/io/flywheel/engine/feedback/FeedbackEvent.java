package io.flywheel.engine.feedback;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One outcome in the feedback log: every fact the learning rules, {@code /stats} and offline
 * evaluation read.
 *
 * @param time host clock time it happened
 * @param type what happened
 * @param subject the lead key, strategy id or command it is about
 * @param sourceId the lead source or strategy that produced the subject, or {@code null}
 * @param platform the lead's platform, or {@code null}
 * @param keywords the lead's matched keywords
 * @param actor the user who acted, or {@code null}
 * @param value a number the type gives meaning to (a period return, a score), else 0
 * @param context what was in force when a decision was made (weights, probabilities), so a rule
 *     can be evaluated later against what really happened
 * @param detail free text (an audit entry's command line)
 */
public record FeedbackEvent(
        Instant time,
        Type type,
        String subject,
        String sourceId,
        String platform,
        List<String> keywords,
        String actor,
        double value,
        Map<String, Double> context,
        String detail) {

    public FeedbackEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subject, "subject");
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
        context = context == null ? Map.of() : Map.copyOf(context);
    }

    /**
     * Key in {@link #context()} of an engagement event that takes the place of the same actor's
     * earlier standing on the subject; its value is that {@link Type}'s ordinal.
     */
    public static final String REPLACES = "replaces";

    /**
     * The funnel (found, posted, engaged, applied, won), rejections, trade results, audit, and
     * {@link #RETRACTED}: a user took back (removed the reaction of) their last engagement step on
     * a lead, which {@link #replaces()} names. Stored by ordinal: append new types at the end.
     */
    public enum Type { FOUND, POSTED, INTERESTED, APPLIED, WON, NOT_RELEVANT, TRADE_RETURN, AUDIT, RETRACTED }

    /**
     * The actor's earlier standing this event takes the place of: an APPLIED after the same user's
     * INTERESTED replaces it, a RETRACTED replaces what was taken back. Counts take one off it, at
     * this event's time for a stronger step; for a step taken back the store takes it off where it
     * was counted instead, and this event (context {@code settled}) counts nothing itself.
     */
    public java.util.Optional<Type> replaces() {
        Double ordinal = context.get(REPLACES);
        if (ordinal == null) {
            return java.util.Optional.empty();
        }
        if (ordinal < 0 || ordinal >= Type.values().length || ordinal != Math.floor(ordinal)) {
            throw new IllegalStateException("feedback event " + type + " on " + subject + ": context " + REPLACES + " = " + ordinal
                    + " is not an event type (0 to " + (Type.values().length - 1) + "; written by a newer Flywheel?)");
        }
        return java.util.Optional.of(Type.values()[ordinal.intValue()]);
    }
}
