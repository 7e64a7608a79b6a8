package io.flywheel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.text.Cells;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code flywheel weights}: the CHANGE column measures from the weights in force when the window began. */
class WeightsCommandTest extends StoreCliTest {
    /** The keywords in force are config.yml's, with the weights learned for them. */
    @Override
    String configYaml() {
        return keywords("go: 2", "rust: 1", "kotlin: 1");
    }

    private static String keywords(String... lines) {
        return "store:\n  path: data/flywheel.db\nkeywords:\n" + java.util.Arrays.stream(lines).map(l -> "  " + l + "\n").collect(java.util.stream.Collectors.joining())
                + "outputs:\n  - id: console\n    type: console\n";
    }

    private void append(Duration ago, Map<String, Double> weights, String note) {
        try (MapDbStore store = MapDbStore.open(dir.resolve("data/flywheel.db"), MapDbStore.Options.defaults(), clock)) {
            store.append(new WeightSet(clock.instant().minus(ago), WeightSet.Kind.KEYWORD, weights, "abc123", note));
        }
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** go: 1 and rust: 1 forty days ago; go: 3, rust: 0.5 and a new kotlin: 2 ten days ago. */
    private void twoUpdates() {
        append(Duration.ofDays(40), Map.of("go", 1.0, "rust", 1.0), "initial weights");
        append(Duration.ofDays(10), Map.of("go", 3.0, "rust", 0.5, "kotlin", 2.0), "update");
    }

    @Test
    void changeIsMeasuredFromTheWeightsInForceWhenTheWindowBegan() {
        twoUpdates();
        assertThat(run("weights", "--days", "30")).isZero();
        assertThat(out()).contains("1 update(s) in the last 30 day(s)")
                .contains("CHANGE: against the weights in force at 2026-01-30T12:00:00Z (set 2026-01-20T12:00:00Z); new: not among them")
                .containsPattern("go +3\\.000 +\\+2\\.000\\n")
                .containsPattern("kotlin +2\\.000 +new\\n")
                .containsPattern("rust +0\\.500 +-0\\.500\\n");
    }

    @Test
    void aKeywordTakenOutOfTheConfigIsListedAsDroppedAndOnePutInAsNew() throws Exception {
        twoUpdates();
        config = CliRun.config(dir, keywords("go: 2", "kotlin: 1", "scala: 1.5"));
        assertThat(run("weights", "--days", "30")).isZero();
        assertThat(out()).contains("1 update(s) in the last 30 day(s)")
                .contains("new: not among them; dropped: among them, not in force now")
                .containsPattern("go +3\\.000 +\\+2\\.000\\n")
                .containsPattern("kotlin +2\\.000 +new\\n")
                .containsPattern("scala +1\\.500 +new\\n")
                .containsPattern("rust +- +dropped \\(was 1\\.000\\)\\n");

        assertThat(run("weights", "--days", "60")).isZero();
        assertThat(out()).as("no weights in force when this window began, so none dropped").doesNotContain("dropped (was");
    }

    @Test
    void beforeAnyLearningTheConfigsWeightsAreInForce() {
        assertThat(run("weights")).isZero();
        assertThat(out()).contains("keyword weights in force: config.yml's initial weights, none learned yet")
                .containsPattern("go +2\\.000 +new\\n")
                .containsPattern("rust +1\\.000 +new\\n")
                .contains("strategy weights: none recorded yet");
    }

    @Test
    void withNoWeightsInForceWhenTheWindowBeganEveryKeywordIsNew() {
        twoUpdates();
        assertThat(run("weights", "--days", "60")).isZero();
        assertThat(out()).contains("2 update(s) in the last 60 day(s)")
                .contains("CHANGE: no weights were in force at 2025-12-31T12:00:00Z, so every keyword is new")
                .containsPattern("go +3\\.000 +new\\n")
                .containsPattern("kotlin +2\\.000 +new\\n")
                .containsPattern("rust +0\\.500 +new\\n");
    }

    @Test
    void withoutAnUpdateInTheWindowNothingChanged() {
        append(Duration.ofDays(40), Map.of("go", 1.0, "rust", 1.0), "initial weights");
        assertThat(run("weights", "--days", "30")).isZero();
        assertThat(out()).contains("0 update(s) in the last 30 day(s)")
                .containsPattern("go +1\\.000 +\\+0\\.000\\n")
                .containsPattern("rust +1\\.000 +\\+0\\.000\\n");
    }

    @Test
    void theWeightColumnStaysInPlaceForWideAndCombiningKeywords() throws Exception {
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
        config = CliRun.config(dir, keywords("go: 1", "日本語: 1", "\"cafe\u0301\": 1", "\"" + family + " devs\": 1"));
        append(Duration.ofDays(40), Map.of("한국어", 1.0), "initial weights");
        append(Duration.ofDays(10), Map.of("go", 1.0, "日本語", 2.0, "cafe\u0301", 3.0, family + " devs", 4.0), "update");
        assertThat(run("weights", "--days", "30")).isZero();
        List<String> rows = out().lines().filter(l -> l.matches(".*\\d\\.\\d{3} +new")).toList();
        assertThat(rows).containsExactly(
                "  " + family + " devs" + " ".repeat(21) + "    4.000       new",
                "  cafe\u0301" + " ".repeat(24) + "    3.000       new",
                "  日本語" + " ".repeat(22) + "    2.000       new",
                "  go" + " ".repeat(26) + "    1.000       new");
        assertThat(rows).allSatisfy(row -> assertThat(Cells.width(row)).as(row).isEqualTo(2 + 28 + 9 + 10));
        assertThat(out().lines().filter(l -> l.contains("dropped (was")))
                .containsExactly("  한국어" + " ".repeat(22) + "        -   dropped (was 1.000)");
    }
}
