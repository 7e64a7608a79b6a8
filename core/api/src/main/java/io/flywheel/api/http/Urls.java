package io.flywheel.api.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/** URLs as browsers and pages write them, which java.net.URI may refuse; the engine's URL canonicalizer starts from the same escaping. */
public final class Urls {
    private Urls() {}

    /** {@code url} as a URI after {@link #escapeIllegal}, or {@code null} when it still is not one. */
    public static URI parse(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            return new URI(escapeIllegal(url.strip()));
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /**
     * Percent-encodes what java.net.URI refuses but browsers leave as typed (spaces, non-ASCII,
     * {@code " < > \ ^ ` { | }}), and every {@code #} after the first.
     */
    public static String escapeIllegal(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xFF;
            if (c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' || c == '|'
                    || c == '}') {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            } else {
                b.append((char) c);
            }
        }
        // A second '#' is not legal in a URI; only the first starts the fragment.
        int hash = b.indexOf("#");
        for (int i = b.indexOf("#", hash + 1); hash >= 0 && i >= 0; i = b.indexOf("#", i + 1)) {
            b.replace(i, i + 1, "%23");
        }
        return b.toString();
    }
}
