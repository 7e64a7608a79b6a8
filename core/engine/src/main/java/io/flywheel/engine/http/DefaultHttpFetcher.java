package io.flywheel.engine.http;

import io.flywheel.api.Scheduler;
import io.flywheel.api.http.FetchException;
import io.flywheel.api.http.HttpFetcher;
import io.flywheel.api.http.HttpRequest;
import io.flywheel.api.http.HttpResult;
import io.flywheel.api.http.Urls;
import io.flywheel.engine.config.Settings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's HTTP client, shared by every source so politeness holds across plugins:
 * <ul>
 *   <li>per host ({@link HostGate}): a concurrency limit and a minimum interval between request
 *       starts, raised by a robots.txt {@code Crawl-delay}; a {@code Retry-After} holds every
 *       request to that host;
 *   <li>robots.txt ({@link RobotsPolicy}) unless the request opts out;
 *   <li>conditional GET from remembered {@code ETag}/{@code Last-Modified}: an unchanged page costs
 *       one 304. Validators are remembered per caller ({@link #forCaller}, one per configured
 *       instance) so one source never gets a 304 for a page only another one saw, and a caller whose
 *       run failed {@linkplain Caller#forgetValidators forgets} them so the next run gets the page again;
 *   <li>a timeout per attempt (headers and body), a size cap (also after gzip), redirects followed
 *       by hand so each hop is polite, loops and downgrades refused;
 *   <li>retries with exponential backoff and jitter on 5xx, 429 and network errors, honouring
 *       {@code Retry-After} in seconds or as an HTTP date.
 * </ul>
 * All waiting goes through the injected scheduler and clock; only I/O timeouts are real time.
 * {@code file:} URIs read local files (demo sources).
 */
public final class DefaultHttpFetcher implements HttpFetcher {
    private static final Logger log = LoggerFactory.getLogger(DefaultHttpFetcher.class);
    static final Duration BASE_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(2);
    private static final int MAX_VALIDATORS = 10_000;
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"), Map.entry(406, "Not Acceptable"), Map.entry(408, "Request Timeout"), Map.entry(410, "Gone"),
            Map.entry(429, "Too Many Requests"), Map.entry(451, "Unavailable For Legal Reasons"), Map.entry(500, "Internal Server Error"),
            Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"), Map.entry(504, "Gateway Timeout"));

    private final HttpClient client;
    private final Settings.Http settings;
    private final Clock clock;
    private final Scheduler scheduler;
    private final RandomGenerator random;
    private final HostGate gate;
    private final RobotsPolicy robots;
    private final Map<ValidatorKey, Validators> validators = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ValidatorKey, Validators> eldest) {
            return size() > MAX_VALIDATORS;
        }
    });

    private record Validators(String etag, String lastModified) {}

    private record ValidatorKey(String caller, URI uri) {}

    /** Callers of {@link #fetch} on the fetcher itself share one set of validators under this name. */
    private static final String SHARED = "";

    public DefaultHttpFetcher(Settings.Http settings, Clock clock, Scheduler scheduler, RandomGenerator random) {
        this.settings = settings;
        this.clock = clock;
        this.scheduler = scheduler;
        this.random = random;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout())
                .build();
        this.gate = new HostGate(settings, clock, scheduler);
        this.robots = new RobotsPolicy(clock, gate, settings.userAgent(), this::loadRobots);
    }

    @Override
    public HttpResult fetch(HttpRequest request) {
        return fetch(SHARED, request);
    }

    /**
     * This fetcher as seen by one caller (a configured instance, e.g. {@code source/jobs-board}):
     * same politeness, its own conditional-GET validators.
     */
    public Caller forCaller(String caller) {
        if (caller == null || caller.isBlank()) {
            throw new IllegalArgumentException("caller must name the instance, was '" + caller + "'");
        }
        return new Caller(caller);
    }

    /** The fetcher for one caller; see {@link #forCaller}. */
    public final class Caller implements HttpFetcher {
        private final String caller;

        private Caller(String caller) {
            this.caller = caller;
        }

        @Override
        public HttpResult fetch(HttpRequest request) {
            return DefaultHttpFetcher.this.fetch(caller, request);
        }

        @Override
        public Permit permit(URI uri, boolean respectRobots) {
            return DefaultHttpFetcher.this.permit(uri, respectRobots);
        }

        /**
         * Drops every validator this caller's responses left, so its next conditional GET fetches the
         * whole page: call it when a run fails after a 200 it could not use (validators are saved when
         * the response arrives).
         */
        public void forgetValidators() {
            synchronized (validators) {
                validators.keySet().removeIf(k -> k.caller().equals(caller));
            }
        }
    }

    private HttpResult fetch(String caller, HttpRequest request) {
        URI uri = request.uri();
        String scheme = scheme(uri);
        if (scheme.equals("file")) {
            return readFile(uri);
        }
        URI current = uri;
        List<URI> chain = new ArrayList<>(List.of(current));
        while (true) {
            // like browsers and curl: the caller's headers (Authorization, API keys) go to the origin it asked, not wherever it redirects
            HttpResult result = fetchOne(caller, current, sameOrigin(uri, current) ? request : request.withHeaders(Map.of()));
            if (!isRedirect(result.status())) {
                return result;
            }
            String location = result.header("location").orElse(null);
            if (location == null || location.isBlank()) {
                throw new FetchException(uri, result.status(), "HTTP " + result.status() + " redirect without a Location header" + via(chain));
            }
            URI next;
            try {
                next = resolveLocation(current, location);
            } catch (IllegalArgumentException e) {
                throw new FetchException(uri, result.status(), "redirect to an invalid URL '" + location + "'" + via(chain));
            }
            if (chain.contains(next)) {
                throw new FetchException(uri, result.status(), "redirect loop: " + path(chain) + " -> " + next);
            }
            if (chain.size() > settings.maxRedirects()) {
                throw new FetchException(uri, result.status(), "more than " + settings.maxRedirects() + " redirects (http.max-redirects): " + path(chain));
            }
            String nextScheme = scheme(next);
            if (!nextScheme.equals("http") && !nextScheme.equals("https")) {
                throw new FetchException(uri, result.status(), "redirect to unsupported URL scheme '" + nextScheme + "': " + next);
            }
            if (scheme(current).equals("https") && nextScheme.equals("http")) {
                throw new FetchException(uri, result.status(), "refused to follow a redirect from https to plain http: " + next);
            }
            chain.add(next);
            current = next;
        }
    }

    @Override
    public Permit permit(URI uri, boolean respectRobots) {
        String scheme = scheme(uri);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return () -> {};
        }
        if (respectRobots) {
            robots.check(uri);
        }
        try {
            return gate.acquire(uri);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException(uri, "interrupted while waiting for the host's turn", e);
        }
    }

    /** One URL without following redirects: robots.txt, then attempts with retries. */
    private HttpResult fetchOne(String caller, URI uri, HttpRequest request) {
        String scheme = scheme(uri);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchException(uri, -1, "unsupported URL scheme '" + scheme + "'");
        }
        if (request.respectRobots()) {
            robots.check(uri);
        }
        int attempt = 0;
        while (true) {
            HttpResult result;
            try (Permit ignored = gate.acquire(uri)) {
                result = attempt(caller, uri, request);
            } catch (IOException e) {
                if (attempt >= settings.retries()) {
                    throw new FetchException(uri, describe(e) + (attempt > 0 ? " (" + (attempt + 1) + " attempts)" : ""), e);
                }
                Duration wait = backoff(attempt);
                log.debug("{}: {}, retrying in {} ms", uri, describe(e), wait.toMillis());
                sleep(uri, wait);
                attempt++;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FetchException(uri, "interrupted", e);
            }
            int status = result.status();
            if (status == 429 || status >= 500) {
                Optional<Duration> retryAfter = status == 429 || status == 503 ? retryAfter(result, clock.instant()) : Optional.empty();
                // the host is held even when no attempt is left, so the rest of the run leaves it alone
                Instant until = retryAfter.map(clock.instant()::plus).orElse(null);
                if (until != null) {
                    gate.blockUntil(uri, until, "HTTP " + status + " with Retry-After " + retryAfter.get().toSeconds() + "s");
                    if (retryAfter.get().compareTo(settings.maxWait()) > 0) {
                        throw new FetchException(uri, status, "HTTP " + status + reason(status) + " with Retry-After " + retryAfter.get().toSeconds()
                                + "s, longer than http.max-wait " + settings.maxWait().toSeconds() + "s allows; the host is left alone until " + until);
                    }
                }
                if (attempt >= settings.retries()) {
                    throw new FetchException(uri, status, "HTTP " + status + reason(status) + (attempt > 0 ? " after " + (attempt + 1) + " attempts" : "")
                            + (until != null ? " (Retry-After " + retryAfter.get().toSeconds() + "s; the host is left alone until " + until + ")" : ""));
                }
                if (retryAfter.isPresent()) {
                    log.debug("{}: HTTP {}, Retry-After {}s", uri, status, retryAfter.get().toSeconds());
                } else {
                    Duration wait = backoff(attempt);
                    log.debug("{}: HTTP {}, retrying in {} ms", uri, status, wait.toMillis());
                    sleep(uri, wait);
                }
                attempt++;
                continue;
            }
            if (status >= 400) {
                throw new FetchException(uri, status, "HTTP " + status + reason(status));
            }
            return result;
        }
    }

    private HttpResult attempt(String caller, URI uri, HttpRequest request) throws IOException, InterruptedException {
        Duration timeout = request.timeout() == null ? settings.timeout() : request.timeout();
        java.net.http.HttpRequest.Builder builder;
        try {
            builder = java.net.http.HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("User-Agent", settings.userAgent())
                    .header("Accept-Encoding", "gzip")
                    .GET();
            request.headers().forEach(builder::header);
        } catch (IllegalArgumentException e) {
            throw new FetchException(uri, -1, "invalid request: " + e.getMessage());
        }
        Validators v = request.conditional() ? validators.get(new ValidatorKey(caller, uri)) : null;
        if (v != null) {
            if (v.etag() != null) builder.header("If-None-Match", v.etag());
            if (v.lastModified() != null) builder.header("If-Modified-Since", v.lastModified());
        }
        CompletableFuture<HttpResponse<byte[]>> pending = client.sendAsync(builder.build(), CappedBody.handler(settings.maxBytes()));
        HttpResponse<byte[]> response;
        try {
            response = pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new HttpTimeoutException("no complete response within " + timeout.toMillis() + " ms (http.timeout)");
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CappedBody.TooLarge tooLarge) {
                throw new FetchException(uri, -1, tooLarge.getMessage());
            }
            if (cause instanceof HttpTimeoutException) {
                // the client's own timer (headers) or ours (body): one message either way
                throw new HttpTimeoutException("no complete response within " + timeout.toMillis() + " ms (http.timeout)");
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause);
        }
        Map<String, List<String>> headers = new TreeMap<>();
        response.headers().map().forEach((k, vals) -> headers.put(k.toLowerCase(Locale.ROOT), vals));
        byte[] body = response.body() == null ? new byte[0] : response.body();
        List<String> encoding = headers.get("content-encoding");
        if (encoding != null && !encoding.isEmpty() && encoding.getFirst().strip().equalsIgnoreCase("gzip") && body.length > 0) {
            body = gunzip(uri, body);
        }
        HttpResult result = new HttpResult(uri, response.statusCode(), headers, body, charset(headers), clock.instant());
        if (response.statusCode() == 200) {
            String etag = result.header("etag").orElse(null);
            String lastModified = result.header("last-modified").orElse(null);
            if (etag != null || lastModified != null) {
                validators.put(new ValidatorKey(caller, uri), new Validators(etag, lastModified));
            }
        }
        return result;
    }

    private byte[] gunzip(URI uri, byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            byte[] out = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBytes() + 1));
            if (out.length > settings.maxBytes()) {
                throw new FetchException(uri, -1, "response larger than the " + settings.maxBytes() + "-byte cap (http.max-bytes) once decompressed");
            }
            return out;
        } catch (java.util.zip.ZipException e) {
            throw new FetchException(uri, -1, "response says gzip but is not: " + e.getMessage());
        }
    }

    /** Fetches a robots.txt: one attempt per hop, redirects followed (at most 5), each hop polite. */
    private RobotsPolicy.Loaded loadRobots(URI robotsTxt) {
        URI current = robotsTxt;
        for (int hop = 0; hop <= 5; hop++) {
            HttpResult r;
            try (Permit ignored = gate.acquire(current)) {
                r = attempt(SHARED, current, new HttpRequest(current, Map.of(), null, false, false));
            } catch (IOException e) {
                // only the first hop is the origin: a hop to another host that fails says nothing of the origin
                return new RobotsPolicy.Loaded(-1, "", describe(e), hop == 0);
            } catch (FetchException e) {
                return new RobotsPolicy.Loaded(e.status(), "", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FetchException(robotsTxt, "interrupted", e);
            }
            if (isRedirect(r.status()) && r.header("location").isPresent()) {
                try {
                    current = resolveLocation(current, r.header("location").get());
                } catch (IllegalArgumentException e) {
                    // RFC 9309: a robots.txt that cannot be reached is treated like a 4xx, allow all
                    log.debug("{}: redirect to an invalid URL '{}', treating robots.txt as unavailable", current, r.header("location").get());
                    return new RobotsPolicy.Loaded(404, "", "redirect to an invalid URL '" + r.header("location").get() + "'");
                }
                continue;
            }
            Charset cs = r.charset() == null ? StandardCharsets.UTF_8 : r.charset();
            return new RobotsPolicy.Loaded(r.status(), new String(r.body(), cs), null);
        }
        return new RobotsPolicy.Loaded(404, "", null);   // RFC 9309: more than 5 redirects, treat as unavailable
    }

    /** A redirect's {@code Location} against {@code base}, escaped as browsers do; throws IllegalArgumentException when still no URL. */
    private static URI resolveLocation(URI base, String location) {
        return base.resolve(Urls.escapeIllegal(location.strip()));
    }

    private void sleep(URI uri, Duration wait) {
        try {
            scheduler.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException(uri, "interrupted", e);
        }
    }

    Duration backoff(int attempt) {
        long base = BASE_BACKOFF.toMillis() << Math.min(attempt, 16);
        long capped = Math.min(base, MAX_BACKOFF.toMillis());
        return Duration.ofMillis(capped / 2 + random.nextLong(capped / 2 + 1));
    }

    /** {@code Retry-After} as delta-seconds or an HTTP date, relative to {@code now}. */
    static Optional<Duration> retryAfter(HttpResult result, Instant now) {
        return result.header("retry-after").flatMap(v -> {
            String s = v.strip();
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(s))));
            } catch (NumberFormatException e) {
                try {
                    Instant at = ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
                } catch (DateTimeParseException e2) {
                    return Optional.empty();
                }
            }
        });
    }

    private HttpResult readFile(URI uri) {
        Path path;
        try {
            path = Path.of(uri);
        } catch (IllegalArgumentException e) {
            throw new FetchException(uri, -1, "not a local file URL: " + e.getMessage());
        }
        try {
            long size = Files.size(path);
            if (size > settings.maxBytes()) {
                throw new FetchException(uri, -1, "file larger than the " + settings.maxBytes() + "-byte cap (http.max-bytes)");
            }
            return new HttpResult(uri, 200, Map.of(), Files.readAllBytes(path), null, clock.instant());
        } catch (NoSuchFileException e) {
            throw new FetchException(uri, 404, "no such file " + path);
        } catch (IOException e) {
            throw new FetchException(uri, "cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    static Charset charset(Map<String, List<String>> headers) {
        List<String> types = headers.get("content-type");
        if (types == null || types.isEmpty()) {
            return null;
        }
        for (String part : types.getFirst().split(";")) {
            String p = part.strip();
            if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                String name = p.substring(8).replace("\"", "").replace("'", "").strip();
                try {
                    return Charset.forName(name);
                } catch (RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Same scheme, host and port (the default one when absent), as an origin is compared for credentials. */
    static boolean sameOrigin(URI a, URI b) {
        return scheme(a).equals(scheme(b))
                && a.getHost() != null && b.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : scheme(uri).equals("https") ? 443 : scheme(uri).equals("http") ? 80 : -1;
    }

    private static String scheme(URI uri) {
        return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    }

    private static String reason(int status) {
        String r = REASONS.get(status);
        return r == null ? "" : " " + r;
    }

    private static String describe(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return e.getMessage() == null ? "timed out" : e.getMessage().startsWith("no complete") ? e.getMessage() : "timed out: " + e.getMessage();
        }
        if (e instanceof ConnectException) {
            Throwable c = e.getCause();
            if (c instanceof java.nio.channels.UnresolvedAddressException) {
                return "network error: unknown host";
            }
            return "network error: cannot connect" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
        }
        return "network error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private static String via(List<URI> chain) {
        return chain.size() > 1 ? " (via " + path(chain) + ")" : "";
    }

    private static String path(List<URI> chain) {
        return String.join(" -> ", chain.stream().map(URI::toString).toList());
    }
}
