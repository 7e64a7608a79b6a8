package io.flywheel.engine.lead;

import io.flywheel.api.http.Urls;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the many spellings of one posting's URL into one: lower-case scheme and host,
 * {@code http} to {@code https}, default port, fragment and tracking parameters removed, remaining
 * query parameters sorted, dot segments resolved, percent-encoding normalized (unreserved
 * characters decoded, hex digits upper case), trailing slash dropped.
 *
 * <p>Tracking parameters are {@code utm_*} and the names in {@link #DEFAULT_TRACKING}, plus any
 * configured ({@code store.tracking-params}). Parameter names compare case-insensitively.
 */
public final class UrlCanonicalizer {
    /** Click ids and referral tags that never select a different posting. */
    public static final Set<String> DEFAULT_TRACKING = Set.of(
            "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "li_fat_id", "igshid", "mc_cid", "mc_eid",
            "_hsenc", "_hsmi", "ref", "ref_src", "ref_url", "referrer", "source", "src_ref", "trk", "trkinfo", "refid", "trackingid",
            "gh_src", "lever-source", "lever-origin", "cmpid", "campaign_id", "share_id", "si", "s_cid");

    private final Set<String> tracking;

    public UrlCanonicalizer() {
        this(Set.of());
    }

    /** @param extraTracking further parameter names to drop, in addition to utm_* and {@link #DEFAULT_TRACKING} */
    public UrlCanonicalizer(Collection<String> extraTracking) {
        Set<String> all = new HashSet<>(DEFAULT_TRACKING);
        extraTracking.forEach(t -> all.add(t.strip().toLowerCase(Locale.ROOT)));
        this.tracking = Set.copyOf(all);
    }

    /** Whether {@code name} is dropped as a tracking parameter. */
    public boolean isTracking(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.startsWith("utm_") || tracking.contains(n);
    }

    /** The canonical form, or empty when {@code url} is not an absolute http(s) URL. */
    public Optional<String> canonicalize(String url) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(Urls.escapeIllegal(url.strip())).normalize();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getRawAuthority() == null) {
            return Optional.empty();
        }
        String host = host(uri);
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || port == 80 || port == 443;
        String path = uri.getRawPath() == null ? "" : normalizeEscapes(uri.getRawPath());
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
                if (param.isEmpty()) {
                    continue;
                }
                String name = param.split("=", 2)[0];
                if (isTracking(decode(name))) {
                    continue;
                }
                kept.add(normalizeEscapes(param));
            }
            kept.sort(Comparator.naturalOrder());
            if (!kept.isEmpty()) {
                b.append('?').append(String.join("&", kept));
            }
        }
        return Optional.of(b.toString());
    }

    private static String host(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            // java.net.URI leaves non-ASCII (IDN) hosts unparsed: take them from the authority.
            String authority = uri.getRawAuthority();
            int at = authority.lastIndexOf('@');
            String hostPort = at >= 0 ? authority.substring(at + 1) : authority;
            int colon = hostPort.lastIndexOf(':');
            host = colon > 0 && !hostPort.endsWith("]") ? hostPort.substring(0, colon) : hostPort;
            try {
                host = IDN.toASCII(decode(host), IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        host = host.toLowerCase(Locale.ROOT);
        while (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host;
    }

    /** RFC 3986 6.2.2: decode percent-encoded unreserved characters, upper-case the hex of the rest. */
    static String normalizeEscapes(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                int v = hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2));
                if (v < 0x80 && (Character.isLetterOrDigit(v) || v == '-' || v == '.' || v == '_' || v == '~')) {
                    b.append((char) v);
                } else {
                    b.append('%').append(Character.toUpperCase(s.charAt(i + 1))).append(Character.toUpperCase(s.charAt(i + 2)));
                }
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
