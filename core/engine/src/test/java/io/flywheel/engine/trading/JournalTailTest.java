package io.flywheel.engine.trading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PaperTrader#linesBackward}: how a restart reads the fills journal from its end. */
class JournalTailTest {
    @TempDir
    Path dir;

    private static List<String> backward(Path file, int chunk, int stopAfter, boolean[] torn) throws IOException {
        List<String> seen = new ArrayList<>();
        torn[0] = PaperTrader.linesBackward(file, chunk, l -> {
            seen.add(l);
            return seen.size() < stopAfter;
        });
        return seen;
    }

    @Test
    void everyLineLastFirstWhateverTheChunkSizeAndWhereItStops() throws IOException {
        for (String text : List.of("", "\n", "h\n", "header\na,1\n\nb,22\nccc,333\n", "header\na,1\nb,2\nc,3 cut sh", "é€,1\nx\n", "one line no break")) {
            Path file = Files.writeString(dir.resolve("fills.csv"), text, StandardCharsets.UTF_8);
            List<String> all = new ArrayList<>(text.lines().toList());
            java.util.Collections.reverse(all);
            for (int chunk = 1; chunk <= text.length() + 2; chunk++) {
                boolean[] torn = new boolean[1];
                assertThat(backward(file, chunk, Integer.MAX_VALUE, torn)).as("'%s' by %d byte(s)", text, chunk).isEqualTo(all);
                assertThat(torn[0]).as("'%s' torn", text).isEqualTo(!text.isEmpty() && !text.endsWith("\n"));
                for (int stop = 1; stop <= all.size(); stop++) {
                    assertThat(backward(file, chunk, stop, torn)).as("'%s' by %d byte(s), stopping after %d", text, chunk, stop).isEqualTo(all.subList(0, stop));
                }
            }
        }
    }
}
