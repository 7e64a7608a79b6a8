package io.flywheel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.engine.cli.ImportProgressBar.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportProgressBarTest {
    @TempDir
    Path dir;

    /** Stands for /proc/self/fd/2: a link to where stderr goes. */
    private Path stderrTo(String target) throws Exception {
        Path link = dir.resolve("fd2-" + Math.abs(target.hashCode()));
        Files.deleteIfExists(link);
        return Files.createSymbolicLink(link, Path.of(target));
    }

    @Test
    void autoRedrawsOnlyWhenStderrIsATerminalThatCanRedraw() throws Exception {
        Map<String, String> xterm = Map.of("TERM", "xterm-256color");
        assertThat(ImportProgressBar.resolve(Mode.AUTO, true, stderrTo("/dev/pts/3"), xterm)).isEqualTo(Mode.BAR);
        assertThat(ImportProgressBar.resolve(Mode.AUTO, true, stderrTo("/dev/tty1"), xterm)).isEqualTo(Mode.BAR);
        // flywheel import ... 2>import.log from an interactive shell: console and TERM are there, the terminal is not.
        assertThat(ImportProgressBar.resolve(Mode.AUTO, true, stderrTo("/home/op/import.log"), xterm)).isEqualTo(Mode.LINES);
        assertThat(ImportProgressBar.resolve(Mode.AUTO, true, stderrTo("pipe:[4711]"), xterm)).isEqualTo(Mode.LINES);
        assertThat(ImportProgressBar.resolve(Mode.AUTO, true, stderrTo("/dev/pts/3"), Map.of("TERM", "dumb"))).isEqualTo(Mode.LINES);
        assertThat(ImportProgressBar.resolve(Mode.AUTO, true, stderrTo("/dev/pts/3"), Map.of())).isEqualTo(Mode.LINES);
        assertThat(ImportProgressBar.resolve(Mode.AUTO, false, stderrTo("/dev/pts/3"), xterm)).as("stderr replaced in-process").isEqualTo(Mode.LINES);
        assertThat(ImportProgressBar.resolve(Mode.AUTO, true, dir.resolve("no-proc"), xterm)).as("no /proc (macOS)").isEqualTo(Mode.LINES);
    }

    @Test
    void anExplicitModeIsKept() throws Exception {
        for (Mode m : new Mode[] {Mode.BAR, Mode.LINES, Mode.NONE}) {
            assertThat(ImportProgressBar.resolve(m, false, dir.resolve("no-proc"), Map.of())).isEqualTo(m);
        }
    }
}
