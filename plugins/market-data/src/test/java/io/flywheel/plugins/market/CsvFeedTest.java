package io.flywheel.plugins.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.market.Bar;
import io.flywheel.testkit.PriceFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvFeedTest {
    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private static CsvFeedFactory.Config config(Path file, String symbol) {
        return new CsvFeedFactory.Config(file, null, symbol, null, null, null, null, null, null, null, null, null);
    }

    private CsvFeed feed(CsvFeedFactory.Config c) {
        return new CsvFeed(c, warnings::add);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void readsTheRealAppleFileWithTheUsualColumnNames() throws IOException {
        Path file = dir.resolve("aapl.csv");
        try (InputStream in = PriceFixtures.open("aapl-1d-2013.csv")) {
            Files.copy(in, file);
        }
        List<Bar> bars = feed(config(file, "AAPL")).fetch(null);

        assertThat(bars).hasSize(252).isEqualTo(PriceFixtures.aapl2013());
        assertThat(bars.getFirst()).isEqualTo(new Bar("AAPL", Instant.parse("2013-01-02T00:00:00Z"), 553.82, 555.00, 541.63, 549.03, 20018500));
        assertThat(warnings).as("weekends and holidays are gaps for a daily feed without max-gap").isNotEmpty();
    }

    @Test
    void weekendsAreNotGapsWhenMaxGapAllowsThem() throws IOException {
        Path file = dir.resolve("aapl.csv");
        try (InputStream in = PriceFixtures.open("aapl-1d-2013.csv")) {
            Files.copy(in, file);
        }
        var c = new CsvFeedFactory.Config(file, null, "AAPL", null, null, null, null, null, Duration.ofDays(1), Duration.ofDays(4), null, null);
        assertThat(feed(c).fetch(null)).hasSize(252);
        assertThat(warnings).isEmpty();
    }

    @Test
    void columnsDelimiterTimeFormatAndZoneAreConfigurable() throws IOException {
        Path file = write("eu.csv", """
                Zeit;Erster;Hoch;Tief;Letzter;Umsatz
                02/01/2024 09:00;10,5;11;10;10,8;100
                """.replace(",", "."));
        var c = new CsvFeedFactory.Config(file, null, "DAX", ";", null,
                new CsvFeedFactory.Columns("zeit", "erster", "hoch", "tief", "letzter", "umsatz", null),
                "dd/MM/yyyy HH:mm", ZoneId.of("Europe/Berlin"), null, null, null, null);

        List<Bar> bars = feed(c).fetch(null);

        assertThat(bars).containsExactly(new Bar("DAX", Instant.parse("2024-01-02T08:00:00Z"), 10.5, 11, 10, 10.8, 100));
    }

    @Test
    void readsFilesWithoutHeaderByColumnNumberAndEpochTimes() throws IOException {
        Path file = write("raw.csv", "1704067200,BTC,1,2,0.5,1.5\n1704153600,BTC,1.5,2,1,1.2\n");
        var c = new CsvFeedFactory.Config(file, null, "BTC", null, false, new CsvFeedFactory.Columns("1", "3", "4", "5", "6", null, null),
                "epoch-seconds", null, null, null, null, null);

        assertThat(feed(c).fetch(null)).extracting(Bar::time, Bar::volume)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Instant.parse("2024-01-01T00:00:00Z"), 0.0),
                        org.assertj.core.groups.Tuple.tuple(Instant.parse("2024-01-02T00:00:00Z"), 0.0));
    }

    @Test
    void oneFileWithASymbolColumnYieldsEachSymbolInTimeOrder() throws IOException {
        Path file = write("multi.csv", """
                date,ticker,open,high,low,close,volume
                2024-01-01,AAA,1,1,1,1,1
                2024-01-01,BBB,2,2,2,2,2
                2024-01-02,AAA,1.1,1.1,1.1,1.1,1
                2024-01-02,BBB,2.2,2.2,2.2,2.2,2
                """);
        var c = new CsvFeedFactory.Config(file, null, null, null, null, new CsvFeedFactory.Columns(null, null, null, null, null, null, "ticker"),
                null, null, null, null, null, null);

        List<Bar> bars = feed(c).fetch(null);

        assertThat(bars).extracting(Bar::symbol).containsExactly("AAA", "BBB", "AAA", "BBB");
        assertThat(warnings).isEmpty();
    }

    @Test
    void oneFilePerSymbol() throws IOException {
        Path a = write("a.csv", "date,open,high,low,close\n2024-01-01,1,1,1,1\n2024-01-02,1,1,1,1\n");
        Path b = write("b.csv", "date,open,high,low,close\n2024-01-01,5,5,5,5\n");
        var c = new CsvFeedFactory.Config(null, Map.of("AAA", a, "BBB", b), null, null, null, null, null, null, null, null, null, null);

        assertThat(feed(c).fetch(null)).extracting(Bar::symbol).containsExactlyInAnyOrder("AAA", "AAA", "BBB");
    }

    @Test
    void sinceReturnsOnlyLaterBarsAndAGrowingFileIsFollowed() throws IOException {
        Path file = write("grow.csv", "date,open,high,low,close\n2024-01-01,1,1,1,1\n2024-01-02,2,2,2,2\n");
        CsvFeed feed = feed(config(file, "X"));
        List<Bar> first = feed.fetch(null);
        Files.writeString(file, "2024-01-03,3,3,3,3\n", java.nio.file.StandardOpenOption.APPEND);

        List<Bar> next = feed.fetch(first.getLast().time());

        assertThat(next).extracting(Bar::close).containsExactly(3.0);
        assertThat(feed.fetch(next.getLast().time())).isEmpty();
    }

    @Test
    void everyKindOfBadRowFailsNamingFileAndLine() throws IOException {
        String header = "date,open,high,low,close,volume\n";
        String good = "2024-01-01,10,11,9,10,5\n";
        Map<String, String> cases = Map.of(
                "unsorted", good + "2024-01-03,10,11,9,10,5\n2024-01-02,10,11,9,10,5\n",
                "duplicate", good + "2024-01-01,10,11,9,10,5\n",
                "nan", good + "2024-01-02,NaN,11,9,10,5\n",
                "zero", good + "2024-01-02,10,11,0,10,5\n",
                "negative", good + "2024-01-02,-10,11,9,10,5\n",
                "highlow", good + "2024-01-02,10,9,11,10,5\n",
                "text", good + "2024-01-02,ten,11,9,10,5\n",
                "time", good + "yesterday,10,11,9,10,5\n",
                "negvolume", good + "2024-01-02,10,11,9,10,-5\n");
        Map<String, String> expected = Map.of(
                "unsorted", "unsorted.csv:4: out of order", "duplicate", "duplicate.csv:3: duplicate time 2024-01-01T00:00:00Z",
                "nan", "nan.csv:3: open is NaN", "zero", "zero.csv:3: low is not positive", "negative", "negative.csv:3: open is not positive",
                "highlow", "highlow.csv:3: high 9.0 is below low 11.0", "text", "text.csv:3: open 'ten' is not a number",
                "time", "time.csv:3: time 'yesterday' is not in format iso", "negvolume", "negvolume.csv:3: volume is negative");
        for (var e : cases.entrySet()) {
            Path file = write(e.getKey() + ".csv", header + e.getValue());
            assertThatThrownBy(() -> feed(config(file, "X")).fetch(null))
                    // the whole path, as the file-level errors say it: a base name alone may be in any of several folders
                    .as(e.getKey()).isInstanceOf(BadMarketDataException.class).hasMessageContaining(dir.resolve(expected.get(e.getKey())).toString());
        }
    }

    @Test
    void badRowsCanBeSkippedAndEachIsReported() throws IOException {
        Path file = write("mixed.csv", """
                date,open,high,low,close
                2024-01-01,10,11,9,10
                2024-01-02,10,9,11,10
                2024-01-02,10,11,9,10
                2024-01-02,10,11,9,10
                2024-01-03,NaN,11,9,10
                """);
        var c = new CsvFeedFactory.Config(file, null, "X", null, null, null, null, null, Duration.ofDays(1), null, null, BadRowPolicy.SKIP);

        List<Bar> bars = feed(c).fetch(null);

        assertThat(bars).extracting(Bar::time).containsExactly(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-02T00:00:00Z"));
        assertThat(warnings).containsExactly(file + ":3: skipped: high 9.0 is below low 11.0",
                file + ":5: skipped: duplicate time 2024-01-02T00:00:00Z for X", file + ":6: skipped: open is NaN");
    }

    @Test
    void gapsAreReportedAndSkippedOrForwardFilled() throws IOException {
        Path file = write("gap.csv", "date,open,high,low,close,volume\n2024-01-01,10,11,9,10,5\n2024-01-04,12,13,11,12,5\n");
        var skip = new CsvFeedFactory.Config(file, null, "X", null, null, null, null, null, Duration.ofDays(1), null, GapPolicy.SKIP, null);
        var fill = new CsvFeedFactory.Config(file, null, "X", null, null, null, null, null, Duration.ofDays(1), null, GapPolicy.FORWARD_FILL, null);

        assertThat(feed(skip).fetch(null)).hasSize(2);
        assertThat(warnings).containsExactly(file + ":3: gap in X of 3d after 2024-01-01T00:00:00Z (about 2 bar(s) of 1d missing); skipped");
        warnings.clear();

        List<Bar> filled = feed(fill).fetch(null);

        assertThat(filled).containsExactly(
                new Bar("X", Instant.parse("2024-01-01T00:00:00Z"), 10, 11, 9, 10, 5),
                new Bar("X", Instant.parse("2024-01-02T00:00:00Z"), 10, 10, 10, 10, 0),
                new Bar("X", Instant.parse("2024-01-03T00:00:00Z"), 10, 10, 10, 10, 0),
                new Bar("X", Instant.parse("2024-01-04T00:00:00Z"), 12, 13, 11, 12, 5));
        assertThat(warnings).first().asString().contains("forward-filled at 10.0");
        assertThat(warnings).contains("2 bar(s) forward-filled in all");
    }

    @Test
    void theRealBitcoinHistoryHasItsGapsReported() throws IOException {
        Path file = dir.resolve("btc.csv.gz.csv");
        try (InputStream in = PriceFixtures.open("btc-usd-1d.csv.gz")) {
            Files.copy(in, file);
        }
        var c = new CsvFeedFactory.Config(file, null, "BTC-USD", null, null, null, null, null, Duration.ofDays(1), null, null, null);

        List<Bar> bars = feed(c).fetch(null);

        assertThat(bars).isEqualTo(PriceFixtures.btcDaily());
        assertThat(warnings).hasSize(BarChecks.MAX_DETAILED + 1).last().isEqualTo("8 more gap(s) skipped");
        assertThat(warnings).anyMatch(w -> w.contains("gap in BTC-USD of 54d"));
    }

    @Test
    void gapsBeforeSinceAreNotReportedAgain() throws IOException {
        Path file = write("gap.csv", "date,open,high,low,close\n2024-01-01,1,1,1,1\n2024-01-04,1,1,1,1\n2024-01-05,1,1,1,1\n");
        CsvFeed feed = feed(new CsvFeedFactory.Config(file, null, "X", null, null, null, null, null, Duration.ofDays(1), null, null, null));

        feed.fetch(Instant.parse("2024-01-04T00:00:00Z"));

        assertThat(warnings).isEmpty();
    }

    @Test
    void aMissingColumnOrFileIsNamed() throws IOException {
        Path file = write("cols.csv", "date,open,high,low\n2024-01-01,1,1,1\n");
        assertThatThrownBy(() -> feed(config(file, "X")).fetch(null))
                .hasMessageContaining("cols.csv:1: no close column").hasMessageContaining("set columns.close");
        assertThatThrownBy(() -> feed(config(dir.resolve("nope.csv"), "X")).fetch(null)).hasMessageContaining("nope.csv: file not found");
    }

    @Test
    void configProblemsNameTheKey() {
        Path f = dir.resolve("x.csv");
        assertThatThrownBy(() -> new CsvFeedFactory.Config(f, Map.of("A", f), "A", null, null, null, null, null, null, null, null, null))
                .hasMessageStartingWith("file/files:");
        assertThatThrownBy(() -> new CsvFeedFactory.Config(f, null, null, null, null, null, null, null, null, null, null, null))
                .hasMessageStartingWith("symbol:");
        assertThatThrownBy(() -> new CsvFeedFactory.Config(f, null, "A", ";;", null, null, null, null, null, null, null, null))
                .hasMessageStartingWith("delimiter:");
        assertThatThrownBy(() -> new CsvFeedFactory.Config(f, null, "A", null, null, null, "yyyy-qq-bogus{", null, null, null, null, null))
                .hasMessageStartingWith("time-format:");
        assertThatThrownBy(() -> new CsvFeedFactory.Config(f, null, "A", null, false, null, null, null, null, null, null, null))
                .hasMessageStartingWith("columns.time:");
    }

    @Test
    void withoutAHeaderEveryGivenColumnMustBeANumberFromOne() throws IOException {
        Path f = write("raw.csv", "1704067200,BTC,1,2,0.5,1.5,7\n");
        assertThatThrownBy(() -> headerless(f, new CsvFeedFactory.Columns("1", "3", "4", "5", "6", "volume", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("columns.volume: without a header give the column's number (1 = first), found 'volume'");
        assertThatThrownBy(() -> headerless(f, new CsvFeedFactory.Columns("0", "3", "4", "5", "6", null, null)))
                .hasMessage("columns.time: without a header give the column's number (1 = first), found '0'");
        assertThatThrownBy(() -> headerless(f, new CsvFeedFactory.Columns("1", "3", "4", "5", "6", "7", "ticker")))
                .hasMessage("columns.symbol: without a header give the column's number (1 = first), found 'ticker'");
        assertThatThrownBy(() -> headerless(f, new CsvFeedFactory.Columns("1", "3", "4", "5", "6", "99999999999", null)))
                .hasMessage("columns.volume: without a header give the column's number (1 = first), found '99999999999'");

        assertThat(feed(headerless(f, new CsvFeedFactory.Columns("1", "3", "4", "5", "6", "7", "2"))).fetch(null))
                .containsExactly(new Bar("BTC", Instant.parse("2024-01-01T00:00:00Z"), 1, 2, 0.5, 1.5, 7));
    }

    private static CsvFeedFactory.Config headerless(Path file, CsvFeedFactory.Columns columns) {
        return new CsvFeedFactory.Config(file, null, "BTC", null, false, columns, "epoch-seconds", null, null, null, null, null);
    }
}
