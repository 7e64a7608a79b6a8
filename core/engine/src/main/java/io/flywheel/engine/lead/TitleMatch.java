package io.flywheel.engine.lead;

/**
 * Whether a lower-case text mentions a lower-case keyword as a whole word, the rule
 * {@link KeywordMatcher} applies: {@code java} is in "senior java engineer" but not in
 * "javascript". Cheap enough to run for every keyword of every lead at scoring time.
 */
public final class TitleMatch {
    private TitleMatch() {}

    public static boolean containsWord(String textLower, String keyword) {
        if (keyword.isEmpty()) {
            return false;
        }
        int from = 0;
        int at;
        while ((at = textLower.indexOf(keyword, from)) >= 0) {
            int end = at + keyword.length();
            boolean startOk = at == 0 || !Character.isLetterOrDigit(textLower.codePointBefore(at));
            boolean endOk = end == textLower.length() || !Character.isLetterOrDigit(textLower.codePointAt(end));
            if (startOk && endOk) {
                return true;
            }
            from = at + 1;
        }
        return false;
    }
}
