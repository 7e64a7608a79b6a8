package io.flywheel.engine.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Terminal cells: the widths a terminal draws, and cuts that keep a table's columns where they are. */
class CellsTest {
    static final String FAMILY = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"; // man ZWJ woman ZWJ girl: one cluster
    static final String FLAG = "\uD83C\uDDEF\uD83C\uDDF5"; // regional indicators J P
    static final String THUMBS_DARK = "\uD83D\uDC4D\uD83C\uDFFF"; // thumbs up with a skin tone modifier
    static final String GRIN = "\uD83D\uDE00";

    @Test
    void asciiAndLatinAreOneCellEach() {
        assertThat(Cells.width("")).isZero();
        assertThat(Cells.width("Go developer")).isEqualTo(12);
        assertThat(Cells.width("Ünïcödé ß")).isEqualTo(9);
        assertThat(Cells.width("\u2026")).as("the ellipsis, East Asian Ambiguous").isEqualTo(1);
    }

    @Test
    void eastAsianWideAndFullwidthAreTwoCells() {
        assertThat(Cells.width("日本語")).isEqualTo(6);
        assertThat(Cells.width("エンジニア募集")).isEqualTo(14);
        assertThat(Cells.width("한국어")).isEqualTo(6);
        assertThat(Cells.width("ＡＢＣ１")).as("fullwidth forms").isEqualTo(8);
        assertThat(Cells.width("\u3000")).as("ideographic space").isEqualTo(2);
        assertThat(Cells.width("\uD840\uDC0B")).as("U+2000B, CJK extension B, a supplementary character").isEqualTo(2);
        assertThat(Cells.width("ｶﾀｶﾅ")).as("halfwidth katakana").isEqualTo(4);
    }

    @Test
    void emojiAreTwoCellsAndASequenceIsOneEmoji() {
        assertThat(Cells.width(GRIN)).isEqualTo(2);
        assertThat(Cells.width(FAMILY)).isEqualTo(2);
        assertThat(Cells.width(FLAG)).isEqualTo(2);
        assertThat(Cells.width(THUMBS_DARK)).isEqualTo(2);
        assertThat(Cells.width("\u2764\uFE0F")).as("heart, text by default, with the emoji presentation selector").isEqualTo(2);
        assertThat(Cells.width("1\uFE0F\u20E3")).as("keycap one").isEqualTo(2);
        assertThat(Cells.width("\u2764")).as("heart without a selector").isEqualTo(1);
        assertThat(Cells.width("\uD83C\uDDEF")).as("a lone regional indicator").isEqualTo(1);
        assertThat(Cells.width(FLAG + FLAG)).as("two flags").isEqualTo(4);
    }

    @Test
    void wideCharactersOfUnicode16AreTwoCells() {
        // emoji new in 16.0: face with bags under eyes, fingerprint, harp, splatter
        assertThat(Cells.width(new String(Character.toChars(0x1FAE9)))).isEqualTo(2);
        assertThat(Cells.width(new String(Character.toChars(0x1FAC6)))).isEqualTo(2);
        assertThat(Cells.width(new String(Character.toChars(0x1FA89)))).isEqualTo(2);
        assertThat(Cells.width(new String(Character.toChars(0x1FADF)))).isEqualTo(2);
        // new in 15.1 and 16.0: ideographic description characters, CJK strokes
        assertThat(Cells.width("\u2FFC\u31E4\u31EF")).isEqualTo(6);
        // assigned before, Wide since 16.0: a trigram, a hexagram, a counting rod
        assertThat(Cells.width("\u2630\u4DC0" + new String(Character.toChars(0x1D360)))).isEqualTo(6);
        // still unassigned in 16.0, next to new emoji: one cell
        assertThat(Cells.width(new String(Character.toChars(0x1FA8A)))).isEqualTo(1);
    }

    @Test
    void marksJoinersAndFormatCharactersTakeNoCell() {
        assertThat(Cells.width("e\u0301")).as("e and a combining acute").isEqualTo(1);
        assertThat(Cells.width("a\u0323\u0302")).as("two combining marks").isEqualTo(1);
        assertThat(Cells.width("\u0301")).as("a mark with nothing before it").isZero();
        assertThat(Cells.width("a\u200Bb")).as("zero width space").isEqualTo(2);
        assertThat(Cells.width("a\u200Db\u200Cc\u2060d\u00ADe")).as("ZWJ, ZWNJ, word joiner, soft hyphen").isEqualTo(5);
        assertThat(Cells.width("\uFEFFx")).as("a byte order mark").isEqualTo(1);
        assertThat(Cells.width("\u1100\u1161\u11A8")).as("a Hangul syllable from conjoining jamo").isEqualTo(2);
        assertThat(Cells.width("\u304B\u3099")).as("hiragana ka and the combining voiced mark").isEqualTo(2);
    }

    @Test
    void aCellIsOneLineTabsNewlinesAndOtherControlsShownAsOneSpace() {
        assertThat(Cells.fit("a\tb", 5)).isEqualTo("a b  ");
        assertThat(Cells.pad("Senior\r\n\nengineer", 17)).isEqualTo("Senior engineer  ");
        assertThat(Cells.padLeft("x\u2028y", 4)).isEqualTo(" x y");
        assertThat(Cells.cut("one\ttwo\tthree", 8)).isEqualTo("one two…");
        assertThat(Cells.width("a\u0007\u0000b")).isEqualTo(3);
    }

    @Test
    void padAndPadLeftFillToTheCellsAndLeaveWiderTextWhole() {
        assertThat(Cells.pad("日本", 6)).isEqualTo("日本  ");
        assertThat(Cells.pad("e\u0301", 3)).isEqualTo("e\u0301  ");
        assertThat(Cells.padLeft(FAMILY, 4)).isEqualTo("  " + FAMILY);
        assertThat(Cells.pad("日本語", 4)).isEqualTo("日本語");
        assertThat(Cells.padLeft("日本語", 4)).isEqualTo("日本語");
    }

    @Test
    void cutKeepsWhatFitsAndEndsWithAnEllipsis() {
        assertThat(Cells.cut("short", 5)).isEqualTo("short");
        assertThat(Cells.cut("日本語", 6)).isEqualTo("日本語");
        assertThat(Cells.cut("too long", 5)).isEqualTo("too \u2026");
        assertThat(Cells.cut("日本語です", 7)).isEqualTo("日本語\u2026");
        assertThat(Cells.cut("anything", 1)).isEqualTo("\u2026");
        assertThatThrownBy(() -> Cells.cut("x", 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("found 0");
    }

    @Test
    void aWideCharacterThatWouldStraddleTheCutIsLeftOutAndTheCellPadded() {
        assertThat(Cells.cut("ab日本語", 4)).as("日 would take cells 3 and 4, the ellipsis 4").isEqualTo("ab\u2026");
        assertThat(Cells.fit("ab日本語", 4)).isEqualTo("ab\u2026 ");
        assertThat(Cells.fit("ab日本語", 5)).isEqualTo("ab日\u2026");
        assertThat(Cells.fit("abc日本語", 5)).isEqualTo("abc\u2026 ");
        assertThat(Cells.fit("xx" + GRIN + "yy", 4)).isEqualTo("xx\u2026 ");
        assertThat(Cells.fit("x" + FAMILY + "yy", 4)).isEqualTo("x" + FAMILY + "\u2026");
    }

    @Test
    void cutNeverSplitsACluster() {
        assertThat(Cells.fit("abce\u0301fgh", 5)).isEqualTo("abce\u0301\u2026");
        assertThat(Cells.fit("ab" + FLAG + FLAG, 5)).isEqualTo("ab" + FLAG + "\u2026");
        assertThat(Cells.fit("ab" + THUMBS_DARK + "c", 4)).isEqualTo("ab\u2026 ");
        assertThat(Cells.fit("ab" + THUMBS_DARK + "c", 5)).isEqualTo("ab" + THUMBS_DARK + "c");
    }

    @Test
    void fitIsExactlyTheCellsAskedWhateverTheText() {
        for (String s : new String[] {"", "a", "日", "日本語のタイトル", GRIN + FAMILY + FLAG + "x", "e\u0301".repeat(9), "\u0301\u0301", "ｶﾀｶﾅ日本"}) {
            for (int cells = 1; cells <= 12; cells++) {
                assertThat(Cells.width(Cells.fit(s, cells))).as("'%s' in %d", s, cells).isEqualTo(cells);
            }
        }
    }

    @Test
    void theWideTableIsSortedDisjointRangesSoItsBinarySearchHolds() {
        assertThat(Cells.WIDE.length % 2).isZero();
        for (int i = 0; i < Cells.WIDE.length; i += 2) {
            int first = Cells.WIDE[i];
            int last = Cells.WIDE[i + 1];
            assertThat(first).as("range %d", i / 2).isLessThanOrEqualTo(last);
            if (i > 0) {
                assertThat(first).as("range %d starts after the gap following the one before", i / 2).isGreaterThan(Cells.WIDE[i - 1] + 1);
            }
            // A mark listed Wide (U+3099, U+16FE4) is still a mark: no cell.
            for (int cp : new int[] {first, last}) {
                assertThat(Cells.codePointWidth(cp)).as("U+%04X", cp).isEqualTo(Character.getType(cp) == Character.NON_SPACING_MARK ? 0 : 2);
            }
            assertThat(Cells.codePointWidth(last + 1)).as("U+%04X", last + 1).isLessThanOrEqualTo(1);
        }
    }
}
