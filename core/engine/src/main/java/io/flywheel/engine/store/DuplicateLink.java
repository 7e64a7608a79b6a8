package io.flywheel.engine.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A posting judged to be the same as a lead already stored (a cross-post), kept instead of a new
 * lead: its key is known from then on, so it is never stored or posted again.
 *
 * @param key the duplicate posting's own dedup key
 * @param originalKey the key of the lead it duplicates (the first one seen)
 * @param sourceId the source that found the duplicate
 * @param platform the duplicate's platform
 * @param title the duplicate's title as found
 * @param url the duplicate's canonical URL, or {@code null}
 * @param time when the duplicate was found
 * @param reason why it was judged a duplicate, for people (similarities and thresholds)
 */
public record DuplicateLink(String key, String originalKey, String sourceId, String platform, String title, String url, Instant time,
        String reason) {
    public DuplicateLink {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(originalKey, "originalKey");
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(reason, "reason");
        if (key.equals(originalKey)) {
            throw new IllegalArgumentException("a lead cannot duplicate itself: " + key);
        }
    }
}
