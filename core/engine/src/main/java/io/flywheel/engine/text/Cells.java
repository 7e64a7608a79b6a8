package io.flywheel.engine.text;

import java.text.BreakIterator;
import java.util.Arrays;
import java.util.Locale;

/**
 * Text measured in terminal cells, for the fixed-width tables the CLI prints (and the chat
 * commands put in code blocks). {@code String.format("%-20s")} counts UTF-16 chars, so a CJK
 * title (two cells per character), an emoji or an accent written as a combining mark shifts every
 * column after it; these count what a terminal draws.
 *
 * <p>The rule, wcwidth's applied per grapheme cluster (what {@link BreakIterator#getCharacterInstance}
 * finds: a base with its marks, a ZWJ emoji sequence, a flag):
 * <ul>
 * <li>a code point is 2 cells when its East_Asian_Width is Wide or Fullwidth (CJK, Hangul
 *     syllables, fullwidth forms, and emoji with emoji presentation, which Unicode made Wide in 9.0);
 *     0 when it is a nonspacing or enclosing mark, a format character (ZWJ, ZWNJ, zero width
 *     space, soft hyphen, variation selectors count as marks) or a control; 1 otherwise, Ambiguous
 *     included (as wcwidth and terminals outside CJK locales draw it);</li>
 * <li>a cluster is as wide as its widest code point: marks, joiners and what a ZWJ joins add
 *     nothing; and 2 when it holds U+FE0F (emoji presentation asked for) or is a flag (regional
 *     indicators, 1 each alone).</li>
 * </ul>
 * Terminals differ at the edges (text-style emoji with U+FE0F, Indic spacing marks, which here add
 * nothing to their cluster); this is the common modern rendering. The wide table is Unicode 16.0's,
 * the version of JDK 25's categories: a wide character assigned after 16.0 outside the CJK planes
 * (an emoji new in 17.0) counts 1 until the table is generated again.
 *
 * <p>A table cell is one line: every method first turns each run of control characters (tab,
 * newline, ...) and line or paragraph separators into one space, which is what it measures and returns.
 */
public final class Cells {
    /** What a cut text ends with: one cell. */
    public static final String ELLIPSIS = "\u2026";

    /*
     * East_Asian_Width W or F, as sorted inclusive [first, last] pairs, adjacent ranges merged, plus the
     * blocks the file's header says default to W when unassigned (3400..4DBF, 4E00..9FFF, F900..FAFF,
     * 20000..2FFFD, 30000..3FFFD). Unicode 16.0.0, from ICU 76.1's data in org.graalvm.shadowed:icu4j
     * 25.0.3 (the ICU4J GraalJS brings; read by a build-time tool, no runtime dependency), printed by
     * bench/tools/EastAsianWide.java (how to run it is in its comment). Debian's unicode-data, the
     * source of the 15.0 table before, has no newer version in bookworm; the tool with "15.0" as its
     * argument prints that table again except for the code points 16.0 made Wide though assigned
     * earlier (2630..2637, 268A..268F, 4DC0..4DFF, 1D300..1D356, 1D360..1D376: trigrams, digrams,
     * hexagrams, Tai Xuan Jing and counting rod symbols), which 16.0 counts 2 cells and 15.0 counted 1.
     */
    static final int[] WIDE = {
            0x1100, 0x115F, 0x231A, 0x231B, 0x2329, 0x232A, 0x23E9, 0x23EC, 0x23F0, 0x23F0, 0x23F3, 0x23F3, 0x25FD, 0x25FE, 0x2614,
            0x2615, 0x2630, 0x2637, 0x2648, 0x2653, 0x267F, 0x267F, 0x268A, 0x268F, 0x2693, 0x2693, 0x26A1, 0x26A1, 0x26AA, 0x26AB,
            0x26BD, 0x26BE, 0x26C4, 0x26C5, 0x26CE, 0x26CE, 0x26D4, 0x26D4, 0x26EA, 0x26EA, 0x26F2, 0x26F3, 0x26F5, 0x26F5, 0x26FA,
            0x26FA, 0x26FD, 0x26FD, 0x2705, 0x2705, 0x270A, 0x270B, 0x2728, 0x2728, 0x274C, 0x274C, 0x274E, 0x274E, 0x2753, 0x2755,
            0x2757, 0x2757, 0x2795, 0x2797, 0x27B0, 0x27B0, 0x27BF, 0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B50, 0x2B55, 0x2B55, 0x2E80,
            0x2E99, 0x2E9B, 0x2EF3, 0x2F00, 0x2FD5, 0x2FF0, 0x303E, 0x3041, 0x3096, 0x3099, 0x30FF, 0x3105, 0x312F, 0x3131, 0x318E,
            0x3190, 0x31E5, 0x31EF, 0x321E, 0x3220, 0x3247, 0x3250, 0xA48C, 0xA490, 0xA4C6, 0xA960, 0xA97C, 0xAC00, 0xD7A3, 0xF900,
            0xFAFF, 0xFE10, 0xFE19, 0xFE30, 0xFE52, 0xFE54, 0xFE66, 0xFE68, 0xFE6B, 0xFF01, 0xFF60, 0xFFE0, 0xFFE6, 0x16FE0,
            0x16FE4, 0x16FF0, 0x16FF1, 0x17000, 0x187F7, 0x18800, 0x18CD5, 0x18CFF, 0x18D08, 0x1AFF0, 0x1AFF3, 0x1AFF5, 0x1AFFB,
            0x1AFFD, 0x1AFFE, 0x1B000, 0x1B122, 0x1B132, 0x1B132, 0x1B150, 0x1B152, 0x1B155, 0x1B155, 0x1B164, 0x1B167, 0x1B170,
            0x1B2FB, 0x1D300, 0x1D356, 0x1D360, 0x1D376, 0x1F004, 0x1F004, 0x1F0CF, 0x1F0CF, 0x1F18E, 0x1F18E, 0x1F191, 0x1F19A,
            0x1F200, 0x1F202, 0x1F210, 0x1F23B, 0x1F240, 0x1F248, 0x1F250, 0x1F251, 0x1F260, 0x1F265, 0x1F300, 0x1F320, 0x1F32D,
            0x1F335, 0x1F337, 0x1F37C, 0x1F37E, 0x1F393, 0x1F3A0, 0x1F3CA, 0x1F3CF, 0x1F3D3, 0x1F3E0, 0x1F3F0, 0x1F3F4, 0x1F3F4,
            0x1F3F8, 0x1F43E, 0x1F440, 0x1F440, 0x1F442, 0x1F4FC, 0x1F4FF, 0x1F53D, 0x1F54B, 0x1F54E, 0x1F550, 0x1F567, 0x1F57A,
            0x1F57A, 0x1F595, 0x1F596, 0x1F5A4, 0x1F5A4, 0x1F5FB, 0x1F64F, 0x1F680, 0x1F6C5, 0x1F6CC, 0x1F6CC, 0x1F6D0, 0x1F6D2,
            0x1F6D5, 0x1F6D7, 0x1F6DC, 0x1F6DF, 0x1F6EB, 0x1F6EC, 0x1F6F4, 0x1F6FC, 0x1F7E0, 0x1F7EB, 0x1F7F0, 0x1F7F0, 0x1F90C,
            0x1F93A, 0x1F93C, 0x1F945, 0x1F947, 0x1F9FF, 0x1FA70, 0x1FA7C, 0x1FA80, 0x1FA89, 0x1FA8F, 0x1FAC6, 0x1FACE, 0x1FADC,
            0x1FADF, 0x1FAE9, 0x1FAF0, 0x1FAF8, 0x20000, 0x2FFFD, 0x30000, 0x3FFFD
    };

    private static final java.util.regex.Pattern BREAKS = java.util.regex.Pattern.compile("[\\p{Cc}\\u2028\\u2029]+");

    private Cells() {}

    /** {@code s} on one line: each run of controls and line or paragraph separators as one space. */
    public static String oneLine(String s) {
        return BREAKS.matcher(s).replaceAll(" ");
    }

    /** The cells {@code s} takes on a terminal. */
    public static int width(String text) {
        String s = oneLine(text);
        BreakIterator clusters = clusters(s);
        int cells = 0;
        for (int start = clusters.first(), end = clusters.next(); end != BreakIterator.DONE; start = end, end = clusters.next()) {
            cells += clusterWidth(s, start, end);
        }
        return cells;
    }

    /**
     * {@code s} in at most {@code cells} cells: itself when it fits, else its leading grapheme clusters
     * that fit in {@code cells - 1} followed by {@link #ELLIPSIS}, which can be a cell short of
     * {@code cells} when a wide character would have straddled the cut.
     */
    public static String cut(String text, int cells) {
        if (cells < 1) {
            throw new IllegalArgumentException("cells must be at least 1, found " + cells);
        }
        String s = oneLine(text);
        BreakIterator clusters = clusters(s);
        int used = 0;
        int keep = 0;
        for (int start = clusters.first(), end = clusters.next(); end != BreakIterator.DONE; start = end, end = clusters.next()) {
            used += clusterWidth(s, start, end);
            if (used > cells) {
                return s.substring(0, keep) + ELLIPSIS;
            }
            if (used <= cells - 1) {
                keep = end;
            }
        }
        return s;
    }

    /** {@code s} left-aligned in {@code cells}: spaces after it; a wider text is returned whole. */
    public static String pad(String text, int cells) {
        String s = oneLine(text);
        return s + " ".repeat(Math.max(0, cells - width(s)));
    }

    /** {@code s} right-aligned in {@code cells}: spaces before it; a wider text is returned whole. */
    public static String padLeft(String text, int cells) {
        String s = oneLine(text);
        return " ".repeat(Math.max(0, cells - width(s))) + s;
    }

    /** {@code s} in exactly {@code cells} cells: {@link #cut} and {@link #pad}. */
    public static String fit(String s, int cells) {
        return pad(cut(s, cells), cells);
    }

    /** The cells of one code point, before the cluster rule: 0, 1 or 2. */
    static int codePointWidth(int cp) {
        return switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.FORMAT, Character.CONTROL -> 0;
            default -> {
                int i = Arrays.binarySearch(WIDE, cp);
                // Found: a range's first or last. Not found: inside a range when the insertion point is odd.
                yield i >= 0 || (-i - 1) % 2 == 1 ? 2 : 1;
            }
        };
    }

    private static int clusterWidth(String s, int start, int end) {
        int first = s.codePointAt(start);
        if (first >= 0x1F1E6 && first <= 0x1F1FF && end - start > Character.charCount(first)) {
            return 2; // a flag: two regional indicators
        }
        int widest = 0;
        for (int i = start; i < end; ) {
            int cp = s.codePointAt(i);
            if (cp == 0xFE0F) {
                return 2;
            }
            widest = Math.max(widest, codePointWidth(cp));
            i += Character.charCount(cp);
        }
        return widest;
    }

    private static BreakIterator clusters(String s) {
        BreakIterator it = BreakIterator.getCharacterInstance(Locale.ROOT);
        it.setText(s);
        return it;
    }
}
