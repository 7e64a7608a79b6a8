package io.flywheel.engine.app;

import io.flywheel.engine.store.AtomicFile;
import io.flywheel.engine.text.Cells;
import io.flywheel.engine.trading.PaperTrader;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The paper book as the running process last saw it ({@code status/trading.properties} beside the
 * store): its equity, each strategy's equity and weight, what differs from a backtest, and the last
 * poll of each market. Written after every poll, so {@code flywheel status} can show trading while
 * {@code flywheel run} holds the store.
 */
public final class TradingStatusFile {
    /** The poll of every market at once (start-up catch-up and {@code --once}). */
    public static final String ALL_MARKETS = "*";

    /** The last poll of {@code market} ({@link #ALL_MARKETS} for all): when, and why it failed ({@code null} when it did not). */
    public record Poll(String market, Instant at, String error) {
        public boolean failed() {
            return error != null;
        }
    }

    /** What the file holds; {@code book} is empty before the first poll built it. */
    public record Status(Instant written, Optional<PaperTrader.Snapshot> book, List<Poll> polls) {
        public Status {
            polls = List.copyOf(polls);
        }

        /** Whether the last poll of some market failed. */
        public boolean failing() {
            return polls.stream().anyMatch(Poll::failed);
        }

        /** Lines for a terminal, the strategies in the order of {@code ids}. */
        public List<String> lines(List<String> ids) {
            List<String> out = new ArrayList<>();
            out.add("trading: reported " + written);
            book.ifPresentOrElse(b -> {
                out.add("  paper book " + StrategyTable.headline(b));
                StrategyTable.rows(b, ids, null).forEach(r -> out.add("  " + r));
                b.problems().forEach(p -> out.add("  problem: " + p));
            }, () -> out.add("  the paper book has not read its markets yet"));
            for (Poll p : polls) {
                String what = p.market().equals(ALL_MARKETS) ? "the markets" : "market " + p.market();
                if (p.failed()) {
                    out.add("  FAILING: the last poll of " + what + " at " + p.at() + " failed: " + p.error());
                }
            }
            return out;
        }
    }

    private final Path file;

    public TradingStatusFile(Path file) {
        this.file = file;
    }

    /** The file for a store at {@code storeFile}. */
    public static TradingStatusFile besideStore(Path storeFile) {
        return new TradingStatusFile(storeFile.toAbsolutePath().getParent().resolve("status").resolve("trading.properties"));
    }

    public Path file() {
        return file;
    }

    public synchronized void write(Status s) {
        Properties p = new Properties();
        p.setProperty("written", s.written().toString());
        s.book().ifPresent(b -> {
            if (b.start() != null) p.setProperty("book.start", b.start().toString());
            if (b.lastBar() != null) p.setProperty("book.last-bar", b.lastBar().toString());
            p.setProperty("book.capital", Double.toString(b.capital()));
            p.setProperty("book.equity", Double.toString(b.equity()));
            b.equities().forEach((id, v) -> p.setProperty("strategy." + id + ".equity", Double.toString(v)));
            b.weights().forEach((id, v) -> p.setProperty("strategy." + id + ".weight", Double.toString(v)));
            for (int i = 0; i < b.problems().size(); i++) {
                p.setProperty("problem." + i, b.problems().get(i));
            }
        });
        for (Poll poll : s.polls()) {
            p.setProperty("poll." + poll.market() + ".at", poll.at().toString());
            if (poll.failed()) {
                p.setProperty("poll." + poll.market() + ".error", poll.error());
            }
        }
        AtomicFile.writeProperties(file, p, "Written by Flywheel after each poll of its markets; read by `flywheel status`");
    }

    /**
     * What the running (or last) process wrote, or empty when no process with trading has run.
     *
     * @throws IllegalStateException naming the file and the entry, when the file cannot be read
     */
    public Optional<Status> read() {
        Optional<Properties> read = AtomicFile.readProperties(file);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        Properties p = read.get();
        Instant written = instant(p, "written");
        if (written == null) {
            throw new IllegalStateException(file + ": written: missing");
        }
        Optional<PaperTrader.Snapshot> book = Optional.empty();
        if (p.getProperty("book.equity") != null) {
            Map<String, Double> equities = new LinkedHashMap<>();
            Map<String, Double> weights = new LinkedHashMap<>();
            List<String> problems = new ArrayList<>();
            for (String key : new TreeMap<>(p).keySet().stream().map(Object::toString).toList()) {
                if (key.startsWith("strategy.") && key.endsWith(".equity")) {
                    equities.put(key.substring(9, key.length() - 7), number(p, key));
                } else if (key.startsWith("strategy.") && key.endsWith(".weight")) {
                    weights.put(key.substring(9, key.length() - 7), number(p, key));
                }
            }
            for (int i = 0; p.getProperty("problem." + i) != null; i++) {
                problems.add(p.getProperty("problem." + i));
            }
            book = Optional.of(new PaperTrader.Snapshot(instant(p, "book.start"), instant(p, "book.last-bar"), number(p, "book.capital"),
                    number(p, "book.equity"), equities, weights, problems));
        }
        List<Poll> polls = new ArrayList<>();
        for (String key : new TreeMap<>(p).keySet().stream().map(Object::toString).toList()) {
            if (key.startsWith("poll.") && key.endsWith(".at")) {
                String market = key.substring(5, key.length() - 3);
                polls.add(new Poll(market, instant(p, key), p.getProperty("poll." + market + ".error")));
            }
        }
        return Optional.of(new Status(written, book, polls));
    }

    private Instant instant(Properties p, String key) {
        String v = p.getProperty(key);
        try {
            return v == null ? null : Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalStateException(file + ": " + key + ": not a time: '" + v + "'");
        }
    }

    private double number(Properties p, String key) {
        String v = p.getProperty(key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalStateException(file + ": " + key + ": not a number: " + (v == null ? "missing" : "'" + v + "'"));
        }
    }

    /** The strategies of a paper book as a table, for {@code /strategies} and {@code flywheel status}. */
    static final class StrategyTable {
        private StrategyTable() {}

        static String headline(PaperTrader.Snapshot s) {
            return String.format(Locale.ROOT, "since %s, last bar %s: equity %.2f (%+.2f%% on %.2f)", s.start(), s.lastBar(), s.equity(),
                    100 * (s.equity() / s.capital() - 1), s.capital());
        }

        /** A header and one row per strategy of {@code ids} ({@code only} alone when not {@code null}). */
        static List<String> rows(PaperTrader.Snapshot s, List<String> ids, String only) {
            List<String> rows = new ArrayList<>();
            rows.add(String.format(Locale.ROOT, "%-20s %12s %8s", "strategy", "equity", "weight"));
            for (String sid : ids) {
                if (only != null && !only.equals(sid)) {
                    continue;
                }
                Double eq = s.equities().get(sid);
                Double w = s.weights().get(sid);
                rows.add(String.format(Locale.ROOT, "%s %12s %8s", Cells.fit(sid, 20),
                        eq == null ? "-" : String.format(Locale.ROOT, "%.2f", eq), w == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * w)));
            }
            return rows;
        }
    }
}
