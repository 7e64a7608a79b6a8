package io.flywheel.engine.cli;

import io.flywheel.engine.imports.SqliteImport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;

/** A progress line on stderr: redrawn in place on a terminal ({@link Mode#BAR}), a line per tenth otherwise ({@link Mode#LINES}). */
final class ImportProgressBar {
    /** How progress is shown; {@link #AUTO} is settled by {@link #resolve} before drawing. */
    enum Mode { AUTO, BAR, LINES, NONE }

    /** Where the process's stderr goes, on Linux: {@code /dev/pts/3} on a terminal, a file or {@code pipe:[...]} when redirected. */
    static final Path STDERR_LINK = Path.of("/proc/self/fd/2");

    private static final int WIDTH = 30;
    private static final long REDRAW_MILLIS = 100;

    private final PrintStream err;
    private final Clock clock;
    private final Mode mode;
    private long lastDraw = Long.MIN_VALUE;
    private int lastTenth = -1;
    private boolean drawn;

    /** @param mode {@link Mode#BAR}, {@link Mode#LINES} or {@link Mode#NONE} */
    ImportProgressBar(PrintStream err, Clock clock, Mode mode) {
        if (mode == Mode.AUTO) {
            throw new IllegalArgumentException("resolve AUTO first");
        }
        this.err = err;
        this.clock = clock;
        this.mode = mode;
    }

    /**
     * What {@link Mode#AUTO} means here: redraw only when stderr is the process's own stderr, TERM names a terminal that can
     * redraw (set, not {@code dumb}) and stderr leads to a terminal device. Java cannot ask whether stderr is a terminal
     * ({@code System.console()} is about stdin and stdout, and is there under a pseudo-terminal even with {@code 2>file}), so
     * this reads where {@code /proc/self/fd/2} points; without /proc (macOS, Windows) it draws lines: ask for {@code bar}.
     *
     * @param processStderr whether progress goes to the process's stderr (not a stream swapped in by a caller or test)
     * @param stderrLink {@link #STDERR_LINK}, or a stand-in in tests
     */
    static Mode resolve(Mode asked, boolean processStderr, Path stderrLink, Map<String, String> env) {
        if (asked != Mode.AUTO) {
            return asked;
        }
        String term = env.get("TERM");
        if (!processStderr || term == null || term.isBlank() || term.strip().equals("dumb")) {
            return Mode.LINES;
        }
        try {
            String target = Files.readSymbolicLink(stderrLink).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") ? Mode.BAR : Mode.LINES;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Mode.LINES;
        }
    }

    void update(SqliteImport.Progress p) {
        double fraction = p.total() == 0 ? 1 : Math.min(1, (double) p.read() / p.total());
        if (mode == Mode.BAR) {
            long now = clock.millis();
            if (now - lastDraw < REDRAW_MILLIS && p.read() < p.total()) {
                return;
            }
            lastDraw = now;
            int filled = (int) Math.round(fraction * WIDTH);
            err.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + line(p, fraction));
            drawn = true;
        } else if (mode == Mode.LINES) {
            int tenth = (int) Math.floor(fraction * 10);
            if (tenth > lastTenth) {
                lastTenth = tenth;
                err.println("import: " + line(p, fraction));
            }
        }
    }

    void finish() {
        if (mode == Mode.BAR && drawn) {
            err.println();
        }
    }

    private static String line(SqliteImport.Progress p, double fraction) {
        return String.format(Locale.ROOT, "%3.0f%%  %,d/%,d rows  imported %,d  duplicate %,d  rejected %,d", fraction * 100, p.read(), p.total(),
                p.imported(), p.duplicates(), p.rejected());
    }
}
