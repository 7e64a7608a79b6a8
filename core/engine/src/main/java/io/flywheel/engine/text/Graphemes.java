package io.flywheel.engine.text;

import java.text.BreakIterator;
import java.util.Locale;

/** Text cut by length in chars without splitting a grapheme cluster (a letter and its accents, an emoji sequence). */
public final class Graphemes {
    private Graphemes() {}

    /**
     * The longest prefix of {@code s} of at most {@code max} chars that ends between two grapheme
     * clusters; {@code s} itself when it fits. A single cluster longer than {@code max} (a letter
     * under hundreds of accents) is cut between code points instead, never inside a surrogate pair.
     */
    public static String prefix(String s, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative, found " + max);
        }
        if (s.length() <= max) {
            return s;
        }
        if (max == 0) {
            return "";
        }
        BreakIterator chars = BreakIterator.getCharacterInstance(Locale.ROOT);
        chars.setText(s.substring(0, Math.min(s.length(), max + 2))); // the boundary at max needs only what comes before it and the next character
        int end = chars.isBoundary(max) ? max : chars.preceding(max);
        if (end == 0) {
            end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        }
        return s.substring(0, end);
    }

    /** {@code s} when it has at most {@code max} chars, else its {@link #prefix} of {@code max - 1} chars and "…". */
    public static String shorten(String s, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, found " + max);
        }
        return s.length() <= max ? s : prefix(s, max - 1) + Cells.ELLIPSIS;
    }
}
