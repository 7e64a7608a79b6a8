package io.flywheel.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distribution with the bundled config and plugins, as an operator runs it: backtests and the paper book in `run --once`. */
class TradingIT {
    private static final Path HOME = Path.of(System.getProperty("flywheel.home"));
    private static final Path REPO = Path.of(System.getProperty("flywheel.repo"));

    @TempDir
    Path work;

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void copyDemo() throws IOException {
        Files.copy(REPO.resolve("config.yml"), work.resolve("config.yml"));
        try (var paths = Files.walk(REPO.resolve("demo"))) {
            for (Path p : paths.sorted(Comparator.naturalOrder()).toList()) {
                Path target = work.resolve(REPO.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private Run flywheel(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-jar", HOME.resolve("flywheel.jar").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
        pb.environment().put("FLYWHEEL_PLUGINS", HOME.resolve("plugins").toString());
        pb.redirectOutput(work.resolve("out.txt").toFile()).redirectError(work.resolve("err.txt").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
        return new Run(p.exitValue(), Files.readString(work.resolve("out.txt")), Files.readString(work.resolve("err.txt")));
    }

    private static void assertPng(Path file) throws IOException {
        byte[] head = Files.readAllBytes(file);
        assertThat(head.length).isGreaterThan(10_000);
        assertThat(new String(head, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void backtestsOneStrategyAndWritesTradesFillsAndAChart() throws Exception {
        Run r = flywheel("backtest", "--strategy", "turtle", "--from", "2024-06-01", "--to", "2025-12-31", "--out", "bt");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("2024-06-01 .. 2025-12-31").contains("total return", "CAGR", "Sharpe", "Sortino", "max drawdown", "win rate",
                "trades", "exposure");
        List<String> trades = Files.readAllLines(work.resolve("bt/trades.csv"));
        assertThat(trades.getFirst()).startsWith("strategy,symbol,side,entry_time");
        assertThat(trades).hasSizeGreaterThan(3);
        assertThat(trades.get(1)).startsWith("turtle,BTC-USD,long,");
        assertPng(work.resolve("bt/equity.png"));
    }

    @Test
    void backtestsTheEnsembleThreeWays() throws Exception {
        Run r = flywheel("backtest", "--ensemble", "--from", "2024-04-01", "--out", "ens");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("adaptive", "equal", "best single in hindsight:", "every strategy alone:", "trend-20-50", "rsi-dips", "turtle", "hold",
                "adaptive weights at the end:");
        assertPng(work.resolve("ens/equity.png"));
    }

    @Test
    void simulatesTheConfiguredStrategiesOnTheDemoMarket() throws Exception {
        Run r = flywheel("simulate", "--scenario", "strategies", "--out", "sim");

        // On the demo's one series the adaptive Sharpe is below equal weights' (0 of 1): that goal is NOT met, so exit 1.
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("adaptive Sharpe above equal weights' on more than half of the series: NOT met");
        assertThat(r.out()).contains("adaptive vs equal vs best single in hindsight", "btc-daily BTC-USD", "adaptive", "equal", "best:")
                .contains("regret within the Hedge bound on").contains("of 1 series");
        try (var pngs = Files.list(work.resolve("sim"))) {
            List<Path> charts = pngs.filter(p -> p.toString().endsWith(".png")).toList();
            assertThat(charts).hasSize(1);
            assertPng(charts.getFirst());
        }
    }

    @Test
    void anUnknownStrategyIsNamedWithTheConfiguredOnes() throws Exception {
        Run r = flywheel("backtest", "--strategy", "turtel");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no enabled strategy 'turtel'; configured: trend-20-50, rsi-dips, turtle, hold. Did you mean 'turtle'?");
    }

    @Test
    void runOnceTradesTheDemoBookOnPaperAndSecondRunAddsNothing() throws Exception {
        Run first = flywheel("run", "--once");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).contains("Paper book since 2025-01-01T00:00:00Z").contains("Paper trading: 796 new bar(s)");
        List<String> fills = Files.readAllLines(work.resolve("data/trading/fills.csv"));
        assertThat(fills).hasSizeGreaterThan(20);

        Run second = flywheel("run", "--once");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.err()).doesNotContain("Paper trading:");
        assertThat(Files.readAllLines(work.resolve("data/trading/fills.csv"))).isEqualTo(fills);
    }

    @Test
    void runOnceExitsOneWhenTheMarketCannotBeReadAsStatusDoesAndTheSourcesStillRun() throws Exception {
        Path csv = work.resolve("demo/markets/btc-usd-daily.csv");
        Files.writeString(csv, Files.readString(csv).replace("2024-01-02T00:00:00Z,44192.15,", "2024-01-02T00:00:00Z,lots,"));

        Run once = flywheel("run", "--once");
        assertThat(once.exit()).as(once.err()).isEqualTo(1);
        assertThat(once.out()).as("the lead sources still ran").contains("Neon Health");
        assertThat(once.err().strip().lines().toList().getLast()).startsWith("flywheel run --once: paper trading failed: market btc-daily: ")
                .contains("lots").endsWith("(the sources ran; `flywheel status` reports it until a poll succeeds)");

        Run status = flywheel("status");
        assertThat(status.exit()).as(status.out()).isEqualTo(1);
        assertThat(status.out()).contains("FAILING: the last poll of the markets").contains("market btc-daily: ");
    }
}
