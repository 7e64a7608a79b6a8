package io.flywheel.engine.feedback;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Every outcome, in time order; the learning rules and {@code /stats} read aggregations of it. */
public interface FeedbackLog {

    /** Appends {@code events} in one commit. */
    void append(List<FeedbackEvent> events);

    /**
     * Appends an engagement unless the same actor already has an event of the same type on the
     * same subject. Returns whether it was appended.
     */
    boolean appendOnce(FeedbackEvent event);

    /**
     * Records that {@code event.actor()} took the engagement step {@code event.type()} (INTERESTED,
     * APPLIED, WON or NOT_RELEVANT) on {@code event.subject()} by way of {@code via} (a reaction's
     * emoji; {@code null} for a click or command). Per actor and subject, counts hold only the
     * strongest positive step (INTERESTED &lt; APPLIED &lt; WON) and one rejection: a stronger step is
     * logged with {@link FeedbackEvent#REPLACES} the weaker one, a weaker or repeated one logs
     * nothing. The actor's standing is stored, so this holds across restarts. Returns whether
     * this (step, via) was new for the actor on the subject.
     */
    boolean engage(FeedbackEvent event, String via);

    /**
     * Takes back the (step {@code event.type()}, {@code via}) {@link #engage} recorded. When what is
     * left is weaker than what was counted, logs the strongest step left replacing it, or a
     * {@link FeedbackEvent.Type#RETRACTED} at {@code event.time()} when nothing is left (the log
     * is only appended to: the retraction counts in the window it happens in). Returns whether
     * there was such a step to take back.
     */
    boolean retract(FeedbackEvent event, String via);

    /**
     * Takes back each event's (step, {@code via}) as {@link #retract} would, in order, all in one change: a failure takes back
     * none (a cleared reaction is taken back from every holder or from nobody, across a crash too). Returns how many were
     * taken back (an event whose step was not held by way of {@code via} counts for none).
     */
    int retractAll(List<FeedbackEvent> events, String via);

    /** A step an actor holds on a subject by way of a via. */
    record Held(String actor, String subject, FeedbackEvent.Type type) {}

    /**
     * Every step {@link #engage} recorded by way of exactly {@code via} and not taken back, whoever's
     * and on whatever subject (a store from before Flywheel 1.2 has its holds indexed at its first open).
     */
    default List<Held> heldVia(String via) {
        return heldVia(via, Instant.MAX);
    }

    /**
     * As {@link #heldVia(String)}, only the holds recorded at or before {@code recordedBy}: a clear
     * taken back late must not take a reaction added again after it (a hold recorded before its time
     * was kept, Flywheel 1.2, counts as earlier).
     */
    List<Held> heldVia(String via, Instant recordedBy);

    /** Events with {@code from <= time < to}, in time order; {@code types} empty means all. */
    List<FeedbackEvent> events(Instant from, Instant to, java.util.Set<FeedbackEvent.Type> types);

    /** Counts by {@code dimension} over {@code from <= time < to}. */
    Map<String, Aggregate> aggregate(Dimension dimension, Instant from, Instant to);
}
