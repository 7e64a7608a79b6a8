package io.flywheel.discord;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * How much of a post split over text messages is in the channel: what both Discord outputs hand
 * the host as a {@link io.flywheel.api.output.Partial}'s mark, and read back when the post is
 * offered again, so only the rest is sent.
 *
 * @param chars characters of the post's text (as {@link Packer} packs it) already shown; the rest starts after them
 * @param parts messages that showed them
 * @param lastRef the last of those messages ({@code channel/message} or the message id)
 * @param fingerprint of the whole text, so a post rendered differently now (another {@code body-chars})
 *     is not continued from a place that no longer means the same
 */
public record Shown(int chars, int parts, String lastRef, String fingerprint) {
    private static final String PREFIX = "text:";

    public Shown {
        if (chars <= 0 || parts <= 0) {
            throw new IllegalArgumentException("shown: chars and parts must be positive, found " + chars + " and " + parts);
        }
        if (lastRef == null || fingerprint == null || fingerprint.contains(":")) {
            throw new IllegalArgumentException("shown: a last message and a fingerprint without ':' are required, found " + lastRef + " and " + fingerprint);
        }
    }

    /** {@code text:<chars>:<parts>:<fingerprint>:<lastRef>}; the reference goes last, so it may hold anything. */
    public String mark() {
        return PREFIX + chars + ":" + parts + ":" + fingerprint + ":" + lastRef;
    }

    /** The mark read back; empty (the post is sent whole) when it is not one this class wrote. */
    public static Optional<Shown> parse(String mark) {
        if (mark == null || !mark.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] f = mark.substring(PREFIX.length()).split(":", 4);
        try {
            return f.length == 4 ? Optional.of(new Shown(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[3], f[2])) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A short stable fingerprint of {@code text}: the first 8 bytes of its SHA-256, in hex. */
    public static String fingerprint(String text) {
        try {
            byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(sha, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
