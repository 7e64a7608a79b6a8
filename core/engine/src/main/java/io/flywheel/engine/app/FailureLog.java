package io.flywheel.engine.app;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Logs the failed polls of a market (or the catch-up): one line per failure, with the count in a
 * row, why and when the next try is, and a line when it works again. A failure that repeats is
 * logged at the 1st, 2nd, 4th, 8th... failure in a row, when its error changes, and at least once an
 * hour: a feed down for good, polled every minute, would otherwise fill the log with 1,440 lines a day.
 */
final class FailureLog {
    /** The longest a repeating failure goes unlogged. */
    static final Duration QUIET = Duration.ofHours(1);

    private record Logged(String error, Instant at, int failures) {}

    private final Logger log;
    private final Supplier<Instant> now;
    /** Per market, the last failure logged in its run of failures; read and replaced under this object's lock, as a retry and a scheduled poll can overlap. */
    private final Map<String, Logged> last = new HashMap<>();

    FailureLog(Logger log, Supplier<Instant> now) {
        this.log = log;
        this.now = now;
    }

    /** The {@code failures}-th failure in a row of {@code what} (a market id, or "the catch-up"), for {@code error}; {@code next} says when the next try is. */
    synchronized void failed(String what, int failures, String error, String next) {
        Instant at = now.get();
        Logged before = failures == 1 ? null : last.get(what);
        boolean due = before == null || !before.error().equals(error) || Integer.bitCount(failures) == 1 || !at.isBefore(before.at().plus(QUIET));
        if (!due) {
            return;
        }
        int unlogged = before == null ? 0 : failures - before.failures() - 1;
        last.put(what, new Logged(error, at, failures));
        log.error("{} failed {} time(s) in a row{}: {}; {}", name(what), failures,
                unlogged > 0 ? " (" + unlogged + " like it since " + before.at() + " not logged)" : "", error, next);
    }

    /** {@code what} works again after {@code failures} failures in a row (none: nothing to say). */
    synchronized void recovered(String what, int failures) {
        Logged before = last.remove(what);
        if (failures > 0) {
            log.info("{} works again after {} failed tr{} in a row{}", name(what), failures, failures == 1 ? "y" : "ies",
                    before == null ? "" : " (last logged at " + before.at() + ")");
        }
    }

    private static String name(String what) {
        return what.startsWith("the ") ? "Paper trading: " + what : "Paper trading on " + what;
    }
}
