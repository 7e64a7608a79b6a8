package io.flywheel.plugins.listing;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A source URL with optional {@code {keyword}} and {@code {page}} placeholders (written as is in
 * config.yml; the host keeps them as {@code %7Bkeyword%7D}). A keyword URL is fetched once per
 * focus keyword, URL-encoded.
 */
public record UrlTemplate(String template) {
    private static final String[] KEYWORD = {"{keyword}", "%7Bkeyword%7D", "%7bkeyword%7d"};
    private static final String[] PAGE = {"{page}", "%7Bpage%7D", "%7bpage%7d"};

    public static UrlTemplate of(URI uri) {
        return new UrlTemplate(uri.toString());
    }

    public boolean hasKeyword() {
        return contains(KEYWORD);
    }

    public boolean hasPage() {
        return contains(PAGE);
    }

    /** One template per keyword when the URL has {@code {keyword}}, else this one. */
    public List<UrlTemplate> forKeywords(List<String> keywords) {
        if (!hasKeyword()) {
            return List.of(this);
        }
        List<UrlTemplate> out = new ArrayList<>();
        for (String k : keywords) {
            out.add(new UrlTemplate(replace(template, KEYWORD, URLEncoder.encode(k, StandardCharsets.UTF_8))));
        }
        return out;
    }

    /** The URL of page {@code page}. */
    public URI page(int page) {
        return URI.create(replace(template, PAGE, Integer.toString(page)));
    }

    private boolean contains(String[] forms) {
        for (String f : forms) {
            if (template.contains(f)) {
                return true;
            }
        }
        return false;
    }

    private static String replace(String s, String[] forms, String value) {
        for (String f : forms) {
            s = s.replace(f, value);
        }
        return s;
    }

    @Override
    public String toString() {
        return template;
    }
}
