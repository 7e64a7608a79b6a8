package io.flywheel.api.http;

import java.net.URI;

/**
 * The host's HTTP client, shared by every source so politeness holds across plugins: per-host
 * concurrency and minimum interval, robots.txt, conditional GET, timeouts, retries with backoff.
 * Calls block; run them on a virtual thread. {@code file:} URIs read local files (demo sources).
 */
public interface HttpFetcher {

    /**
     * Fetches {@code request}. Returns the final response, including {@code 304 Not Modified} when
     * a conditional GET found nothing new.
     *
     * @throws FetchException when the resource cannot be fetched after the allowed retries; the
     *     message names the URL and the reason
     */
    HttpResult fetch(HttpRequest request);

    default HttpResult get(URI uri) {
        return fetch(HttpRequest.get(uri));
    }
}
