package io.flywheel.engine.lead;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.lead.RawLead;
import io.flywheel.engine.text.Graphemes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Turns what a source found into a lead: cleaned text, dedup key, matched keywords. */
public final class LeadNormalizer {
    static final int MAX_TITLE = 500;
    static final int MAX_BODY = 20_000;

    private final UrlCanonicalizer urls;
    private final KeywordMatcher keywords;

    public LeadNormalizer(UrlCanonicalizer urls, KeywordMatcher keywords) {
        this.urls = urls;
        this.keywords = keywords;
    }

    /** The lead, or empty when the posting has no usable title. */
    public Optional<Lead> normalize(RawLead raw, String sourceId, String defaultPlatform, Instant now) {
        String title = clean(raw.title(), MAX_TITLE);
        if (title == null) {
            return Optional.empty();
        }
        String platform = raw.platform() == null || raw.platform().isBlank() ? defaultPlatform : raw.platform().strip().toLowerCase(Locale.ROOT);
        Optional<String> url = urls.canonicalize(raw.url());
        String company = clean(raw.company(), 200);
        String key = url.orElseGet(() -> "fp:" + fingerprint(title, company, platform));
        String body = clean(raw.body(), MAX_BODY);
        LinkedHashSet<String> matched = new LinkedHashSet<>(keywords.match(title));
        matched.addAll(keywords.match(body));
        Instant published = raw.published() != null && raw.published().isAfter(now.plusSeconds(86_400)) ? null : raw.published();
        return Optional.of(new Lead(key, sourceId, platform, title, url.orElse(null), body, company, clean(raw.location(), 200),
                clean(raw.compensation(), 200), published, now, List.copyOf(matched), 0));
    }

    /** A stable fingerprint of title, company and platform for postings without a usable URL. */
    public static String fingerprint(String title, String company, String platform) {
        String basis = fold(title) + "\u0000" + fold(company) + "\u0000" + fold(platform);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(basis.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lower case, accents and punctuation removed, whitespace collapsed. */
    static String fold(String s) {
        if (s == null) {
            return "";
        }
        String n = Normalizer.normalize(s, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        return n.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    /** Whether {@code title} keeps any text once what {@link #normalize} drops (control and bidi characters, blanks) is gone. */
    public static boolean hasText(String title) {
        return clean(title, Integer.MAX_VALUE) != null;
    }

    /**
     * Control characters out (but newline and tab), and the bidi controls that open or close an
     * embedding, override or isolate (U+202A-U+202E, U+2066-U+2069: the ones that can turn the rest
     * of a line wherever the text is shown); the marks U+200E, U+200F and U+061C stay, right-to-left
     * text needs them and they turn nothing. Cut at {@code max} chars, back to a character
     * (grapheme cluster) boundary so no surrogate pair or accent is split.
     */
    private static String clean(String s, int max) {
        if (s == null) {
            return null;
        }
        String c = s.replaceAll("[\\p{Cc}\\u202A-\\u202E\\u2066-\\u2069&&[^\\n\\t]]", "").replaceAll("[ \\t\\x0B\\f\\r]+", " ")
                .replaceAll("\\n{3,}", "\n\n").strip();
        if (c.isEmpty()) {
            return null;
        }
        return Graphemes.prefix(c, max);
    }
}
