package io.flywheel.engine.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The host's own config sections. */
public final class Settings {
    private Settings() {}

    /**
     * @param path the MapDB file (default {@code data/flywheel.db} beside config.yml)
     * @param retention how long lead bodies are kept after the lead was found (0: for ever); dedup keys are kept for ever
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
     * The shared HTTP fetcher: politeness per host, resilience per request.
     *
     * @param userAgent sent with every request; its first word is the robots.txt product token
     * @param timeout one attempt's limit, headers and body
     * @param maxBytes responses larger than this are refused
     * @param retries attempts after the first on 5xx, 429 and network errors
     * @param hostConcurrency requests in flight to one host at once (default 1)
     * @param hostInterval the least time between the starts of two requests to one host (default 1s);
     *     a robots.txt {@code Crawl-delay} raises it for that host
     * @param maxWait the longest a request waits for its host's turn (a long {@code Retry-After},
     *     a queue of requests) before it fails instead (default 5m)
     * @param maxRedirects redirects followed per request (default 10); a loop fails at once
     * @param hosts per-host overrides of concurrency and interval, by host name; a name also
     *     covers its subdomains
     */
    public record Http(String userAgent, Duration timeout, Long maxBytes, Integer retries, Integer hostConcurrency, Duration hostInterval,
            Duration maxWait, Integer maxRedirects, java.util.Map<String, Host> hosts) {
        public Http {
            userAgent = userAgent == null ? "Flywheel/0.1 (+https://github.com/flywheel-bot/flywheel)" : userAgent;
            timeout = timeout == null ? Duration.ofSeconds(20) : timeout;
            maxBytes = maxBytes == null ? 10L * 1024 * 1024 : maxBytes;
            retries = retries == null ? 3 : retries;
            hostConcurrency = hostConcurrency == null ? 1 : hostConcurrency;
            hostInterval = hostInterval == null ? Duration.ofSeconds(1) : hostInterval;
            maxWait = maxWait == null ? Duration.ofMinutes(5) : maxWait;
            maxRedirects = maxRedirects == null ? 10 : maxRedirects;
            hosts = hostsByName(hosts);
            if (maxBytes <= 0) throw new IllegalArgumentException("max-bytes: must be positive");
            if (retries < 0) throw new IllegalArgumentException("retries: must be 0 or more");
            if (hostConcurrency < 1) throw new IllegalArgumentException("host-concurrency: must be at least 1, found " + hostConcurrency);
            if (hostInterval.isNegative()) throw new IllegalArgumentException("host-interval: must not be negative");
            if (maxRedirects < 0) throw new IllegalArgumentException("max-redirects: must be 0 or more");
            if (timeout.isZero() || timeout.isNegative()) throw new IllegalArgumentException("timeout: must be positive");
        }

        /**
         * Overrides keyed as {@link #limitsFor} looks them up, lower-case, without a trailing dot, an
         * IPv6 address in brackets; a key it could never find ({@code https://example.org},
         * {@code *.example.org}, {@code host:8080}) or a second spelling of one host is refused, as it
         * would otherwise be ignored without a word. Names with {@code _} (a compose service,
         * {@code my_api}) and IPv6 literals ({@code [::1]}) are hosts: overrides for them applied before.
         */
        private static java.util.Map<String, Host> hostsByName(java.util.Map<String, Host> hosts) {
            java.util.Map<String, Host> byName = new java.util.LinkedHashMap<>();
            java.util.Map<String, String> writtenAs = new java.util.HashMap<>();
            for (var e : (hosts == null ? java.util.Map.<String, Host>of() : hosts).entrySet()) {
                String name = hostName(e.getKey().strip());
                if (name.matches("[0-9a-f]*:[0-9a-f.:]*:[0-9a-f.:]*")) {
                    name = "[" + name + "]"; // an IPv6 address written bare: the URI's host has it in brackets
                }
                if (!name.matches("[\\p{L}\\p{N}_]([\\p{L}\\p{N}_.-]*[\\p{L}\\p{N}_])?|\\[[0-9a-f:.]+]")) {
                    throw new IllegalArgumentException("hosts: '" + e.getKey() + "' is not a host name; write it as example.org, without scheme,"
                            + " port or '*.' (a name covers its subdomains)");
                }
                String first = writtenAs.putIfAbsent(name, e.getKey());
                if (first != null) {
                    throw new IllegalArgumentException("hosts: '" + e.getKey() + "' is the same host as '" + first + "', as host names ignore case; keep one");
                }
                byName.put(name, e.getValue());
            }
            return java.util.Map.copyOf(byName);
        }

        /** {@code host} as overrides are keyed: lower-case, without the trailing dot of a fully qualified name ({@code example.org.}). */
        private static String hostName(String host) {
            String h = host.toLowerCase(java.util.Locale.ROOT);
            return h.length() > 1 && h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
        }

        /** Defaults for everything. */
        public static Http defaults() {
            return new Http(null, null, null, null, null, null, null, null, null);
        }

        /** The limits for {@code host}: the override for it or a parent domain, else the defaults. */
        public Host limitsFor(String host) {
            String h = hostName(host);
            while (true) {
                Host o = hosts.get(h);
                if (o != null) {
                    return new Host(o.concurrency() == null ? hostConcurrency : o.concurrency(), o.interval() == null ? hostInterval : o.interval());
                }
                int dot = h.indexOf('.');
                if (dot < 0) {
                    return new Host(hostConcurrency, hostInterval);
                }
                h = h.substring(dot + 1);
            }
        }
    }

    /** @param concurrency requests in flight at once; @param interval least time between request starts */
    public record Host(Integer concurrency, Duration interval) {
        public Host {
            if (concurrency != null && concurrency < 1) throw new IllegalArgumentException("concurrency: must be at least 1, found " + concurrency);
            if (interval != null && interval.isNegative()) throw new IllegalArgumentException("interval: must not be negative");
        }
    }

    /**
     * The {@code rules:} section: which JavaScript rules run and within what limits.
     *
     * @param leadScore {@code scoreBatch(batch)} (or the older {@code score(leads, weights)}); default {@code scripts/lead-score.js} beside
     *     config.yml, or the bundled default when that file does not exist
     * @param keywordWeights {@code updateKeywordWeights(stats, current)}; same defaulting
     * @param strategyWeights {@code updateStrategyWeights(performance, current)}; same defaulting
     * @param timeLimit CPU time per call (default 200ms; a call is also stopped after ten times this in wall time)
     * @param statementLimit JavaScript statements per call (default 10,000,000)
     * @param allocationLimitMb megabytes one call may allocate (default 256)
     * @param window one feedback window (default 1d)
     * @param windows how many windows the keyword rule sees and a new version is replayed on (default 14)
     * @param watch reload a script when its file changes (default true)
     * @param batchSize most leads per call of the lead rule (default 250)
     */
    public record Rules(Path leadScore, Path keywordWeights, Path strategyWeights, Duration timeLimit, Long statementLimit,
            Integer allocationLimitMb, Duration window, Integer windows, Boolean watch, Integer batchSize) {
        public Rules {
            timeLimit = timeLimit == null ? Duration.ofMillis(200) : timeLimit;
            statementLimit = statementLimit == null ? 10_000_000L : statementLimit;
            allocationLimitMb = allocationLimitMb == null ? 256 : allocationLimitMb;
            window = window == null ? Duration.ofDays(1) : window;
            windows = windows == null ? 14 : windows;
            watch = watch == null ? Boolean.TRUE : watch;
            batchSize = batchSize == null ? 250 : batchSize;
            if (timeLimit.toMillis() < 1 || timeLimit.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("time-limit: must be between 1ms and 1m, found " + Durations.format(timeLimit));
            }
            if (statementLimit < 1) throw new IllegalArgumentException("statement-limit: must be positive, found " + statementLimit);
            if (allocationLimitMb < 1) throw new IllegalArgumentException("allocation-limit-mb: must be positive, found " + allocationLimitMb);
            if (window.compareTo(Duration.ofMinutes(1)) < 0) throw new IllegalArgumentException("window: must be at least 1m, found " + Durations.format(window));
            if (windows < 1 || windows > 1000) throw new IllegalArgumentException("windows: must be between 1 and 1000, found " + windows);
            if (batchSize < 1 || batchSize > 100_000) throw new IllegalArgumentException("batch-size: must be between 1 and 100000, found " + batchSize);
        }

        public static Rules defaults() {
            return new Rules(null, null, null, null, null, null, null, null, null, null);
        }
    }

    /**
     * The {@code posting:} section: which of a source run's fresh leads are posted.
     *
     * @param maxPerRun post at most this many leads per source run, best score first; the rest are
     *     stored but not posted. Default: no limit (every fresh lead is posted)
     * @param explore with a limit, the chance that a post slot goes to a uniformly random remaining
     *     lead instead of the best-scored one (default 0.05), so the feedback log can later tell how a
     *     different rule would have done (off-policy evaluation needs every lead to have a chance)
     */
    public record Posting(Integer maxPerRun, Double explore) {
        public Posting {
            explore = explore == null ? 0.05 : explore;
            if (maxPerRun != null && maxPerRun < 1) throw new IllegalArgumentException("max-per-run: must be at least 1 (leave it out for no limit), found " + maxPerRun);
            if (!(explore >= 0 && explore <= 1)) throw new IllegalArgumentException("explore: must be between 0 and 1, found " + explore);
        }

        /** No limit: every fresh lead is posted, best first. */
        public static Posting unlimited() {
            return new Posting(null, null);
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

    /**
     * The paper trading desk shared by every configured strategy.
     *
     * @param capital starting cash of the paper book (and of each backtest)
     * @param feeBps commission in basis points of each order's value (10 = 0.1%)
     * @param slippageBps price moved against each order at the next open, in basis points
     * @param rebalance how often strategy returns are scored and capital is moved to the new weights
     * @param minWeight the least capital weight any strategy keeps, so its return stays measured
     * @param start when the live paper book starts trading (ISO date or instant); earlier bars only
     *     warm strategies up. Default: the first run that sees a bar
     * @param reports where {@code flywheel backtest} writes trades and charts (default {@code data/backtests})
     */
    public record Trading(Double capital, Double feeBps, Double slippageBps, Duration rebalance, Double minWeight, String start,
            Path reports) {
        public Trading {
            capital = capital == null ? 10_000.0 : capital;
            feeBps = feeBps == null ? 10.0 : feeBps;
            slippageBps = slippageBps == null ? 5.0 : slippageBps;
            rebalance = rebalance == null ? Duration.ofDays(1) : rebalance;
            minWeight = minWeight == null ? 0.02 : minWeight;
            if (!(capital > 0)) throw new IllegalArgumentException("capital: must be positive, found " + capital);
            if (!(feeBps >= 0)) throw new IllegalArgumentException("fee-bps: must not be negative, found " + feeBps);
            if (!(slippageBps >= 0 && slippageBps < 10_000)) throw new IllegalArgumentException("slippage-bps: must be 0 to 9999, found " + slippageBps);
            if (rebalance.compareTo(Duration.ofMinutes(1)) < 0) throw new IllegalArgumentException("rebalance: must be at least 1m");
            if (!(minWeight >= 0 && minWeight < 1)) throw new IllegalArgumentException("min-weight: must be 0 or more and below 1, found " + minWeight);
            if (start != null) {
                startInstant(start);
            }
        }

        /** {@link #start} as an instant, or {@code null}. */
        public java.time.Instant startInstant() {
            return start == null ? null : startInstant(start);
        }

        private static java.time.Instant startInstant(String text) {
            try {
                return text.length() == 10 ? java.time.LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant() : java.time.Instant.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("start: expected a date like 2025-01-01 or an instant like 2025-01-01T00:00:00Z, found '" + text + "'");
            }
        }
    }
    /**
     * The {@code learning:} section: when the keyword rule runs inside {@code flywheel run} and
     * the guardrails every update (keyword or strategy) passes. Minimum exploration is not here:
     * it is {@code posting.explore}.
     *
     * @param every how often the keyword rule runs (default 6h)
     * @param maxChange the largest move of one weight per update, as a fraction of the mean weight
     *     (default 0.25); larger moves are clamped and the clamp recorded
     * @param minFeedback the least feedback (posts, engagements and rejections on configured
     *     keywords in the rule's windows; for strategies, per-strategy period returns) before a
     *     rule may change anything (default 20)
     * @param freeze no update applies at all (default false); {@code true} here wins over
     *     {@code /rules unfreeze}
     * @param shadow a candidate keyword rule run beside the live one at every update; its weights
     *     are stored, never applied, until {@code flywheel rules promote}
     */
    public record Learning(Duration every, Double maxChange, Integer minFeedback, Boolean freeze, Path shadow) {
        public Learning {
            every = every == null ? Duration.ofHours(6) : every;
            maxChange = maxChange == null ? 0.25 : maxChange;
            minFeedback = minFeedback == null ? 20 : minFeedback;
            freeze = freeze == null ? Boolean.FALSE : freeze;
            if (every.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("every: must be at least 1m, found " + Durations.format(every));
            }
            if (!(maxChange > 0 && maxChange <= 10)) {
                throw new IllegalArgumentException("max-change: must be above 0 and at most 10 (a fraction of the mean weight), found " + maxChange);
            }
            if (minFeedback < 0) throw new IllegalArgumentException("min-feedback: must be 0 or more, found " + minFeedback);
        }

        public static Learning defaults() {
            return new Learning(null, null, null, null, null);
        }
    }
}
