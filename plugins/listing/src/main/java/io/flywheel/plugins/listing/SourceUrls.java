package io.flywheel.plugins.listing;

import java.net.URI;
import java.util.List;
import java.util.stream.Stream;

/** The config keys every source type shares: {@code url} or {@code urls}, and {@code limit}. */
public final class SourceUrls {
    private SourceUrls() {}

    /** {@code urls} as given, or empty. */
    public static List<URI> list(List<URI> urls) {
        return urls == null ? List.of() : List.copyOf(urls);
    }

    /** Throws unless {@code url} or {@code urls} names something to read. */
    public static void requireOne(URI url, List<URI> urls, String what) {
        if (url == null && (urls == null || urls.isEmpty())) {
            throw new IllegalArgumentException("set url (or urls) to " + what);
        }
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
