package io.flywheel.engine.config;

import java.nio.file.Path;
import java.time.Duration;

/** The host's own config sections. */
public final class Settings {
    private Settings() {}

    /**
     * @param path the MapDB file (default {@code data/flywheel.db} beside config.yml)
     * @param retention how long lead bodies are kept; dedup keys are kept for ever
     */
    public record Store(Path path, Duration retention) {
        public Store {
            retention = retention == null ? Duration.ofDays(180) : retention;
        }
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

    /**
     * Who may run admin commands ({@code /rules}, {@code /plugins}, {@code /sources run}): comma- or
     * space-separated Discord user ids and role ids, so they can come from one environment variable.
     */
    public record Commands(String adminUsers, String adminRoles) {
        public Commands {
            adminUsers = adminUsers == null ? "" : adminUsers;
            adminRoles = adminRoles == null ? "" : adminRoles;
            for (String id : (adminUsers + " " + adminRoles).split("[,\\s]+")) {
                if (!id.isBlank() && !id.strip().matches("\\d{1,20}")) {
                    throw new IllegalArgumentException("admin ids are Discord ids (digits), found '" + id.strip() + "'");
                }
            }
        }
    }
}
