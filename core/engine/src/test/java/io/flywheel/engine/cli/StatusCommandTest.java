package io.flywheel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.engine.app.SourceHealth;
import io.flywheel.engine.app.SourceStatusFile;
import io.flywheel.engine.app.TradingStatusFile;
import io.flywheel.engine.trading.PaperTrader;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusCommandTest {
    private final ManualClock clock = ManualClock.atDefaultStart();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int status(Path config) {
        FlywheelCli.Io io = new FlywheelCli.Io(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), clock, () -> new ManualScheduler(clock), new Random(1));
        return FlywheelCli.commandLine(io).execute("status", "--config", config.toString());
    }

    private static Path config(Path dir) throws Exception {
        return Files.writeString(dir.resolve("config.yml"), """
                store:
                  path: data/flywheel.db
                sources:
                  - id: good-feed
                    type: rss
                    url: https://example.org/feed
                  - id: broken-board
                    type: html
                    url: https://example.org/jobs
                  - id: quiet-api
                    type: json
                    url: https://example.org/api
                  - id: new-one
                    type: rss
                    url: https://example.org/other
                  - id: js-board
                    type: browser
                    enabled: false
                """);
    }

    @Test
    void showsPausedFailingAndStaleSourcesAndExitsNonZero(@TempDir Path dir) throws Exception {
        Path config = config(dir);
        Instant t = clock.instant();
        SourceStatusFile.besideStore(dir.resolve("data/flywheel.db")).write(t, List.of(
                new SourceHealth("good-feed", t.minusSeconds(120), t.minusSeconds(120), 0, null, 9, null, null),
                new SourceHealth("broken-board", t.minusSeconds(60), t.minus(Duration.ofHours(3)), 3, "HTTP 503 Service Unavailable after 4 attempts (https://example.org/jobs)",
                        20, t.plus(Duration.ofMinutes(57)), null),
                new SourceHealth("quiet-api", t.minusSeconds(30), t.minusSeconds(30), 0, null, 12, null,
                        "found no items where its last run found 12: its selectors or URL may be stale")));

        int exit = status(config);

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).isEqualTo(FlywheelCli.FAILED);
        assertThat(text).containsPattern("good-feed\\s+ok\\s+2026-01-05 \\d\\d:58 \\(2m ago\\)\\s+9");
        assertThat(text).containsPattern("broken-board\\s+paused .*3 failures in a row, paused until .* \\(in 57m\\): HTTP 503");
        assertThat(text).containsPattern("quiet-api\\s+stale .*selectors or URL may be stale");
        assertThat(text).containsPattern("new-one\\s+new\\s+never");
        assertThat(text).containsPattern("js-board\\s+disabled");
        assertThat(text).contains("4 source(s): 1 unhealthy, 1 possibly stale");
    }

    @Test
    void allHealthyExitsZeroAndSaysWhenNothingRanYet(@TempDir Path dir) throws Exception {
        Path config = config(dir);
        assertThat(status(config)).isEqualTo(FlywheelCli.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("No run recorded yet");
    }

    private static Path tradingConfig(Path dir) throws Exception {
        return Files.writeString(dir.resolve("config.yml"), """
                store:
                  path: data/flywheel.db
                keywords: {java: 1}
                markets:
                  - id: eth
                    type: csv-file
                strategies:
                  - id: sma-cross
                    type: sma-cross
                  - id: buy-and-hold
                    type: buy-and-hold
                """);
    }

    @Test
    void showsThePaperBookAndExitsNonZeroWhenAMarketsLastPollFailed(@TempDir Path dir) throws Exception {
        Path config = tradingConfig(dir);
        Instant t = clock.instant();
        TradingStatusFile file = TradingStatusFile.besideStore(dir.resolve("data/flywheel.db"));
        PaperTrader.Snapshot book = new PaperTrader.Snapshot(t.minus(Duration.ofDays(30)), t.minus(Duration.ofDays(1)), 10_000, 10_250,
                Map.of("sma-cross", 5_300.25, "buy-and-hold", 4_950.25), Map.of("sma-cross", 0.55, "buy-and-hold", 0.45),
                List.of("market eth: its feed reaches back only to 2026-01-01T00:00:00Z"));
        file.write(new TradingStatusFile.Status(t, Optional.of(book), List.of(new TradingStatusFile.Poll("eth", t, "market eth: HTTP 503 after 4 attempts"))));

        int exit = status(config);

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("no source is unhealthy, but the market is").isEqualTo(FlywheelCli.FAILED);
        assertThat(text).contains("paper book since " + t.minus(Duration.ofDays(30)) + ", last bar " + t.minus(Duration.ofDays(1)) + ": equity 10250.00 (+2.50% on 10000.00)");
        assertThat(text).containsPattern("sma-cross\\s+5300.25\\s+55.0%").containsPattern("buy-and-hold\\s+4950.25\\s+45.0%");
        assertThat(text).contains("problem: market eth: its feed reaches back only to");
        assertThat(text).contains("FAILING: the last poll of market eth at " + t + " failed: market eth: HTTP 503 after 4 attempts");

        out.reset();
        file.write(new TradingStatusFile.Status(t, Optional.of(book), List.of(new TradingStatusFile.Poll("eth", t, null))));
        assertThat(status(config)).isEqualTo(FlywheelCli.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("FAILING");
    }

    @Test
    void statusFilesNoRunHasWrittenYetAreNotAFailure(@TempDir Path dir) throws Exception {
        Path config = tradingConfig(dir);
        assertThat(status(config)).isEqualTo(FlywheelCli.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("No run recorded yet").contains("rules: nothing reported yet in")
                .contains("trading: nothing reported yet in");
    }

    @Test
    void aDamagedTradingStatusFileIsNamedWithItsEntryAndExitsNonZero(@TempDir Path dir) throws Exception {
        Path config = tradingConfig(dir);
        TradingStatusFile file = TradingStatusFile.besideStore(dir.resolve("data/flywheel.db"));
        file.write(new TradingStatusFile.Status(clock.instant(), Optional.empty(), List.of()));
        Files.writeString(file.file(), Files.readString(file.file()) + "book.capital=10000\nbook.equity=lots\n");

        assertThat(status(config)).as("a monitor must see it").isEqualTo(FlywheelCli.FAILED);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("trading: " + file.file() + ": book.equity: not a number: 'lots'")
                .as("the rest is still shown").contains("No run recorded yet").contains("rules: nothing reported yet in");
    }

    @Test
    void aDamagedRulesStatusFileIsNamedWithItsEntryAndExitsNonZero(@TempDir Path dir) throws Exception {
        Path config = tradingConfig(dir);
        Path rules = Files.createDirectories(dir.resolve("data/rules")).resolve("status.properties");
        Files.writeString(rules, "runtime=optimized\nwritten=yesterday\n");

        assertThat(status(config)).isEqualTo(FlywheelCli.FAILED);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("rules: " + rules + ": written: not a time: 'yesterday'")
                .contains("No run recorded yet").contains("trading: nothing reported yet in");

        Files.writeString(rules, "runtime=optimized\nwritten=2026-01-05T11:00:00Z\nlead-score.name=scripts/lead-score.js\nlead-score.hash=abc\n");
        out.reset();
        assertThat(status(config)).isEqualTo(FlywheelCli.FAILED);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("rules: " + rules + ": lead-score.hash: not a SHA-256: 'abc'");

        Files.writeString(rules, "runtime=optimized\nwritten=2026-01-05T11:00:00Z\nlead-score.hash=" + "a".repeat(64) + "\nlead-score.since=2026-01-05T11:00:00Z\n");
        out.reset();
        assertThat(status(config)).as("a rule without its name").isEqualTo(FlywheelCli.FAILED);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("rules: " + rules + ": lead-score.name: missing").contains("trading: nothing reported yet in");
    }

    @Test
    void aDamagedSourceStatusFileIsNamedWithItsEntryAndExitsNonZero(@TempDir Path dir) throws Exception {
        Path config = config(dir);
        Instant t = clock.instant();
        SourceStatusFile file = SourceStatusFile.besideStore(dir.resolve("data/flywheel.db"));
        file.write(t, List.of(new SourceHealth("good-feed", t, t, 0, null, 9, null, null)));
        Files.writeString(file.file(), Files.readString(file.file()).replace("\"consecutiveFailures\" : 0", "\"consecutiveFailures\" : \"three\""));

        assertThat(status(config)).as("not reported as a fresh install that never ran").isEqualTo(FlywheelCli.FAILED);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("sources: " + file.file() + ": sources[good-feed].consecutiveFailures: not a whole number: 'three'")
                .doesNotContain("No run recorded yet").contains("rules: nothing reported yet in");

        Files.writeString(file.file(), "{\"written\": \"2026-01-05T11:00:00Z\", \"sources\": [");
        out.reset();
        assertThat(status(config)).isEqualTo(FlywheelCli.FAILED);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("sources: " + file.file() + ": cannot be read: ").contains("at line 1");

        for (var damaged : Map.of(
                "{\"written\": \"2026-01-05T11:00:00Z\", \"sources\": [{\"lastFound\": 3}]}", "sources[0].id: missing",
                "{\"written\": \"2026-01-05T11:00:00Z\", \"sources\": {\"id\": \"good-feed\"}}", "sources: not a list: START_OBJECT",
                "{\"written\": \"2026-01-05T11:00:00Z\", \"sources\": [{\"id\": \"good-feed\"}, 7]}", "sources[1]: not an object: VALUE_NUMBER_INT").entrySet()) {
            Files.writeString(file.file(), damaged.getKey());
            out.reset();
            assertThat(status(config)).as(damaged.getKey()).isEqualTo(FlywheelCli.FAILED);
            assertThat(out.toString(StandardCharsets.UTF_8)).as(damaged.getKey()).contains("sources: " + file.file() + ": " + damaged.getValue())
                    .doesNotContain("No run recorded yet");
        }
    }
}
