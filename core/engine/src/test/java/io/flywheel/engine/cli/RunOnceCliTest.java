package io.flywheel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.engine.log.LoggedLines;
import io.flywheel.testkit.PluginJarBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code flywheel run --once} with a lead source and the paper book, from a real plugin jar: a
 * failed market poll fails the run as it fails {@code flywheel status}, and the sources still run.
 */
class RunOnceCliTest extends StoreCliTest {
    private static final String PLUGIN = """
            package test.paper;
            import io.flywheel.api.NoConfig;
            import io.flywheel.api.PluginContext;
            import io.flywheel.api.lead.*;
            import io.flywheel.api.market.*;
            import io.flywheel.api.strategy.*;
            import java.time.*;
            import java.time.temporal.ChronoUnit;
            import java.util.*;
            import org.pf4j.Extension;
            public final class Parts {
                /** 60 closed days of one symbol; fails with {@code down} as the reason when it is set. */
                @Extension
                public static final class Market implements MarketFeedFactory<Market.Config> {
                    public record Config(String down) {}
                    public String type() { return "test-market"; }
                    public Class<Config> configType() { return Config.class; }
                    public MarketFeed create(Config c, PluginContext ctx) {
                        return since -> {
                            if (c.down() != null) throw new IllegalStateException(c.down());
                            Instant last = ctx.clock().instant().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
                            List<Bar> bars = new ArrayList<>();
                            for (int i = 59; i >= 0; i--) {
                                Instant t = last.minus(Duration.ofDays(i));
                                double p = 100 + i % 7;
                                if (since == null || t.isAfter(since)) bars.add(new Bar("TEST-USD", t, p, p, p, p, 1));
                            }
                            return bars;
                        };
                    }
                }
                @Extension
                public static final class Hold implements StrategyFactory<NoConfig> {
                    public String type() { return "test-hold"; }
                    public Class<NoConfig> configType() { return NoConfig.class; }
                    public Strategy create(NoConfig c, PluginContext ctx) { return h -> 1.0; }
                }
                /** Every page answered 304 Not Modified. */
                @Extension
                public static final class Unchanged implements LeadSourceFactory<NoConfig> {
                    public String type() { return "test-unchanged"; }
                    public Class<NoConfig> configType() { return NoConfig.class; }
                    public LeadSource create(NoConfig c, PluginContext ctx) {
                        return q -> SourceResult.unchangedSinceLastRun();
                    }
                }
                @Extension
                public static final class Source implements LeadSourceFactory<NoConfig> {
                    public String type() { return "test-source"; }
                    public Class<NoConfig> configType() { return NoConfig.class; }
                    public LeadSource create(NoConfig c, PluginContext ctx) {
                        return q -> SourceResult.of(List.of(RawLead.of("Go engineer at Example", "https://example.org/go")));
                    }
                }
            }
            """;

    @Override
    String configYaml() {
        return super.configYaml() + """
                plugins: {dir: plugins}
                sources:
                  - id: board
                    type: test-source
                markets:
                  - id: eth
                    type: test-market
                    down: HTTP 503 from the exchange
                strategies:
                  - id: hold
                    type: test-hold
                """;
    }

    @BeforeEach
    void writePlugin() throws IOException {
        PluginJarBuilder.plugin("paper").source("test.paper.Parts", PLUGIN).writeTo(Files.createDirectories(dir.resolve("plugins")), "paper.jar");
    }

    @Test
    void aSourceWhosePagesWereNotModifiedSaysSoRatherThanThatItFoundNothing() throws IOException {
        Files.writeString(config, super.configYaml() + """
                plugins: {dir: plugins}
                sources:
                  - id: board
                    type: test-unchanged
                """);
        try (LoggedLines lines = LoggedLines.of(RunCommand.class)) {
            assertThat(run("run", "--once")).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(FlywheelCli.OK);
            assertThat(lines.messages()).filteredOn(m -> m.startsWith("board:")).singleElement().asString()
                    .matches("board: not modified since its last run \\(\\d+ ms\\)");
        }
    }

    @Test
    void aFailedMarketPollExitsOneAsStatusDoesAndTheSourcesStillRun() throws IOException {
        assertThat(run("run", "--once")).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(FlywheelCli.FAILED);
        assertThat(out.toString(StandardCharsets.UTF_8)).as("the source ran and its lead was posted").contains("Go engineer at Example");
        assertThat(err.toString(StandardCharsets.UTF_8).strip().lines().toList().getLast())
                .isEqualTo("flywheel run --once: paper trading failed: market eth: HTTP 503 from the exchange"
                        + " (the sources ran; `flywheel status` reports it until a poll succeeds)");

        assertThat(run("status")).isEqualTo(FlywheelCli.FAILED);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("failed: market eth: HTTP 503 from the exchange").contains("1 source(s): 0 unhealthy");

        Files.writeString(config, Files.readString(config).replace("    down: HTTP 503 from the exchange\n", ""));
        assertThat(run("run", "--once")).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(FlywheelCli.OK);
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("paper trading failed");
        assertThat(run("status")).isEqualTo(FlywheelCli.OK);

        // down again at a later run: the book is rebuilt without it (waiting for it), and the run still fails
        Files.writeString(config, Files.readString(config).replace("    type: test-market\n", "    type: test-market\n    down: HTTP 503 from the exchange\n"));
        assertThat(run("run", "--once")).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(FlywheelCli.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("paper trading failed on market eth: market eth: HTTP 503 from the exchange");
        assertThat(run("status")).isEqualTo(FlywheelCli.FAILED);
    }
}
