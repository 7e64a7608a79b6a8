package io.flywheel.engine.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GraphemesTest {
    private static final String FAMILY = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"; // 8 chars, one cluster
    private static final String GRIN = "\uD83D\uDE00"; // a surrogate pair

    @Test
    void aTextThatFitsIsReturnedAsItIs() {
        assertThat(Graphemes.prefix("Backend", 7)).isEqualTo("Backend");
        assertThat(Graphemes.shorten("Backend", 7)).isEqualTo("Backend");
        assertThat(Graphemes.prefix("Backend", 0)).isEmpty();
    }

    @Test
    void aCutFallsBeforeTheClusterItWouldSplit() {
        assertThat(Graphemes.prefix("ab" + GRIN + "c", 3)).isEqualTo("ab");
        assertThat(Graphemes.prefix("ab" + FAMILY + "c", 6)).isEqualTo("ab");
        assertThat(Graphemes.prefix("ab" + FAMILY + "c", 10)).isEqualTo("ab" + FAMILY);
        assertThat(Graphemes.prefix("cafe\u0301 noir", 4)).isEqualTo("caf");
        assertThat(Graphemes.prefix("cafe\u0301 noir", 5)).isEqualTo("cafe\u0301");
    }

    @Test
    void shortenEndsWithAnEllipsisWithinTheLimitAndNeverLeavesHalfACharacter() {
        assertThat(Graphemes.shorten("ab" + GRIN + "cd", 4)).isEqualTo("ab…");
        assertThat(Graphemes.shorten("abcdef", 4)).isEqualTo("abc…");
        String s = Graphemes.shorten(GRIN.repeat(50), 10);
        assertThat(s).hasSizeLessThanOrEqualTo(10).isEqualTo(GRIN.repeat(4) + "…");
    }

    @Test
    void aSingleClusterLongerThanTheLimitIsCutBetweenCodePoints() {
        String zalgo = "e" + "\u0301".repeat(40);
        assertThat(Graphemes.prefix(zalgo, 10)).isEqualTo(zalgo.substring(0, 10));
        assertThat(Graphemes.prefix(FAMILY, 4)).isEqualTo(FAMILY.substring(0, 3)); // the man and the joiner, not half the woman
    }

    @Test
    void aLimitOutOfRangeIsRefusedByName() {
        assertThatThrownBy(() -> Graphemes.prefix("x", -1)).hasMessageContaining("max must not be negative, found -1");
        assertThatThrownBy(() -> Graphemes.shorten("x", 0)).hasMessageContaining("max must be at least 1, found 0");
    }
}
