package io.flywheel.engine.lead;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.lead.RawLead;
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

    private static String clean(String s, int max) {
        if (s == null) {
            return null;
        }
        String c = s.replaceAll("[\\p{Cc}&&[^\\n\\t]]", "").replaceAll("[ \\t\\x0B\\f\\r]+", " ").replaceAll("\\n{3,}", "\n\n").strip();
        if (c.isEmpty()) {
            return null;
        }
        return c.length() <= max ? c : c.substring(0, max);
    }
}
