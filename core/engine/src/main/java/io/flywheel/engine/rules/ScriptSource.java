package io.flywheel.engine.rules;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One version of a rule's JavaScript.
 *
 * @param name how errors name it: the path as configured ({@code scripts/lead-score.js}) or
 *     {@code bundled:lead-score.js}
 * @param path the file it was read from, or {@code null} for a bundled default or archived copy
 * @param text the script
 */
public record ScriptSource(String name, Path path, String text) {
    static final long MAX_BYTES = 1 << 20;

    public ScriptSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
    }

    /** Reads {@code file}; {@code name} is how messages will show it. */
    public static ScriptSource read(Path file, String name) {
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new RuleException(name + ": " + size + " bytes; a rule script may be at most " + MAX_BYTES + " bytes");
            }
            return new ScriptSource(name, file, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RuleException(name + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The default script shipped inside flywheel.jar. */
    public static ScriptSource bundled(RuleKind kind) {
        String resource = "defaults/" + kind.fileName();
        try (InputStream in = ScriptSource.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the bundled rule " + resource + " is missing from flywheel.jar");
            }
            return new ScriptSource("bundled:" + kind.fileName(), null, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled rule " + resource, e);
        }
    }

    /** SHA-256 of the text, in hex: the identity of this version in the archive and the weight history. */
    public String hash() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first 12 hex digits of {@link #hash()}, for people. */
    public String shortHash() {
        return hash().substring(0, 12);
    }
}
