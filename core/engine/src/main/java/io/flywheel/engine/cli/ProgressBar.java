package io.flywheel.engine.cli;

import io.flywheel.engine.trading.Backtester;
import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on stderr for long runs; short runs print nothing. */
final class ProgressBar implements Backtester.Progress {
    private static final int WIDTH = 30;
    private final PrintStream err;
    private final long showFrom;
    private int lastPercent = -1;
    private boolean shown;

    ProgressBar(PrintStream err, long showFrom) {
        this.err = err;
        this.showFrom = showFrom;
    }

    @Override
    public void at(long done, long total) {
        if (total < showFrom || total <= 0) {
            return;
        }
        int percent = (int) (done * 100 / total);
        if (percent == lastPercent) {
            return;
        }
        lastPercent = percent;
        int filled = percent * WIDTH / 100;
        err.printf(Locale.ROOT, "\rbacktest [%s%s] %3d%%  %,d/%,d bars", "#".repeat(filled), ".".repeat(WIDTH - filled), percent, done, total);
        err.flush();
        shown = true;
    }

    void done() {
        if (shown) {
            err.println();
            shown = false;
        }
    }
}
