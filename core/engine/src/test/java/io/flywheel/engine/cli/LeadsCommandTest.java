package io.flywheel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.store.WriteBatch;
import io.flywheel.engine.text.Cells;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code flywheel leads} on stored text that is hard to print, and its filters' bad values. */
class LeadsCommandTest extends StoreCliTest {
    /** Stores leads as they are, bypassing the normalizer: older stores and other writers hold such text. */
    private void store(Lead... leads) {
        try (MapDbStore store = MapDbStore.open(dir.resolve("data/flywheel.db"), MapDbStore.Options.defaults(), clock)) {
            store.write(WriteBatch.of(List.of(leads)));
        }
    }

    private Lead lead(String key, String platform, String title, List<String> keywords) {
        return new Lead(key, "import", platform, title, key, null, null, null, null, null, clock.instant(), keywords, 1.5);
    }

    @Test
    void tsvKeepsSevenColumnsWhateverTheTextFieldsHold() {
        store(lead("https://a.example/1", "hacker\tnews", "Tab\there,\nnewline", List.of("go\tlang", "rust")));
        assertThat(run("leads", "--format", "tsv")).isZero();
        List<String> lines = out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines).allSatisfy(line -> assertThat(line.split("\t", -1)).as(line).hasSize(7));
        String[] row = lines.get(1).split("\t", -1);
        assertThat(row[1]).isEqualTo("hacker news");
        assertThat(row[3]).isEqualTo("Tab here, newline");
        assertThat(row[6]).isEqualTo("go lang,rust");
    }

    @Test
    void theTableCutsLongTitlesBetweenCharactersNeverInsideOne() {
        String emoji = "a".repeat(58) + "\uD83D\uDE00" + "tail"; // a cut at 59 chars fell inside the surrogate pair; in cells the emoji straddles the cut
        String family = "b".repeat(57) + "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67" + "tail"; // one character of 8 chars, 2 cells
        String accent = "c".repeat(58) + "e\u0301" + "tail"; // e and its combining accent are one character, one cell
        store(lead("https://a.example/1", "hn", emoji, List.of()), lead("https://a.example/2", "hn", family, List.of()),
                lead("https://a.example/3", "hn", accent, List.of()));
        assertThat(run("leads")).isZero();
        assertThat(out()).doesNotContain("?")
                .contains("a".repeat(58) + "…   https://a.example/1")
                .contains("b".repeat(57) + "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67…  https://a.example/2")
                .contains("c".repeat(58) + "e\u0301…  https://a.example/3");
    }

    @Test
    void theTableKeepsItsColumnsWhateverCellsTheTextTakes() {
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
        String flag = "\uD83C\uDDEF\uD83C\uDDF5";
        store(lead("https://a.example/1", "hn", "日本語のエンジニア募集", List.of()), // 11 characters, 22 cells
                lead("https://a.example/2", "求人ボックス", "Go " + family + " " + flag + " remote", List.of()), // a wide platform; a ZWJ sequence and a flag, 2 cells each
                lead("https://a.example/3", "hn", "Cafe\u0301 de\u0301veloppeur zero\u200Bwidth", List.of()), // combining accents and a zero width space: no cell
                lead("https://a.example/4", "hn", "a".repeat(58) + "日本", List.of()), // 日 would take cells 59 and 60: cut before it, one space
                lead("https://a.example/5", "hn", "全角".repeat(20), List.of())); // 80 cells: 29 characters and the ellipsis, one space
        assertThat(run("leads")).isZero();
        List<String> lines = out().lines().toList();
        assertThat(lines).hasSize(6);
        assertThat(lines).contains(
                "2026-03-01 12:00  hn                1.5  日本語のエンジニア募集" + " ".repeat(38) + "  https://a.example/1",
                "2026-03-01 12:00  求人ボックス      1.5  Go " + family + " " + flag + " remote" + " ".repeat(45) + "  https://a.example/2",
                "2026-03-01 12:00  hn                1.5  Cafe\u0301 de\u0301veloppeur zero\u200Bwidth" + " ".repeat(34) + "  https://a.example/3",
                "2026-03-01 12:00  hn                1.5  " + "a".repeat(58) + "… " + "  https://a.example/4",
                "2026-03-01 12:00  hn                1.5  " + "全角".repeat(14) + "全… " + "  https://a.example/5");
        int keyColumn = lines.getFirst().indexOf("KEY");
        assertThat(lines.subList(1, lines.size())).allSatisfy(row ->
                assertThat(Cells.width(row.substring(0, row.indexOf("https://")))).as(row).isEqualTo(keyColumn));
    }

    @Test
    void theTableShowsBidiControlsAsVisibleEscapesInsteadOfLettingThemTurnTheLine() {
        store(lead("https://a.example/1", "hn", "Evil \u202Egnirts", List.of()), lead("https://a.example/2", "h\u202Dn", "a\u2066b\u2069c\u200Ed\u200Fe\u202Af", List.of()));
        assertThat(run("leads")).isZero();
        assertThat(out()).doesNotContain("\u202A", "\u202D", "\u202E", "\u2066", "\u2069", "\u200E", "\u200F")
                .contains("Evil <U+202E>gnirts")
                .contains("h<U+202D>n")
                .contains("a<U+2066>b<U+2069>c<U+200E>d<U+200F>e<U+202A>f");
    }

    @Test
    void aMinScoreThatIsNotAFiniteNumberIsRefused() {
        store(lead("https://a.example/1", "hn", "One", List.of()));
        for (String value : List.of("NaN", "Infinity", "-Infinity")) {
            assertThat(run("leads", "--min-score=" + value)).as(value).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
            assertThat(err()).as(value).contains("flywheel leads: --min-score must be a finite number, found " + value);
            assertThat(out()).as(value).isEmpty();
        }
        assertThat(run("leads", "--min-score", "1.5")).isZero();
        assertThat(out()).contains("One");
    }

    @Test
    void aTimeRangeThatEndsBeforeItStartsIsRefusedNamingBothEnds() {
        store(lead("https://a.example/1", "hn", "One", List.of()));
        assertThat(run("leads", "--from", "2026-03-01T00:00:00Z", "--to", "2026-01-01T00:00:00Z")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("flywheel leads: --from 2026-03-01T00:00:00Z is not before --to 2026-01-01T00:00:00Z");
        assertThat(out()).isEmpty();
        assertThat(run("leads", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-01T00:00:00Z")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(run("leads", "--since", "1d", "--to", "2026-01-01T00:00:00Z")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("flywheel leads: --since 1d (from 2026-02-28T12:00:00Z) is not before --to 2026-01-01T00:00:00Z");
        assertThat(run("leads", "--from", "2026-01-01T00:00:00Z", "--to", "2026-03-02T00:00:00Z")).isZero();
        assertThat(out()).contains("One");
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
