package io.flywheel.engine.cli;

import io.flywheel.api.Scheduler;
import io.flywheel.api.market.Bar;
import io.flywheel.engine.app.Backtests;
import io.flywheel.engine.app.Preflight;
import io.flywheel.engine.config.FlywheelConfig;
import io.flywheel.engine.config.Settings;
import io.flywheel.engine.learning.StrategySimulation;
import io.flywheel.engine.log.Logging;
import io.flywheel.engine.rules.JsRuntime;
import io.flywheel.engine.rules.KeywordWeightUpdater;
import io.flywheel.engine.rules.RulesConfig;
import io.flywheel.engine.trading.PaperTrader;
import io.flywheel.engine.simulate.KeywordLearning;
import io.flywheel.engine.simulate.KeywordSimulation;
import io.flywheel.engine.simulate.Scenarios;
import io.flywheel.engine.simulate.SimulationReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code flywheel simulate}: proves on a simulated audience that the rules learn. The keyword
 * scenarios drive the real pipeline and the deployment's own rules (its {@code scripts/}, else the
 * bundled ones); see {@link KeywordSimulation}.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Shows that the rules learn, against a simulated audience and on real prices.",
                "Drives the real lead pipeline and the deployment's rules (scripts/, else the bundled defaults) with a simulated"
                        + " audience on a simulated clock, and reports cumulative regret against an oracle that knows each keyword's hidden"
                        + " engagement probability and against uniform weights, as a table and PNG charts. Seeds are fixed: the same command"
                        + " gives the same figures.",
                "Scenarios: keywords (stationary audience), drift (the best keywords become the worst halfway),"
                        + " strategies (the configured strategies on real price series: adaptive weights from strategy-weights.js, walk-forward,"
                        + " against equal weights and the best single strategy in hindsight), all.",
                "Exits 0 when every goal it could judge was met, 1 when one was NOT met, 2 on a bad option or config. A run too short"
                        + " to judge a goal says so, with the rounds it needs, and does not fail it: the stationary goal is stated at 10,000"
                        + " rounds (a shorter run below it meets it), the drift goal needs 1,000 rounds after the drift."})
final class SimulateCommand implements Callable<Integer> {
    enum Scenario { keywords, drift, strategies, all }

    @ParentCommand
    FlywheelCli cli;

    @Option(names = "--scenario", defaultValue = "all", description = "keywords, drift, strategies or all (default: ${DEFAULT-VALUE}).")
    Scenario scenario;

    @Option(names = "--rounds", defaultValue = "10000", description = "Rounds per keyword scenario; the drift comes after half (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--candidates", description = "Leads arriving per round (default: 10); one is posted.")
    Integer candidates;

    @Option(names = "--update-every", paramLabel = "ROUNDS", description = "Rounds between keyword updates (default: 48, one round being an hour).")
    Integer updateEvery;

    @Option(names = "--window", converter = DurationConverter.class, description = "The keyword rule's feedback window (default: 4d).")
    Duration window;

    @Option(names = "--windows", description = "Windows the keyword rule sees (default: 14).")
    Integer windows;

    @Option(names = "--explore", description = "The posting policy's exploration, 0 to 1 (default: 0.05).")
    Double explore;

    @Option(names = "--seed", description = "Seed of everything random (default: 8).")
    Long seed;

    @Option(names = "--prices", paramLabel = "FILE", description = {"A price series for the strategies scenario: CSV with the header time,open,high,low,close,volume,",
            "time ISO-8601 UTC (.gz too); repeat for several. Default: the whole history of each configured market."})
    List<Path> prices = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "simulation", description = "Where the PNG charts go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintStream o = cli.io().out();
        KeywordSimulation.Setup setup;
        try {
            setup = setup();
            new Settings.Rules(null, null, null, null, null, null, setup.window(), setup.windows(), false, null);
        } catch (IllegalArgumentException e) {
            cli.io().err().println("flywheel simulate: --" + e.getMessage());
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        for (Path file : prices) {
            if (!Files.isRegularFile(file)) {
                cli.io().err().println("flywheel simulate: --prices " + file + ": " + (Files.exists(file) ? "not a file" : "no such file"));
                return FlywheelCli.CONFIG_PROBLEMS;
            }
        }
        Optional<Settings.Rules> rules = rules();
        if (rules.isEmpty()) {
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        Path base = Files.isRegularFile(cli.configFile()) ? cli.configFile().toAbsolutePath().getParent() : Path.of("").toAbsolutePath();
        List<KeywordSimulation.Audience> audiences = new ArrayList<>();
        if (scenario == Scenario.keywords || scenario == Scenario.all) {
            audiences.add(Scenarios.stationary());
        }
        if (scenario == Scenario.drift || scenario == Scenario.all) {
            audiences.add(Scenarios.drift(rounds));
        }
        boolean missed = false;
        boolean unjudged = false;
        if (!audiences.isEmpty()) {
            Logging.quiet(KeywordWeightUpdater.class);
            try (JsRuntime runtime = JsRuntime.start()) {
                KeywordSimulation sim = new KeywordSimulation(runtime, KeywordLearning.direct());
                for (KeywordSimulation.Audience a : audiences) {
                    Path dir = Files.createTempDirectory("flywheel-simulate-");
                    try {
                        SimulationReport.Outcome outcome = SimulationReport.Outcome.of(sim.run(a, setup, rules.get(), base, dir, null));
                        SimulationReport.lines(outcome).forEach(o::println);
                        for (Path chart : SimulationReport.charts(outcome, out)) {
                            o.println("  chart: " + chart);
                        }
                        o.println();
                        missed |= SimulationReport.missed(outcome);
                        unjudged |= SimulationReport.unjudged(outcome);
                    } finally {
                        delete(dir);
                    }
                }
            }
        }
        if (scenario == Scenario.strategies || scenario == Scenario.all) {
            Optional<StrategySimulation.Report> r = strategies(o, scenario == Scenario.strategies);
            if (r.isEmpty()) {
                return FlywheelCli.CONFIG_PROBLEMS;
            }
            StrategySimulation.Report report = r.get();
            if (report.series() > 0) {
                boolean sharpe = 2 * report.sharpeWins() > report.series();
                boolean bound = report.withinBound() == report.series();
                o.printf("strategies goals: adaptive Sharpe above equal weights' on more than half of the series: %s; reward regret within the Hedge bound on every series: %s%n",
                        sharpe ? "met" : "NOT met", bound ? "met" : "NOT met");
                missed |= !sharpe || !bound;
            }
        }
        if (missed) {
            o.println("At least one goal was not met (see above).");
            return FlywheelCli.FAILED;
        }
        if (unjudged) {
            // not a failure: a short run is a quick look, not a verdict
            o.println("The run was too short to judge every goal (see above for the rounds each needs); none it could judge was missed.");
        }
        return FlywheelCli.OK;
    }

    private KeywordSimulation.Setup setup() {
        KeywordSimulation.Setup d = Scenarios.defaults(rounds);
        if (explore != null && !(explore >= 0 && explore <= 1)) {
            throw new IllegalArgumentException("explore: must be between 0 and 1, found " + explore);
        }
        return new KeywordSimulation.Setup(rounds, candidates == null ? d.candidates() : candidates, updateEvery == null ? d.updateEvery() : updateEvery,
                d.round(), window == null ? d.window() : window, windows == null ? d.windows() : windows, explore == null ? d.explore() : explore,
                seed == null ? d.seed() : seed);
    }

    /**
     * The configured strategies on each series (the {@code --prices} files, else each configured
     * market's history), through the real ensemble and the deployment's strategy-weights.js.
     * Empty when the config has errors.
     */
    private Optional<StrategySimulation.Report> strategies(PrintStream o, boolean asked) throws IOException {
        if (!Files.isRegularFile(cli.configFile())) {
            String why = "the strategies scenario runs the strategies configured in " + cli.configFile() + ", which does not exist";
            if (asked) {
                cli.io().err().println("flywheel simulate: " + why);
                return Optional.empty();
            }
            o.println("Scenario strategies: skipped; " + why + ".");
            return Optional.of(StrategySimulation.Report.none());
        }
        Preflight.Result pre = cli.preflight();
        if (cli.report(pre) > 0) {
            cli.io().err().println("flywheel: fix the config first; `flywheel check` lists the same problems");
            pre.plugins().close();
            return Optional.empty();
        }
        Scheduler scheduler = cli.io().scheduler().get();
        try (Backtests backtests = Backtests.open(pre, cli.io().clock(), scheduler, cli.io().random())) {
            List<PaperTrader.Spec> specs = backtests.setup().specs();
            if (specs.isEmpty()) {
                o.println("Scenario strategies: no strategy is configured (strategies: in " + cli.configFile() + "); nothing to simulate.");
                return Optional.of(StrategySimulation.Report.none());
            }
            List<StrategySimulation.StrategySpec> strategies = specs.stream().map(s -> new StrategySimulation.StrategySpec(s.id(), s.strategy())).toList();
            List<StrategySimulation.Series> series = new ArrayList<>();
            if (prices.isEmpty()) {
                for (String market : specs.stream().map(PaperTrader.Spec::marketId).distinct().toList()) {
                    Map<String, List<Bar>> bySymbol = new LinkedHashMap<>();
                    backtests.load(specs.stream().filter(s -> s.marketId().equals(market)).toList()).bars()
                            .forEach(b -> bySymbol.computeIfAbsent(b.symbol(), k -> new ArrayList<>()).add(b));
                    bySymbol.forEach((symbol, bars) -> series.add(new StrategySimulation.Series(market + " " + symbol, bars)));
                }
            } else {
                for (Path file : prices) {
                    String name = file.getFileName().toString().replaceFirst("(\\.csv)?(\\.gz)?$", "");
                    try {
                        series.add(StrategySimulation.Series.readCsv(name, name, file));
                    } catch (IllegalArgumentException e) {
                        // the message names the file, line, column and value
                        cli.io().err().println("flywheel simulate: --prices " + e.getMessage());
                        return Optional.empty();
                    }
                }
            }
            StrategySimulation.Report r = StrategySimulation.run(series,
                    StrategySimulation.Options.defaults(strategies, RulesConfig.of(pre.requireConfig())).withOut(Files.createDirectories(out)));
            r.print(o);
            return Optional.of(r);
        }
    }

    /** The deployment's rules section when there is a config.yml, else the defaults (bundled scripts). */
    private Optional<Settings.Rules> rules() {
        if (!Files.isRegularFile(cli.configFile())) {
            return Optional.of(Settings.Rules.defaults());
        }
        return cli.configOnly().map(FlywheelConfig::rules);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
