package io.flywheel.engine.feedback;

import java.util.EnumMap;
import java.util.Map;

/**
 * Feedback counted for one keyword, platform, source or strategy over a time window.
 *
 * @param key the keyword, platform, source id or strategy id
 * @param counts events per type
 * @param valueSum sum of {@link FeedbackEvent#value()} (period returns, for strategies)
 */
public record Aggregate(String key, Map<FeedbackEvent.Type, Long> counts, double valueSum) {
    public Aggregate {
        EnumMap<FeedbackEvent.Type, Long> copy = new EnumMap<>(FeedbackEvent.Type.class);
        copy.putAll(counts);
        counts = java.util.Collections.unmodifiableMap(copy);
    }

    public long count(FeedbackEvent.Type type) {
        return counts.getOrDefault(type, 0L);
    }
}
