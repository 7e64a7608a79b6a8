package io.flywheel.engine.post;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The id of the post about a lead: a pure function of the lead key, shared by the lead pipeline that makes the posts and the store
 * that finds a delivered post's lead again by it (so the store needs nothing of {@code engine.lead}). Changing it orphans every
 * delivery recorded under the old ids.
 */
public final class PostIds {
    private PostIds() {}

    /** A short stable id for the post about {@code leadKey}. */
    public static String ofLead(String leadKey) {
        return of("lead-", leadKey);
    }

    /** {@code prefix} and the first 8 bytes of {@code key}'s SHA-256 in hex: the form of every post id Flywheel makes. */
    public static String of(String prefix, String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return prefix + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
