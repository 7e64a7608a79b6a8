package io.flywheel.plugins.listing;

import java.net.URI;
import java.util.List;
import java.util.stream.Stream;

/** Normalizing and checking the {@link SourceKeys} every source type shares: {@code url} or {@code urls}, {@code robots} and {@code limit}. */
public final class SourceUrls {
    private SourceUrls() {}

    /** {@code urls} as given, or empty. */
    private static List<URI> list(List<URI> urls) {
        return urls == null ? List.of() : List.copyOf(urls);
    }

    /** Throws unless {@code url} or {@code urls} names something to read. */
    private static void requireOne(URI url, List<URI> urls, String what) {
        if (url == null && (urls == null || urls.isEmpty())) {
            throw new IllegalArgumentException("set url (or urls) to " + what);
        }
    }

    /** {@code urls} as given, or empty; throws unless it or {@code url} names something to read, {@code what} saying what. */
    public static List<URI> urls(URI url, List<URI> urls, String what) {
        List<URI> list = list(urls);
        requireOne(url, list, what);
        return list;
    }

    /** Whether to obey robots.txt: yes unless {@code robots: false}. */
    public static Boolean robots(Boolean robots) {
        return robots == null || robots;
    }

    /** {@code url} first, then {@code urls}. */
    public static List<URI> all(URI url, List<URI> urls) {
        return url == null ? urls : Stream.concat(Stream.of(url), urls.stream()).toList();
    }

    /** The most postings per run: {@code limit}, or unlimited when absent. */
    public static int limit(Integer limit) {
        if (limit == null) {
            return Integer.MAX_VALUE;
        }
        if (limit <= 0) {
            throw new IllegalArgumentException("limit: must be positive, found " + limit);
        }
        return limit;
    }
}
