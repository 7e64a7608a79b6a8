package io.flywheel.discord;

/** Cutting text to a length without leaving half a word, and Discord markdown escaping. */
public final class Text {
    static final String ELLIPSIS = "…";

    private Text() {}

    /** {@code s} with runs of whitespace collapsed to one space, stripped. */
    public static String collapse(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }

    /**
     * {@code s} if it fits in {@code max} characters, else cut at the last word boundary that leaves
     * room for an ellipsis (or hard when the first word alone is too long).
     */
    public static String truncate(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        if (max <= ELLIPSIS.length()) {
            return s.substring(0, max);
        }
        int room = max - ELLIPSIS.length();
        int cut = room;
        while (cut > 0 && !Character.isWhitespace(s.charAt(cut))) {
            cut--;
        }
        if (cut < room / 2) {
            cut = room;
        }
        String head = s.substring(0, cut).stripTrailing();
        if (!head.isEmpty() && Character.isHighSurrogate(head.charAt(head.length() - 1))) {
            head = head.substring(0, head.length() - 1);
        }
        return head + ELLIPSIS;
    }

    /** Escapes Discord markdown in one line of text so it shows as typed. */
    public static String escapeMarkdown(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean special = "\\*_~`|[]".indexOf(c) >= 0 || i == 0 && "#>-".indexOf(c) >= 0;
            if (special) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
