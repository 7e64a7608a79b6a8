package io.flywheel.engine.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The host's own config sections. */
public final class Settings {
    private Settings() {}

    /**
     * @param path the MapDB file (default {@code data/flywheel.db} beside config.yml)
     * @param retention how long lead bodies are kept (0: for ever); dedup keys are kept for ever
     * @param trackingParams URL query parameters to drop when deriving dedup keys, on top of
     *     {@code utm_*} and the usual click ids
     * @param nearDuplicates how far back a cross-post is looked for (0: off)
     * @param fsync {@code interval}: a change survives a killed process at once and a power cut after
     *     the next checkpoint; {@code batch}: every change is forced to disk before it returns
     * @param checkpoint the longest time between commits of the MapDB file
     */
    public record Store(Path path, Duration retention, List<String> trackingParams, Duration nearDuplicates, Fsync fsync, Duration checkpoint) {
        public Store {
            retention = retention == null ? Duration.ofDays(180) : retention;
            trackingParams = trackingParams == null ? List.of() : List.copyOf(trackingParams);
            nearDuplicates = nearDuplicates == null ? Duration.ofDays(14) : nearDuplicates;
            fsync = fsync == null ? Fsync.INTERVAL : fsync;
            checkpoint = checkpoint == null ? Duration.ofSeconds(1) : checkpoint;
            if (retention.isNegative()) throw new IllegalArgumentException("retention: must not be negative, found " + retention);
            if (nearDuplicates.isNegative()) throw new IllegalArgumentException("near-duplicates: must not be negative, found " + nearDuplicates);
            if (checkpoint.isNegative() || checkpoint.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("checkpoint: must be between 0s and 1h, found " + checkpoint);
            }
            for (String p : trackingParams) {
                if (p.isBlank() || p.contains("=") || p.contains("&")) {
                    throw new IllegalArgumentException("tracking-params: '" + p + "' is not a query parameter name");
                }
            }
        }

        public Store(Path path, Duration retention) {
            this(path, retention, null, null, null, null);
        }

        public Store withPath(Path p) {
            return new Store(p, retention, trackingParams, nearDuplicates, fsync, checkpoint);
        }

        /** When store changes are forced to disk. */
        public enum Fsync { BATCH, INTERVAL }
    }

    /** @param dir the folder plugin jars are loaded from (default {@code plugins/} beside config.yml) */
    public record Plugins(Path dir) {}

    /**
     * @param userAgent sent with every request
     * @param timeout one attempt's limit
     * @param maxBytes responses larger than this are refused
     * @param retries attempts after the first on 5xx, 429 and network errors
     */
    public record Http(String userAgent, Duration timeout, Long maxBytes, Integer retries) {
        public Http {
            userAgent = userAgent == null ? "Flywheel/0.1 (+https://github.com/flywheel-bot/flywheel)" : userAgent;
            timeout = timeout == null ? Duration.ofSeconds(20) : timeout;
            maxBytes = maxBytes == null ? 10L * 1024 * 1024 : maxBytes;
            retries = retries == null ? 3 : retries;
            if (maxBytes <= 0) throw new IllegalArgumentException("max-bytes: must be positive");
            if (retries < 0) throw new IllegalArgumentException("retries: must be 0 or more");
        }
    }
}
