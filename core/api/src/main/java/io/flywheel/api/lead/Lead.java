package io.flywheel.api.lead;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A normalized, scored lead as the host stores it.
 *
 * @param key the dedup key: canonical URL, or {@code fp:} plus a fingerprint when there is no URL
 * @param sourceId the configured source that found it
 * @param platform the platform it was posted on
 * @param url canonical URL, or {@code null}
 * @param foundAt host clock time when it was first seen
 * @param keywords configured keywords the title or body matched, lower case
 * @param score the score the lead rule gave it when it was stored
 */
public record Lead(
        String key,
        String sourceId,
        String platform,
        String title,
        String url,
        String body,
        String company,
        String location,
        String compensation,
        Instant published,
        Instant foundAt,
        List<String> keywords,
        double score) {

    public Lead {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(foundAt, "foundAt");
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
    }

    /** When the posting was published, or when Flywheel found it if the source gave no date. */
    public Instant time() {
        return published != null ? published : foundAt;
    }

    public Lead withScore(double newScore) {
        return new Lead(key, sourceId, platform, title, url, body, company, location, compensation, published, foundAt, keywords, newScore);
    }
}
