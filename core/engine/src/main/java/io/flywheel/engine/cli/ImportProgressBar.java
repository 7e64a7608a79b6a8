package io.flywheel.engine.cli;

import io.flywheel.engine.imports.SqliteImport;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Locale;

/** A progress line on stderr: redrawn in place on a terminal, a line per tenth otherwise. */
final class ImportProgressBar {
    private static final int WIDTH = 30;
    private static final long REDRAW_MILLIS = 100;

    private final PrintStream err;
    private final Clock clock;
    private final boolean interactive;
    private long lastDraw = Long.MIN_VALUE;
    private int lastTenth = -1;
    private boolean drawn;

    ImportProgressBar(PrintStream err, Clock clock, boolean interactive) {
        this.err = err;
        this.clock = clock;
        this.interactive = interactive;
    }

    void update(SqliteImport.Progress p) {
        double fraction = p.total() == 0 ? 1 : Math.min(1, (double) p.read() / p.total());
        if (interactive) {
            long now = clock.millis();
            if (now - lastDraw < REDRAW_MILLIS && p.read() < p.total()) {
                return;
            }
            lastDraw = now;
            int filled = (int) Math.round(fraction * WIDTH);
            err.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + line(p, fraction));
            drawn = true;
        } else {
            int tenth = (int) Math.floor(fraction * 10);
            if (tenth > lastTenth) {
                lastTenth = tenth;
                err.println("import: " + line(p, fraction));
            }
        }
    }

    void finish() {
        if (interactive && drawn) {
            err.println();
        }
    }

    private static String line(SqliteImport.Progress p, double fraction) {
        return String.format(Locale.ROOT, "%3.0f%%  %,d/%,d rows  imported %,d  duplicate %,d  rejected %,d", fraction * 100, p.read(), p.total(),
                p.imported(), p.duplicates(), p.rejected());
    }
}
