package io.flywheel.engine.http;

import io.flywheel.api.Scheduler;
import io.flywheel.api.http.FetchException;
import io.flywheel.api.http.HttpFetcher;
import io.flywheel.engine.config.Settings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Politeness per host, shared by every source: at most {@code concurrency} requests in flight and
 * at least {@code interval} between the starts of two requests; with one request at a time (the
 * default) the interval also runs from the end of one response to the next start, so the server
 * sees the gap even when a request leaves late on a busy machine. A host that answered
 * {@code Retry-After} gets no request before that time. Waiting for a free slot blocks until the
 * request ahead finishes; waiting for the interval goes through the injected scheduler.
 */
final class HostGate {
    private final Clock clock;
    private final Scheduler scheduler;
    private final Settings.Http settings;
    private final Map<String, State> hosts = new ConcurrentHashMap<>();

    private static final class State {
        final Semaphore slots;
        final int concurrency;
        Duration interval;
        Instant nextStart = Instant.MIN;
        Instant blockedUntil;
        String blockedBecause;

        State(Settings.Host limits) {
            this.slots = new Semaphore(limits.concurrency(), true);
            this.concurrency = limits.concurrency();
            this.interval = limits.interval();
        }
    }

    HostGate(Settings.Http settings, Clock clock, Scheduler scheduler) {
        this.settings = settings;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    /**
     * The politeness key of a URI: its host, plus the port when it is not the scheme's default,
     * so {@code http://x} and {@code https://x} share one gate and two local servers do not.
     */
    static String key(URI uri) {
        String host = uri.getHost() == null ? String.valueOf(uri.getAuthority()) : uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || port == 80 && "http".equalsIgnoreCase(uri.getScheme()) || port == 443 && "https".equalsIgnoreCase(uri.getScheme());
        return defaultPort ? host : host + ":" + port;
    }

    private State state(URI uri) {
        return hosts.computeIfAbsent(key(uri), k -> new State(settings.limitsFor(host(uri))));
    }

    /**
     * The host whose limits apply to {@code uri}. A name with {@code _} (a compose service,
     * {@code http://my_api:8080/}) is no host to {@link URI}: it is taken from the authority,
     * without user and port, so {@code http.hosts: {my_api: ...}} applies to it on any port.
     */
    static String host(URI uri) {
        if (uri.getHost() != null) {
            return uri.getHost();
        }
        String a = String.valueOf(uri.getAuthority());
        a = a.substring(a.lastIndexOf('@') + 1);
        int colon = a.lastIndexOf(':');
        return colon > 0 && !a.endsWith("]") ? a.substring(0, colon) : a;
    }

    /** Waits for this host's turn; close the permit when the response has been read. */
    HttpFetcher.Permit acquire(URI uri) throws InterruptedException {
        State s = state(uri);
        s.slots.acquire();
        AtomicBoolean released = new AtomicBoolean();
        HttpFetcher.Permit permit = () -> {
            if (released.compareAndSet(false, true)) {
                if (s.concurrency == 1) {
                    synchronized (s) {
                        Instant after = clock.instant().plus(s.interval);
                        if (after.isAfter(s.nextStart)) {
                            s.nextStart = after;
                        }
                    }
                }
                s.slots.release();
            }
        };
        try {
            Duration wait;
            synchronized (s) {
                Instant now = clock.instant();
                Instant start = now.isAfter(s.nextStart) ? now : s.nextStart;
                if (s.blockedUntil != null && s.blockedUntil.isAfter(start)) {
                    start = s.blockedUntil;
                }
                wait = Duration.between(now, start);
                if (wait.compareTo(settings.maxWait()) > 0) {
                    String why = s.blockedUntil != null && !s.blockedUntil.isBefore(start) ? s.blockedBecause : "its queue of requests";
                    throw new FetchException(uri, -1, "host " + key(uri) + " cannot be asked before " + start + " (" + why
                            + "), later than http.max-wait " + settings.maxWait().toSeconds() + "s allows");
                }
                s.nextStart = start.plus(s.interval);
            }
            if (!wait.isZero()) {
                scheduler.sleep(wait);
            }
            return permit;
        } catch (RuntimeException | InterruptedException e) {
            permit.close();
            throw e;
        }
    }

    /** No request to {@code uri}'s host starts before {@code until} (a {@code Retry-After}). */
    void blockUntil(URI uri, Instant until, String because) {
        State s = state(uri);
        synchronized (s) {
            if (s.blockedUntil == null || until.isAfter(s.blockedUntil)) {
                s.blockedUntil = until;
                s.blockedBecause = because;
            }
        }
    }

    /** Raises the host's interval to at least {@code delay} (a robots.txt {@code Crawl-delay}). */
    void atLeast(URI uri, Duration delay) {
        State s = state(uri);
        synchronized (s) {
            if (delay.compareTo(s.interval) > 0) {
                s.interval = delay;
            }
        }
    }

    /** The interval now in force for {@code uri}'s host. */
    Duration interval(URI uri) {
        State s = state(uri);
        synchronized (s) {
            return s.interval;
        }
    }
}
