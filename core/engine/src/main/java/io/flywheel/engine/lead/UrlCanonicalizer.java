package io.flywheel.engine.lead;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the many spellings of one posting's URL into one: lower-case scheme and host,
 * {@code http} to {@code https}, default port, fragment and tracking parameters removed, remaining
 * query parameters sorted, trailing slash dropped.
 */
public final class UrlCanonicalizer {
    static final Set<String> DEFAULT_TRACKING = Set.of("fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "ref", "source", "igshid", "yclid", "_hsenc", "_hsmi");

    private final Set<String> tracking;

    public UrlCanonicalizer() {
        this(Set.of());
    }

    /** @param extraTracking further parameter names to drop, in addition to utm_* and the usual click ids */
    public UrlCanonicalizer(Set<String> extraTracking) {
        java.util.HashSet<String> all = new java.util.HashSet<>(DEFAULT_TRACKING);
        extraTracking.forEach(t -> all.add(t.toLowerCase(Locale.ROOT)));
        this.tracking = Set.copyOf(all);
    }

    /** The canonical form, or empty when {@code url} is not an absolute http(s) URL. */
    public Optional<String> canonicalize(String url) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(url.strip().replace(" ", "%20"));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getRawAuthority() == null || uri.getHost() == null) {
            return Optional.empty();
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || port == 80 || port == 443;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        StringBuilder b = new StringBuilder("https://").append(host);
        if (!defaultPort) {
            b.append(':').append(port);
        }
        b.append(path);
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            List<String> kept = new ArrayList<>();
            for (String param : query.split("&")) {
                if (param.isEmpty()) continue;
                String name = param.split("=", 2)[0].toLowerCase(Locale.ROOT);
                if (name.startsWith("utm_") || tracking.contains(name)) continue;
                kept.add(param);
            }
            kept.sort(Comparator.naturalOrder());
            if (!kept.isEmpty()) {
                b.append('?').append(String.join("&", kept));
            }
        }
        return Optional.of(b.toString());
    }
}
