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

    /**
     * Waits for a turn at {@code uri}'s host for a request this fetcher does not make itself, such as
     * a browser navigation, under the same per-host concurrency limit, minimum interval and
     * robots.txt as {@link #fetch}. Hold the permit while the page loads, then close it.
     *
     * <p>The default grants every request at once; the host's fetcher overrides it.
     *
     * @throws FetchException when robots.txt disallows {@code uri} (and {@code respectRobots}), or
     *     the host asked to be left alone for longer than the fetcher waits
     */
    default Permit permit(URI uri, boolean respectRobots) {
        return () -> {};
    }

    /** A turn at one host, from {@link #permit}; closing it lets the next request to that host go. */
    @FunctionalInterface
    interface Permit extends AutoCloseable {
        /** Releases the turn; safe to call more than once. */
        @Override
        void close();
    }
}
