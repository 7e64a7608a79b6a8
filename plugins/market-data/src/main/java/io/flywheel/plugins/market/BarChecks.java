package io.flywheel.plugins.market;

import io.flywheel.api.market.Bar;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns rows into bars, checking each one: finite positive prices, a high that bounds the bar,
 * non-negative volume, strictly increasing times per symbol. Bad rows fail the fetch or are
 * skipped (and reported) by {@link BadRowPolicy}; gaps longer than {@code maxGap} are reported and
 * skipped or forward-filled by {@link GapPolicy}. Nothing is changed silently.
 */
final class BarChecks {
    /** Individual gap and bad-row messages kept per check; the rest are counted in a summary line. */
    static final int MAX_DETAILED = 10;

    /**
     * @param interval the expected spacing of bars; {@code null} infers it per symbol (the smallest spacing seen)
     * @param maxGap spacing up to this is not a gap (weekends for daily equity data); {@code null} means {@code interval}
     */
    record Rules(Duration interval, Duration maxGap, GapPolicy gaps, BadRowPolicy badRows) {
        Rules {
            gaps = gaps == null ? GapPolicy.SKIP : gaps;
            badRows = badRows == null ? BadRowPolicy.FAIL : badRows;
        }
    }

    /** Checked bars per symbol, time-sorted, and every problem found, in words. */
    record Result(List<Bar> bars, List<String> warnings) {}

    private final Rules rules;
    /** The smallest spacing seen per symbol, across checks, when the interval is not configured. */
    private final Map<String, Duration> spacing = new HashMap<>();

    BarChecks(Rules rules) {
        this.rules = Objects.requireNonNull(rules);
    }

    /**
     * @param rows in the order read
     * @param previous the last bar already delivered per symbol, so order and gaps are checked across fetches
     * @param reportAfter gaps and bad rows at or before this time are not reported again ({@code null}: report all)
     */
    Result check(List<RawRow> rows, Map<String, Bar> previous, Instant reportAfter) {
        Map<String, Bar> last = new HashMap<>(previous);
        if (rules.interval() == null) {
            inferIntervals(rows, previous);
        }
        List<Bar> out = new ArrayList<>(rows.size());
        List<String> warnings = new ArrayList<>();
        int skipped = 0;
        int gaps = 0;
        int filled = 0;
        for (RawRow row : rows) {
            boolean report = reportAfter == null || row.time() == null || row.time().isAfter(reportAfter);
            String problem = problem(row, last.get(row.symbol()));
            if (problem != null) {
                if (rules.badRows() == BadRowPolicy.FAIL) {
                    throw new BadMarketDataException(row.where() + ": " + problem);
                }
                if (report) {
                    skipped++;
                    if (skipped <= MAX_DETAILED) {
                        warnings.add(row.where() + ": skipped: " + problem);
                    }
                }
                continue;
            }
            Bar bar = new Bar(row.symbol(), row.time(), row.open(), row.high(), row.low(), row.close(), row.volume());
            Bar before = last.get(row.symbol());
            Duration interval = rules.interval() != null ? rules.interval() : spacing.get(row.symbol());
            if (before != null && interval != null) {
                // A gap is at least one whole bar missing; clocks that shift by an hour (DST) are not gaps.
                Duration allowed = rules.maxGap() != null && rules.maxGap().compareTo(interval) > 0 ? rules.maxGap() : interval.plus(interval.dividedBy(2));
                Duration step = Duration.between(before.time(), bar.time());
                if (step.compareTo(allowed) > 0) {
                    long missing = Math.round((double) step.toNanos() / interval.toNanos()) - 1;
                    if (report) {
                        gaps++;
                        if (gaps <= MAX_DETAILED) {
                            warnings.add(row.where() + ": gap in " + row.symbol() + " of " + human(step) + " after " + before.time() + " (about "
                                    + missing + " bar(s) of " + human(interval) + " missing)"
                                    + (rules.gaps() == GapPolicy.FORWARD_FILL ? "; forward-filled at " + before.close() : "; skipped"));
                        }
                    }
                    if (rules.gaps() == GapPolicy.FORWARD_FILL) {
                        for (Instant t = before.time().plus(interval); t.isBefore(bar.time()); t = t.plus(interval)) {
                            double c = before.close();
                            out.add(new Bar(row.symbol(), t, c, c, c, c, 0));
                            filled++;
                        }
                    }
                }
            }
            out.add(bar);
            last.put(row.symbol(), bar);
        }
        if (skipped > MAX_DETAILED) {
            warnings.add((skipped - MAX_DETAILED) + " more bad row(s) skipped");
        }
        if (gaps > MAX_DETAILED) {
            warnings.add((gaps - MAX_DETAILED) + " more gap(s)" + (rules.gaps() == GapPolicy.FORWARD_FILL ? " forward-filled" : " skipped"));
        }
        if (filled > 0) {
            warnings.add(filled + " bar(s) forward-filled in all");
        }
        return new Result(out, warnings);
    }

    /** Why {@code row} cannot follow {@code before}, or {@code null} when it is a good bar. */
    private static String problem(RawRow row, Bar before) {
        if (row.problem() != null) {
            return row.problem();
        }
        if (row.time() == null) {
            return "no time";
        }
        double[] prices = {row.open(), row.high(), row.low(), row.close()};
        String[] names = {"open", "high", "low", "close"};
        for (int i = 0; i < prices.length; i++) {
            if (Double.isNaN(prices[i]) || Double.isInfinite(prices[i])) {
                return names[i] + " is " + prices[i];
            }
            if (prices[i] <= 0) {
                return names[i] + " is not positive: " + prices[i];
            }
        }
        if (!Double.isFinite(row.volume())) {
            return "volume is " + row.volume();
        }
        if (row.volume() < 0) {
            return "volume is negative: " + row.volume();
        }
        if (row.high() < row.low()) {
            return "high " + row.high() + " is below low " + row.low();
        }
        if (row.high() < Math.max(row.open(), row.close()) || row.low() > Math.min(row.open(), row.close())) {
            return "high/low " + row.high() + "/" + row.low() + " do not bound open " + row.open() + " and close " + row.close();
        }
        if (before != null) {
            int c = row.time().compareTo(before.time());
            if (c == 0) {
                return "duplicate time " + row.time() + " for " + row.symbol();
            }
            if (c < 0) {
                return "out of order: " + row.time() + " comes after " + before.time() + " for " + row.symbol();
            }
        }
        return null;
    }

    private void inferIntervals(List<RawRow> rows, Map<String, Bar> previous) {
        Map<String, Instant> prev = new HashMap<>();
        previous.forEach((symbol, bar) -> prev.put(symbol, bar.time()));
        for (RawRow row : rows) {
            if (row.time() == null) {
                continue;
            }
            Instant p = prev.put(row.symbol(), row.time());
            if (p != null && row.time().isAfter(p)) {
                Duration d = Duration.between(p, row.time());
                spacing.merge(row.symbol(), d, (a, b) -> a.compareTo(b) <= 0 ? a : b);
            }
        }
    }

    static String human(Duration d) {
        if (d.toSeconds() % 86_400 == 0) return d.toDays() + "d";
        if (d.toSeconds() % 3_600 == 0) return d.toHours() + "h";
        if (d.toSeconds() % 60 == 0) return d.toMinutes() + "m";
        return d.toSeconds() + "s";
    }
}
