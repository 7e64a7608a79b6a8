package io.flywheel.bench.learning;

import io.flywheel.api.PluginContext;
import io.flywheel.engine.config.Settings;
import io.flywheel.engine.learning.StrategySimulation;
import io.flywheel.engine.log.Logging;
import io.flywheel.engine.rules.JsRuntime;
import io.flywheel.engine.rules.KeywordWeightUpdater;
import io.flywheel.engine.rules.RulesConfig;
import io.flywheel.engine.simulate.KeywordLearning;
import io.flywheel.engine.simulate.KeywordSimulation;
import io.flywheel.engine.simulate.Scenarios;
import io.flywheel.engine.simulate.SimulationReport;
import io.flywheel.plugins.strategies.BuyAndHoldFactory;
import io.flywheel.plugins.strategies.DonchianBreakoutFactory;
import io.flywheel.plugins.strategies.RsiReversionFactory;
import io.flywheel.plugins.strategies.SmaCrossoverFactory;
import io.flywheel.testkit.PriceFixtures;
import io.flywheel.testkit.TestPluginContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code bench/run learning [--quick]}: what {@code flywheel simulate} runs (the real pipeline,
 * store and bundled rules against a simulated audience), keywords and drift scenarios, 10,000
 * rounds each ({@code --quick}: 1,500 stationary and 3,000 with the drift after 1,500, so there is
 * time to recover, in about a minute). The reference in the same run is uniform weights on the same
 * candidate leads. The strategies scenario runs the four classic strategies (default parameters) on
 * the real price series of the fixtures (BTC and ETH daily, S&P 500 weekly, and in the full run BTC
 * 4-hour): adaptive weights from the bundled strategy-weights.js against equal weights and the best
 * single strategy in hindsight.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        if (System.getProperty("flywheel.learning.forked") == null) {
            System.exit(fork(args));
        }
        boolean quick = Arrays.asList(args).contains("--quick");
        int rounds = quick ? 1_500 : 10_000;
        int driftRounds = quick ? 3_000 : 10_000;
        Path repo = Path.of(System.getProperty("flywheel.repo", "."));
        Path out = Files.createDirectories(repo.resolve("bench/target/learning"));
        Logging.quiet(KeywordWeightUpdater.class);
        double ratio;
        Integer recovery;
        try (JsRuntime runtime = JsRuntime.start()) {
            System.out.println("JavaScript runtime: " + runtime.describe());
            KeywordSimulation sim = new KeywordSimulation(runtime, KeywordLearning.direct());
            SimulationReport.Outcome stationary = run(sim, Scenarios.stationary(), Scenarios.defaults(rounds), out);
            SimulationReport.Outcome drift = run(sim, Scenarios.drift(driftRounds), Scenarios.defaults(driftRounds), out);
            ratio = stationary.summary().ratio();
            recovery = drift.summary().recoveryRounds();
        }
        List<StrategySimulation.Series> series = new java.util.ArrayList<>(List.of(new StrategySimulation.Series("BTC-USD 1d", PriceFixtures.btcDaily()),
                new StrategySimulation.Series("ETH-USD 1d", PriceFixtures.ethDaily()), new StrategySimulation.Series("S&P 500 1w", PriceFixtures.sp500Weekly())));
        if (!quick) {
            series.add(2, new StrategySimulation.Series("BTC-USD 4h", PriceFixtures.btc4h())); // 20,000 bars: the full run only
        }
        StrategySimulation.Report strategies = StrategySimulation.run(series,
                StrategySimulation.Options.defaults(classicStrategies(), new RulesConfig(java.util.Map.of(), java.util.Map.of(), io.flywheel.engine.rules.RuleLimits.DEFAULT, java.time.Duration.ofDays(1), 1, false, 100)).withOut(out));
        strategies.print(System.out);
        System.out.printf(Locale.ROOT, "RESULT {\"keyword_regret_vs_uniform\": %.3f, \"drift_recovery_rounds\": %s, \"sharpe_wins\": %d, \"series\": %d}%n",
                ratio, recovery == null || recovery < 0 ? "null" : recovery.toString(), strategies.sharpeWins(), strategies.series());
    }

    /** The four classic strategies with their default parameters. */
    private static List<StrategySimulation.StrategySpec> classicStrategies() {
        PluginContext ctx = new TestPluginContext("simulate", java.time.Clock.systemUTC(), null, null, null, null);
        return List.of(new StrategySimulation.StrategySpec("sma", () -> new SmaCrossoverFactory().create(new SmaCrossoverFactory.Config(null, null, null, null), ctx)),
                new StrategySimulation.StrategySpec("rsi", () -> new RsiReversionFactory().create(new RsiReversionFactory.Config(null, null, null, null), ctx)),
                new StrategySimulation.StrategySpec("donchian", () -> new DonchianBreakoutFactory().create(new DonchianBreakoutFactory.Config(null, null, null), ctx)),
                new StrategySimulation.StrategySpec("hold", () -> new BuyAndHoldFactory().create(new BuyAndHoldFactory.Config(null), ctx)));
    }

    /** Runs this benchmark again in a JVM with the Graal compiler on the upgrade module path, as ./flywheel runs Flywheel. */
    private static int fork(String[] args) throws Exception {
        Path jvmci = Path.of(System.getProperty("flywheel.home", "dist/target/flywheel")).resolve("jvmci");
        if (!Files.isDirectory(jvmci)) {
            throw new IllegalStateException(jvmci + " is missing: build the distribution (bench/run does)");
        }
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-XX:+UnlockExperimentalVMOptions",
                "-XX:+EnableJVMCI", "--upgrade-module-path=" + jvmci, "-Dflywheel.learning.forked=true",
                "-Dflywheel.repo=" + System.getProperty("flywheel.repo", "."), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(Arrays.asList(args));
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    private static SimulationReport.Outcome run(KeywordSimulation sim, KeywordSimulation.Audience audience, KeywordSimulation.Setup setup, Path out)
            throws Exception {
        Path dir = Files.createTempDirectory("flywheel-bench-learning-");
        try {
            SimulationReport.Outcome o = SimulationReport.Outcome.of(sim.run(audience, setup, Settings.Rules.defaults(), dir, dir, null));
            SimulationReport.lines(o).forEach(System.out::println);
            SimulationReport.charts(o, out).forEach(p -> System.out.println("  chart: " + p));
            System.out.println();
            return o;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
