package io.flywheel.plugins.market;

import io.flywheel.api.market.Bar;
import io.flywheel.api.market.MarketFeed;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Consumer;

/**
 * Reads the configured CSV files on every fetch (so a file that grows is followed), checks every
 * row, and returns the bars after {@code since}. Problems after {@code since} are logged once
 * with file and line; a bad row fails the fetch unless {@code bad-rows: skip}.
 */
final class CsvFeed implements MarketFeed {
    private static final List<String> TIME_NAMES = List.of("time", "date", "timestamp", "datetime", "open time", "open_time", "opentime");

    private final CsvFeedFactory.Config config;
    private final Consumer<String> warnings;
    private final Function<String, Instant> times;
    private final BarChecks checks;

    CsvFeed(CsvFeedFactory.Config config, Consumer<String> warnings) {
        this.config = config;
        this.warnings = warnings;
        this.times = TimeParser.of(config.timeFormat(), config.timeZone());
        this.checks = new BarChecks(new BarChecks.Rules(config.interval(), config.maxGap(), config.gaps(), config.badRows()));
    }

    @Override
    public List<Bar> fetch(Instant since) {
        Map<String, Path> files = new LinkedHashMap<>();
        if (config.file() != null) {
            files.put(config.symbol(), config.file());
        } else {
            files.putAll(config.files());
        }
        List<Bar> out = new ArrayList<>();
        for (var e : files.entrySet()) {
            List<RawRow> rows = read(e.getValue(), e.getKey());
            BarChecks.Result checked = checks.check(rows, Map.of(), since);
            checked.warnings().forEach(warnings);
            for (Bar b : checked.bars()) {
                if (since == null || b.time().isAfter(since)) {
                    out.add(b);
                }
            }
        }
        out.sort(Comparator.comparing(Bar::time));
        return out;
    }

    /** Every data row of {@code file}, with its line number. */
    List<RawRow> read(Path file, String fixedSymbol) {
        List<RawRow> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            Layout layout = null;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                List<String> fields = CsvLine.split(line, config.delimiterChar());
                if (layout == null) {
                    layout = config.header() ? Layout.fromHeader(fields, config.columns(), file) : Layout.fromNumbers(config.columns());
                    if (config.header()) {
                        continue;
                    }
                }
                rows.add(row(fields, layout, fixedSymbol, file + ":" + lineNo));
            }
            if (layout == null && config.header()) {
                throw new BadMarketDataException(file + ": empty file, no header line");
            }
        } catch (NoSuchFileException e) {
            throw new BadMarketDataException(file + ": file not found");
        } catch (IOException e) {
            throw new BadMarketDataException(file + ": cannot read: " + e.getMessage());
        }
        return rows;
    }

    private RawRow row(List<String> fields, Layout layout, String fixedSymbol, String where) {
        String symbol = layout.symbol >= 0 ? field(fields, layout.symbol) : fixedSymbol;
        if (symbol == null || symbol.isBlank()) {
            return RawRow.unreadable(fixedSymbol == null ? "?" : fixedSymbol, where, "no symbol in column " + (layout.symbol + 1));
        }
        if (fields.size() <= layout.maxIndex()) {
            return RawRow.unreadable(symbol, where, "has " + fields.size() + " field(s), expected at least " + (layout.maxIndex() + 1));
        }
        String timeText = field(fields, layout.time);
        Instant time = TimeParser.parseOrNull(times, timeText);
        if (time == null) {
            return RawRow.unreadable(symbol, where, "time '" + timeText + "' is not in format " + config.timeFormat());
        }
        double[] v = new double[5];
        int[] idx = {layout.open, layout.high, layout.low, layout.close, layout.volume};
        String[] names = {"open", "high", "low", "close", "volume"};
        for (int i = 0; i < 5; i++) {
            if (idx[i] < 0) {
                v[i] = 0;
                continue;
            }
            String text = field(fields, idx[i]);
            try {
                v[i] = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                return RawRow.unreadable(symbol, where, names[i] + " '" + text + "' is not a number");
            }
        }
        return new RawRow(symbol.strip(), time, v[0], v[1], v[2], v[3], v[4], where, null);
    }

    private static String field(List<String> fields, int index) {
        return fields.get(index).strip();
    }

    /** Column positions, 0-based; -1 when absent. */
    record Layout(int time, int open, int high, int low, int close, int volume, int symbol) {
        int maxIndex() {
            return Math.max(Math.max(Math.max(time, open), Math.max(high, low)), Math.max(Math.max(close, volume), symbol));
        }

        static Layout fromHeader(List<String> header, CsvFeedFactory.Columns c, Path file) {
            List<String> names = header.stream().map(CsvFeedFactory::lower).toList();
            return new Layout(
                    find(names, c.time(), TIME_NAMES, "time", file, true),
                    find(names, c.open(), List.of("open"), "open", file, true),
                    find(names, c.high(), List.of("high"), "high", file, true),
                    find(names, c.low(), List.of("low"), "low", file, true),
                    find(names, c.close(), List.of("close"), "close", file, true),
                    find(names, c.volume(), List.of("volume", "vol"), "volume", file, c.volume() != null),
                    c.symbol() == null ? -1 : find(names, c.symbol(), List.of(), "symbol", file, true));
        }

        static Layout fromNumbers(CsvFeedFactory.Columns c) {
            return new Layout(num(c.time()), num(c.open()), num(c.high()), num(c.low()), num(c.close()),
                    c.volume() == null ? -1 : num(c.volume()), c.symbol() == null ? -1 : num(c.symbol()));
        }

        private static int num(String s) {
            return Integer.parseInt(s.strip()) - 1;
        }

        private static int find(List<String> names, String configured, List<String> defaults, String what, Path file, boolean required) {
            List<String> wanted = configured != null ? List.of(CsvFeedFactory.lower(configured)) : defaults;
            for (String w : wanted) {
                int i = names.indexOf(w);
                if (i >= 0) {
                    return i;
                }
            }
            if (!required) {
                return -1;
            }
            throw new BadMarketDataException(file + ":1: no " + what + " column (looked for " + String.join(" or ", wanted) + " in header "
                    + names + "); set columns." + what);
        }
    }
}
