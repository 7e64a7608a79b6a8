package io.flywheel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.testkit.PluginJarBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code flywheel backtest} as an operator runs it, on a market plugin built from source: 60 daily bars up to 2026-02-28. */
class BacktestCliTest extends StoreCliTest {
    private static final String PLUGIN = """
            package test.bt;
            import io.flywheel.api.NoConfig;
            import io.flywheel.api.PluginContext;
            import io.flywheel.api.market.*;
            import io.flywheel.api.strategy.*;
            import java.time.*;
            import java.time.temporal.ChronoUnit;
            import java.util.*;
            import org.pf4j.Extension;
            public final class Parts {
                @Extension
                public static final class Market implements MarketFeedFactory<Market.Config> {
                    public record Config(Boolean empty) {}
                    public String type() { return "test-market"; }
                    public Class<Config> configType() { return Config.class; }
                    public MarketFeed create(Config c, PluginContext ctx) {
                        return since -> {
                            if (Boolean.TRUE.equals(c.empty())) return List.of();
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
            }
            """;

    @Override
    String configYaml() {
        return super.configYaml() + """
                plugins: {dir: plugins}
                markets:
                  - id: test
                    type: test-market
                strategies:
                  - id: hold
                    type: test-hold
                    market: test
                """;
    }

    @BeforeEach
    void writePlugin() throws IOException {
        PluginJarBuilder.plugin("bt").source("test.bt.Parts", PLUGIN).writeTo(Files.createDirectories(dir.resolve("plugins")), "bt.jar");
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aWindowWithNoBarIsABadOptionNamingTheWindowAndWhatTheDataCoversNotAnEmptyReport() {
        Path reports = dir.resolve("reports");
        assertThat(run("backtest", "--strategy", "hold", "--from", "2030-01-01", "--out", reports.toString()))
                .as(err()).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("flywheel backtest: no bar of TEST-USD falls within --from 2030-01-01; the data covers 2025-12-31 .. 2026-02-28 (60 bars)");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("total return");
        assertThat(reports).doesNotExist();

        assertThat(run("backtest", "--ensemble", "--to", "2020-01-31", "--out", reports.toString())).as(err()).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("no bar of TEST-USD falls within --to 2020-01-31; the data covers 2025-12-31 .. 2026-02-28");
        assertThat(reports).doesNotExist();

        assertThat(run("backtest", "--strategy", "hold", "--from", "2026-02-01", "--out", reports.toString())).as(err()).isEqualTo(FlywheelCli.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("2026-02-01 .. 2026-02-28 (28 bars)").contains("total return");
        assertThat(reports.resolve("trades.csv")).exists();
    }

    @Test
    void neitherOrBothOfStrategyAndEnsembleIsABadOptionWithTheCommandsOwnUsage() {
        assertThat(run("backtest")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).startsWith("flywheel backtest: give either --strategy ID or --ensemble").contains("Usage: flywheel backtest [-hvV] [--ensemble] [-c=FILE]");
        assertThat(run("backtest", "--strategy", "hold", "--ensemble")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).startsWith("flywheel backtest: give either --strategy ID or --ensemble").contains("Usage: flywheel backtest");
    }

    @Test
    void anImpossibleDateIsNamedWithTheFormatNotJavasExceptions() {
        assertThat(run("backtest", "--strategy", "hold", "--from", "2024-13-01")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).startsWith("Invalid value for option '--from': '2024-13-01' is not a date YYYY-MM-DD (e.g. 2024-06-01)")
                .doesNotContain("java.time");
        assertThat(run("leads", "--from", "yesterday")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).startsWith("Invalid value for option '--from': 'yesterday' is not an ISO-8601 UTC time (e.g. 2026-03-01T00:00:00Z)")
                .doesNotContain("java.time");
    }

    @Test
    void aMarketWithNoBarsIsNamedAsSuchNotAsAMissingSymbol() throws IOException {
        Files.writeString(config, Files.readString(config).replace("    type: test-market\n", "    type: test-market\n    empty: true\n"));
        assertThat(run("backtest", "--strategy", "hold")).isEqualTo(FlywheelCli.FAILED);
        assertThat(err()).contains("market test: delivered no bars (an empty file, or nothing yet at the exchange); nothing to test")
                .doesNotContain("symbol: required");
    }

    @Test
    void aFromAfterToIsABadOption() {
        assertThat(run("backtest", "--strategy", "hold", "--from", "2026-02-10", "--to", "2026-02-01", "--out", dir.resolve("r").toString()))
                .isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("flywheel backtest: --from 2026-02-10 is after --to 2026-02-01");
        assertThat(dir.resolve("r")).doesNotExist();
    }
}
