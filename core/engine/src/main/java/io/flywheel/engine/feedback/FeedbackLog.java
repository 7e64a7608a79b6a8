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

    /** Events with {@code from <= time < to}, in time order; {@code types} empty means all. */
    List<FeedbackEvent> events(Instant from, Instant to, java.util.Set<FeedbackEvent.Type> types);

    /** Counts by {@code dimension} over {@code from <= time < to}. */
    Map<String, Aggregate> aggregate(Dimension dimension, Instant from, Instant to);
}
