package io.flywheel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.engine.feedback.Dimension;
import io.flywheel.engine.learning.Funnel;
import io.flywheel.engine.text.Cells;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table of {@code flywheel stats}: keys of any script keep the counts in their columns. */
class StatsTableTest {
    @Test
    void wideAndCombiningKeysKeepTheColumns() {
        List<Funnel.Row> rows = List.of(new Funnel.Row("日本語", 4, 2, 1, 0, 0, 0), new Funnel.Row("cafe\u0301", 3, 1, 0, 0, 0, 0),
                new Funnel.Row("エンジニア募集・リモート可・東京", 2, 1, 1, 1, 1, 0), new Funnel.Row("go", 1, 0, 0, 0, 0, 0));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StatsCommand.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), rows, new Funnel.Row("all", 10, 4, 2, 1, 1, 0), Dimension.KEYWORD, 7);
        List<String> table = bytes.toString(StandardCharsets.UTF_8).lines().skip(2).toList();
        assertThat(table).hasSize(6);
        assertThat(table.get(1)).startsWith("日本語" + " ".repeat(18) + "      4");
        assertThat(table.get(3)).startsWith("エンジニア募集・リモー…       2");
        int width = table.getFirst().length();
        assertThat(table).allSatisfy(l -> assertThat(Cells.width(l)).as(l).isEqualTo(width));
    }
}
