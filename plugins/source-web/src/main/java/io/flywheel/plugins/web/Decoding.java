package io.flywheel.plugins.web;

import io.flywheel.api.http.HttpResult;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes a fetched body when servers get the charset wrong or leave it out: a byte-order mark
 * wins; then the charset the server declared, if the bytes are valid in it; then the document's
 * own declaration ({@code <meta charset>}, the XML prolog); then UTF-8 if the bytes are valid
 * UTF-8; else windows-1252, which decodes any byte. A single-byte declaration on a body that is
 * valid multi-byte UTF-8 is taken to be wrong (a server default left in place).
 */
final class Decoding {
    private static final Pattern META_CHARSET = Pattern.compile("(?i)<meta[^>]+charset\\s*=\\s*[\"']?\\s*([-\\w.:]+)");
    private static final Pattern XML_ENCODING = Pattern.compile("^\\s*<\\?xml[^>]*encoding\\s*=\\s*[\"']([-\\w.:]+)[\"']");
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    enum Kind { HTML, XML, JSON }

    /** @param charset the charset used; {@code note} says why when it was not the declared one */
    record Decoded(String text, Charset charset, String note) {}

    private Decoding() {}

    static Decoded decode(HttpResult result, Kind kind) {
        byte[] b = result.body();
        Charset bom = bom(b);
        if (bom != null) {
            int skip = bom == StandardCharsets.UTF_8 ? 3 : 2;
            return new Decoded(new String(b, skip, b.length - skip, bom), bom, null);
        }
        Charset declared = result.charset();
        String note = null;
        if (declared != null) {
            if (isSingleByteLatin(declared) && hasMultiByteUtf8(b)) {
                note = "declared " + declared.name() + " but the body is UTF-8";
            } else {
                String s = strict(b, declared);
                if (s != null) {
                    return new Decoded(s, declared, null);
                }
                note = "declared " + declared.name() + " but the body is not valid " + declared.name();
            }
        }
        Charset inDocument = inDocument(b, kind);
        if (inDocument != null && !(isSingleByteLatin(inDocument) && hasMultiByteUtf8(b))) {
            String s = strict(b, inDocument);
            if (s != null) {
                return new Decoded(s, inDocument, note);
            }
        }
        String utf8 = strict(b, StandardCharsets.UTF_8);
        if (utf8 != null) {
            return new Decoded(utf8, StandardCharsets.UTF_8, note);
        }
        return new Decoded(new String(b, WINDOWS_1252), WINDOWS_1252, note == null ? "no valid charset declared; read as windows-1252" : note + "; read as windows-1252");
    }

    private static Charset bom(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
            return StandardCharsets.UTF_8;
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xFE && (b[1] & 0xff) == 0xFF) {
            return StandardCharsets.UTF_16BE;
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE) {
            return StandardCharsets.UTF_16LE;
        }
        return null;
    }

    private static Charset inDocument(byte[] b, Kind kind) {
        String head = new String(b, 0, Math.min(b.length, 4096), StandardCharsets.ISO_8859_1);
        Matcher m = (kind == Kind.HTML ? META_CHARSET : XML_ENCODING).matcher(head);
        if (!m.find()) {
            return null;
        }
        try {
            return Charset.forName(m.group(1));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String strict(byte[] b, Charset cs) {
        try {
            return cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean isSingleByteLatin(Charset cs) {
        String n = cs.name().toLowerCase(Locale.ROOT);
        return n.equals("iso-8859-1") || n.equals("windows-1252") || n.equals("us-ascii");
    }

    /** True when the body has at least one multi-byte UTF-8 sequence and no invalid ones. */
    private static boolean hasMultiByteUtf8(byte[] b) {
        boolean multi = false;
        for (byte x : b) {
            if (x < 0) {
                multi = true;
                break;
            }
        }
        return multi && strict(b, StandardCharsets.UTF_8) != null;
    }

    /** The first {@code n} characters of a body, for error messages. */
    static String preview(String text, int n) {
        String t = text.strip().replaceAll("\\s+", " ");
        return t.length() <= n ? t : t.substring(0, n) + "…";
    }
}
