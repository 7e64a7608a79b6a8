package io.flywheel.engine.http;

import io.flywheel.api.Scheduler;
import io.flywheel.api.http.FetchException;
import io.flywheel.api.http.HttpFetcher;
import io.flywheel.api.http.HttpRequest;
import io.flywheel.api.http.HttpResult;
import io.flywheel.engine.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's HTTP client: a size cap, a timeout per attempt, retries with exponential backoff and
 * jitter on 5xx, 429 and network errors (waiting through the injected scheduler), conditional GET
 * from remembered validators, and {@code file:} URIs for local demo sources.
 */
public final class DefaultHttpFetcher implements HttpFetcher {
    private static final Logger log = LoggerFactory.getLogger(DefaultHttpFetcher.class);
    private static final Duration BASE_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(2);

    private final HttpClient client;
    private final Settings.Http settings;
    private final Clock clock;
    private final Scheduler scheduler;
    private final RandomGenerator random;
    private final Map<URI, Validators> validators = new ConcurrentHashMap<>();

    private record Validators(String etag, String lastModified) {}

    public DefaultHttpFetcher(Settings.Http settings, Clock clock, Scheduler scheduler, RandomGenerator random) {
        this.settings = settings;
        this.clock = clock;
        this.scheduler = scheduler;
        this.random = random;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(settings.timeout())
                .build();
    }

    @Override
    public HttpResult fetch(HttpRequest request) {
        URI uri = request.uri();
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("file")) {
            return readFile(uri);
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchException(uri, -1, "unsupported URL scheme '" + scheme + "'");
        }
        int attempt = 0;
        while (true) {
            try {
                HttpResult result = attempt(request);
                if (result.status() == 429 || result.status() >= 500) {
                    if (attempt >= settings.retries()) {
                        throw new FetchException(uri, result.status(), "HTTP " + result.status() + " after " + (attempt + 1) + " attempts");
                    }
                    Duration wait = retryAfter(result).orElse(backoff(attempt));
                    log.debug("{}: HTTP {}, retrying in {}", uri, result.status(), wait);
                    scheduler.sleep(wait);
                    attempt++;
                    continue;
                }
                if (result.status() >= 400) {
                    throw new FetchException(uri, result.status(), "HTTP " + result.status());
                }
                return result;
            } catch (IOException e) {
                if (attempt >= settings.retries()) {
                    throw new FetchException(uri, "network error after " + (attempt + 1) + " attempts: " + e, e);
                }
                try {
                    scheduler.sleep(backoff(attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new FetchException(uri, "interrupted", ie);
                }
                attempt++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FetchException(uri, "interrupted", e);
            }
        }
    }

    private HttpResult attempt(HttpRequest request) throws IOException, InterruptedException {
        URI uri = request.uri();
        var builder = java.net.http.HttpRequest.newBuilder(uri)
                .timeout(request.timeout() == null ? settings.timeout() : request.timeout())
                .header("User-Agent", settings.userAgent())
                .header("Accept-Encoding", "identity")
                .GET();
        request.headers().forEach(builder::header);
        Validators v = request.conditional() ? validators.get(uri) : null;
        if (v != null) {
            if (v.etag() != null) builder.header("If-None-Match", v.etag());
            if (v.lastModified() != null) builder.header("If-Modified-Since", v.lastModified());
        }
        HttpResponse<InputStream> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBytes() + 1));
        }
        if (body.length > settings.maxBytes()) {
            throw new FetchException(uri, response.statusCode(), "response larger than the " + settings.maxBytes() + "-byte cap (http.max-bytes)");
        }
        Map<String, List<String>> headers = new TreeMap<>();
        response.headers().map().forEach((k, vals) -> headers.put(k.toLowerCase(Locale.ROOT), vals));
        HttpResult result = new HttpResult(response.uri(), response.statusCode(), headers, body, charset(headers), clock.instant());
        if (response.statusCode() == 200) {
            String etag = result.header("etag").orElse(null);
            String lastModified = result.header("last-modified").orElse(null);
            if (etag != null || lastModified != null) {
                validators.put(uri, new Validators(etag, lastModified));
            }
        }
        return result;
    }

    private Duration backoff(int attempt) {
        long base = BASE_BACKOFF.toMillis() << Math.min(attempt, 16);
        long capped = Math.min(base, MAX_BACKOFF.toMillis());
        return Duration.ofMillis(capped / 2 + random.nextLong(capped / 2 + 1));
    }

    private static java.util.Optional<Duration> retryAfter(HttpResult result) {
        return result.header("retry-after").flatMap(v -> {
            try {
                return java.util.Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.strip()))));
            } catch (NumberFormatException e) {
                return java.util.Optional.empty();
            }
        });
    }

    private HttpResult readFile(URI uri) {
        Path path = Path.of(uri);
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
                String name = p.substring(8).replace("\"", "").strip();
                try {
                    return Charset.forName(name);
                } catch (RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
