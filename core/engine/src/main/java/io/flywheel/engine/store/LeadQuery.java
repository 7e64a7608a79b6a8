package io.flywheel.engine.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A filter over stored leads, newest first. Unset parts ({@code null}) do not filter.
 *
 * @param platform only this platform
 * @param from leads whose {@link io.flywheel.api.lead.Lead#time()} is at or after this
 * @param to leads whose time is before this
 * @param minScore leads scoring at least this
 * @param keyword leads that matched this keyword
 * @param limit at most this many
 */
public record LeadQuery(String platform, Instant from, Instant to, Double minScore, String keyword, int limit) {
    public LeadQuery {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, found " + limit);
        }
    }

    public static LeadQuery newest(int limit) {
        return new LeadQuery(null, null, null, null, null, limit);
    }

    public LeadQuery platform(String p) {
        return new LeadQuery(Objects.requireNonNull(p), from, to, minScore, keyword, limit);
    }

    public LeadQuery between(Instant f, Instant t) {
        return new LeadQuery(platform, f, t, minScore, keyword, limit);
    }

    public LeadQuery minScore(double s) {
        return new LeadQuery(platform, from, to, s, keyword, limit);
    }

    public LeadQuery keyword(String k) {
        return new LeadQuery(platform, from, to, minScore, Objects.requireNonNull(k), limit);
    }
}
