package io.flywheel.engine.lead;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds which configured keywords a text mentions, as whole words and case-insensitively, so
 * {@code java} matches "Senior Java Engineer" but not "JavaScript", and {@code c++} or
 * {@code node.js} work as written.
 */
public final class KeywordMatcher {
    private final Map<String, Pattern> patterns = new LinkedHashMap<>();

    public KeywordMatcher(Iterable<String> keywords) {
        for (String k : keywords) {
            String kw = k.toLowerCase(Locale.ROOT).strip();
            if (!kw.isEmpty()) {
                patterns.put(kw, Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(kw) + "(?![\\p{L}\\p{N}])",
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
            }
        }
    }

    /** The keywords {@code text} mentions, in configured order. */
    public List<String> match(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        List<String> found = new ArrayList<>();
        patterns.forEach((kw, p) -> {
            if (p.matcher(text).find()) {
                found.add(kw);
            }
        });
        return found;
    }
}
