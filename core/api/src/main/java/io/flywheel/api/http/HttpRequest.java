package io.flywheel.api.http;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One request for {@link HttpFetcher}.
 *
 * @param uri absolute {@code http}, {@code https} or {@code file} URI
 * @param headers extra request headers (the host sets User-Agent and conditional headers)
 * @param timeout total time allowed for one attempt; {@code null} uses the host default
 * @param conditional send {@code If-None-Match}/{@code If-Modified-Since} from the last response
 * @param respectRobots obey robots.txt for this request (operators may switch it off per source)
 */
public record HttpRequest(URI uri, Map<String, String> headers, Duration timeout, boolean conditional, boolean respectRobots) {

    public HttpRequest {
        Objects.requireNonNull(uri, "uri");
        if (!uri.isAbsolute()) {
            throw new IllegalArgumentException("uri must be absolute: " + uri);
        }
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static HttpRequest get(URI uri) {
        return new HttpRequest(uri, Map.of(), null, true, true);
    }

    public HttpRequest withHeaders(Map<String, String> extra) {
        return new HttpRequest(uri, extra, timeout, conditional, respectRobots);
    }

    public HttpRequest withRobots(boolean respect) {
        return new HttpRequest(uri, headers, timeout, conditional, respect);
    }

    public HttpRequest withConditional(boolean useConditional) {
        return new HttpRequest(uri, headers, timeout, useConditional, respectRobots);
    }
}
