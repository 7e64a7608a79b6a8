package io.flywheel.plugins.market;

import io.flywheel.api.PluginContext;
import io.flywheel.api.market.MarketFeed;
import io.flywheel.api.market.MarketFeedFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.pf4j.Extension;

/** {@code type: csv}: OHLCV bars from CSV files, one file per symbol or one file with a symbol column. */
@Extension
public final class CsvFeedFactory implements MarketFeedFactory<CsvFeedFactory.Config> {

    /**
     * @param file one CSV file (with {@code symbol}, or a symbol column named in {@code columns.symbol})
     * @param files one CSV file per symbol: symbol to file
     * @param symbol the symbol of {@code file}'s bars
     * @param delimiter a single character, or {@code tab}; default {@code ,}
     * @param header whether the first line names the columns (default true); without one, columns are 1-based numbers
     * @param columns which column holds what; defaults are the usual names, matched without regard to case
     * @param timeFormat {@code iso} (dates, date-times, instants), {@code epoch-seconds}, {@code epoch-millis},
     *     or a {@link DateTimeFormatter} pattern such as {@code dd/MM/yyyy HH:mm}
     * @param timeZone the zone of times written without an offset (default UTC)
     * @param interval the bar spacing, for gap checks (default: the smallest spacing in the data)
     * @param maxGap spacing up to this is not reported as a gap (for example {@code 4d} for daily equity data)
     * @param gaps {@code skip} (default) or {@code forward-fill}; gaps are reported either way
     * @param badRows {@code fail} (default: the fetch fails naming the row) or {@code skip} (dropped and reported)
     */
    public record Config(Path file, Map<String, Path> files, String symbol, String delimiter, Boolean header, Columns columns,
            String timeFormat, ZoneId timeZone, Duration interval, Duration maxGap, GapPolicy gaps, BadRowPolicy badRows) {
        public Config {
            files = files == null ? Map.of() : Map.copyOf(files);
            if ((file == null) == files.isEmpty()) {
                throw new IllegalArgumentException("file/files: give exactly one of 'file' (one CSV) or 'files' (symbol: path for each symbol)");
            }
            columns = columns == null ? new Columns(null, null, null, null, null, null, null) : columns;
            if (file != null && (symbol == null || symbol.isBlank()) && columns.symbol() == null) {
                throw new IllegalArgumentException("symbol: required with 'file' unless columns.symbol names a symbol column");
            }
            delimiter = delimiter == null ? "," : delimiter;
            if (delimiter.equalsIgnoreCase("tab") || delimiter.equals("\\t")) {
                delimiter = "\t";
            }
            if (delimiter.length() != 1) {
                throw new IllegalArgumentException("delimiter: must be one character or 'tab', found '" + delimiter + "'");
            }
            header = header == null || header;
            timeFormat = timeFormat == null || timeFormat.isBlank() ? "iso" : timeFormat.strip();
            TimeParser.of(timeFormat, ZoneId.of("UTC"));
            timeZone = timeZone == null ? ZoneId.of("UTC") : timeZone;
            if (interval != null && (interval.isNegative() || interval.isZero())) {
                throw new IllegalArgumentException("interval: must be positive");
            }
            if (!header) {
                columns.requireNumbers();
            }
        }

        char delimiterChar() {
            return delimiter.charAt(0);
        }
    }

    /**
     * Column names (or 1-based numbers without a header). {@code null} means the usual name:
     * time: {@code time}, {@code date}, {@code timestamp}, {@code datetime} or {@code open time};
     * prices: {@code open}, {@code high}, {@code low}, {@code close}; {@code volume} (0 when absent);
     * symbol: none.
     */
    public record Columns(String time, String open, String high, String low, String close, String volume, String symbol) {
        /** Without a header: time and the prices are required, volume and symbol optional; each a column number from 1. */
        void requireNumbers() {
            String[][] named = {{"time", time}, {"open", open}, {"high", high}, {"low", low}, {"close", close}, {"volume", volume}, {"symbol", symbol}};
            for (String[] n : named) {
                boolean optional = n[0].equals("volume") || n[0].equals("symbol");
                if (optional && n[1] == null) {
                    continue;
                }
                if (n[1] == null || !n[1].strip().matches("0*[1-9]\\d{0,8}")) {
                    throw new IllegalArgumentException("columns." + n[0] + ": without a header give the column's number (1 = first), found "
                            + (n[1] == null ? "nothing" : "'" + n[1] + "'"));
                }
            }
        }
    }

    @Override
    public String type() {
        return "csv";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public MarketFeed create(Config config, PluginContext context) {
        return new CsvFeed(config, w -> context.log().warn("{}", w));
    }

    @Override
    public String description() {
        return "OHLCV bars from CSV files (columns, delimiter, time format and zone configurable)";
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT).strip();
    }
}
