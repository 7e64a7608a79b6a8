package io.flywheel.engine.http;

import io.flywheel.api.http.FetchException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * robots.txt per origin, cached for 24 hours (RFC 9309). A missing robots.txt (4xx) allows
 * everything; one that cannot be read (5xx, network error) disallows everything for a few
 * minutes, as the RFC asks. A {@code Crawl-delay} raises the host's interval in the gate.
 */
final class RobotsPolicy {
    private static final Logger log = LoggerFactory.getLogger(RobotsPolicy.class);
    static final Duration TTL = Duration.ofHours(24);
    static final Duration ERROR_TTL = Duration.ofMinutes(5);
    static final int MAX_BYTES = 512 * 1024;

    /** Fetches {@code /robots.txt} once, following redirects; never consults robots itself. */
    @FunctionalInterface
    interface Loader {
        Loaded load(URI robotsTxt);
    }

    /**
     * @param status the HTTP status, or -1 when no usable response arrived ({@code error} says why)
     * @param hostDown the origin itself gave no answer (refused, timed out, unknown name): not a bad body, not a redirect hop's host
     */
    record Loaded(int status, String body, String error, boolean hostDown) {
        Loaded(int status, String body, String error) {
            this(status, body, error, false);
        }
    }

    /** @param hostDown the host gave no answer at all (refused, timed out, unknown name), not an HTTP error */
    private record Entry(RobotsTxt rules, Instant expires, String unreachable, boolean hostDown) {}

    private final Clock clock;
    private final HostGate gate;
    private final String productToken;
    private final Loader loader;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    RobotsPolicy(Clock clock, HostGate gate, String userAgent, Loader loader) {
        this.clock = clock;
        this.gate = gate;
        this.productToken = productToken(userAgent);
        this.loader = loader;
    }

    /** The robots.txt product token: the User-Agent's first word, without a version. */
    static String productToken(String userAgent) {
        String first = userAgent.strip().split("[\\s/;(]", 2)[0];
        return first.isEmpty() ? "*" : first.toLowerCase(Locale.ROOT);
    }

    /** Throws when {@code uri} may not be fetched. */
    void check(URI uri) {
        String origin = origin(uri);
        Entry e = entry(uri, origin);
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        if (!e.rules().allows(productToken, path) && e.hostDown()) {
            // the host itself is down: robots: false would not help, the page would fail the same way
            throw new FetchException(uri, -1, origin + " cannot be reached (" + e.unreachable() + "; tried its robots.txt first)");
        }
        if (!e.rules().allows(productToken, path)) {
            String why = e.unreachable() != null
                    ? origin + "/robots.txt could not be read (" + e.unreachable() + "), which RFC 9309 treats as disallow-all for now"
                    : origin + "/robots.txt disallows " + path + " for user-agent '" + productToken + "'";
            throw new FetchException(uri, -1, why + "; set robots: false on the source to ignore robots.txt");
        }
    }

    private Entry entry(URI uri, String origin) {
        Entry e = cache.get(origin);
        if (e != null && clock.instant().isBefore(e.expires())) {
            return e;
        }
        synchronized (locks.computeIfAbsent(origin, k -> new Object())) {
            e = cache.get(origin);
            if (e != null && clock.instant().isBefore(e.expires())) {
                return e;
            }
            e = load(URI.create(origin + "/robots.txt"));
            cache.put(origin, e);
            e.rules().crawlDelay(productToken).ifPresent(d -> {
                log.debug("{} asks for a crawl delay of {}", origin, d);
                gate.atLeast(uri, d);
            });
            return e;
        }
    }

    private Entry load(URI robots) {
        Loaded r = loader.load(robots);
        Instant now = clock.instant();
        if (r.status() >= 200 && r.status() < 300) {
            String body = r.body().length() > MAX_BYTES ? r.body().substring(0, MAX_BYTES) : r.body();
            return new Entry(RobotsTxt.parse(body), now.plus(TTL), null, false);
        }
        if (r.status() >= 400 && r.status() < 500) {
            return new Entry(RobotsTxt.allowAll(), now.plus(TTL), null, false);
        }
        String why = r.status() < 0 ? r.error() : "HTTP " + r.status();
        log.warn("{}: {}; treating the host as disallowed for {} minutes", robots, why, ERROR_TTL.toMinutes());
        return new Entry(RobotsTxt.disallowAll(), now.plus(ERROR_TTL), why, r.hostDown());
    }

    static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? uri.getAuthority() : uri.getHost().toLowerCase(Locale.ROOT);
        if (host != null && host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return scheme + "://" + host + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }
}
