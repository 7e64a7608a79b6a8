package io.flywheel.testkit;

import io.flywheel.api.market.Bar;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Real price history for tests (origins in {@code prices/README.md} beside this class). */
public final class PriceFixtures {
    private PriceFixtures() {}

    /** BTC-USD daily, 2009-10-05 to 2026-03-06 (TradingView index). */
    public static List<Bar> btcDaily() {
        return load("btc-usd-1d.csv.gz", "BTC-USD");
    }

    /** ETH-USD daily, 2016-05-18 to 2026-03-10 (Coinbase). */
    public static List<Bar> ethDaily() {
        return load("eth-usd-1d.csv.gz", "ETH-USD");
    }

    /** BTC-USD 4-hour bars, 2016-05-18 to 2025-10-28 (Coinbase). */
    public static List<Bar> btc4h() {
        return load("btc-usd-4h.csv.gz", "BTC-USD");
    }

    /** S&amp;P 500 weekly, 1950 to 2026 (Yahoo Finance). */
    public static List<Bar> sp500Weekly() {
        return load("sp500-1w.csv.gz", "SPX");
    }

    /** AAPL daily, 2013. */
    public static List<Bar> aapl2013() {
        return load("aapl-1d-2013.csv", "AAPL");
    }

    /** The raw resource, for tests that read files themselves. */
    public static InputStream open(String name) {
        InputStream in = PriceFixtures.class.getResourceAsStream("prices/" + name);
        if (in == null) {
            throw new IllegalArgumentException("no price fixture prices/" + name);
        }
        try {
            return name.endsWith(".gz") ? new GZIPInputStream(in) : in;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Bar> load(String name, String symbol) {
        List<Bar> bars = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(name), StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(",");
                Instant t = f[0].length() == 10 ? LocalDate.parse(f[0]).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(f[0]);
                bars.add(new Bar(symbol, t, Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                        Double.parseDouble(f[5])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(bars);
    }
}
