package io.flywheel.engine.cli;

import io.flywheel.api.Scheduler;
import io.flywheel.engine.app.Backtests;
import io.flywheel.engine.app.Preflight;
import io.flywheel.engine.app.TradingSetup;
import io.flywheel.engine.trading.BacktestReport;
import io.flywheel.engine.trading.BacktestResult;
import io.flywheel.engine.trading.Backtester;
import io.flywheel.engine.trading.Ensemble;
import io.flywheel.engine.trading.PaperTrader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flywheel backtest}: one strategy, or all of them three ways, over a market's recorded bars. */
@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = {"Runs a configured strategy over its market's bars on the paper broker and prints its metrics.",
                "Metrics: total return, CAGR, Sharpe, Sortino, max drawdown, win rate, trades and exposure; writes the trades and fills as"
                        + " CSV and the equity curve as PNG.",
                "With --ensemble, runs every configured strategy together three ways: capital weighted by the rule (walk-forward),"
                        + " equal weights, and the best single strategy in hindsight.",
                "Exits 2 on a config problem or an unusable option (an unknown strategy or market, --from after --to, a window with no bar),"
                        + " 1 when the market data cannot be read (its file and line are named), else 0."})
final class BacktestCommand implements Callable<Integer> {
    /** Runs with at least this many bar steps show a progress bar. */
    static final long PROGRESS_FROM = 100_000;

    @ParentCommand
    FlywheelCli cli;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--strategy", paramLabel = "ID", description = "The strategy to test (its id under strategies:).")
    String strategy;

    @Option(names = "--ensemble", description = "Every enabled strategy (of --market, if given) together, three ways.")
    boolean ensemble;

    @Option(names = "--market", paramLabel = "ID", description = "The market to test on (default: the strategy's own).")
    String market;

    @Option(names = "--from", paramLabel = "DATE", description = "First traded day (earlier bars only warm the strategies up), e.g. 2024-01-01.")
    LocalDate from;

    @Option(names = "--to", paramLabel = "DATE", description = "Last traded day, inclusive.")
    LocalDate to;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write trades.csv, fills.csv and equity.png (default: trading.reports/<name>-<time>).")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintStream o = cli.io().out();
        if (ensemble == (strategy != null)) {
            // spec's own command line: a new CommandLine(this) printed a usage without the parent's name and options
            throw new CommandLine.ParameterException(spec.commandLine(), "flywheel backtest: give either --strategy ID or --ensemble");
        }
        if (from != null && to != null && from.isAfter(to)) {
            cli.io().err().printf("flywheel backtest: --from %s is after --to %s; no day to trade%n", from, to);
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        Preflight.Result pre = cli.preflight();
        if (cli.report(pre) > 0) {
            cli.io().err().println("flywheel: fix the config first; `flywheel check` lists the same problems");
            pre.plugins().close();
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        Scheduler scheduler = cli.io().scheduler().get();
        try (Backtests backtests = Backtests.open(pre, cli.io().clock(), scheduler, cli.io().random())) {
            TradingSetup setup = backtests.setup();
            List<PaperTrader.Spec> specs = pick(setup);
            if (specs == null) {
                return FlywheelCli.CONFIG_PROBLEMS;
            }
            Backtests.Data data = backtests.load(specs);
            Instant fromTime = from == null ? null : from.atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant toTime = to == null ? null : to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1);
            String empty = emptyWindow(data.bars(), fromTime, toTime);
            if (empty != null) {
                // an empty report (0% return, no trades) would read as a strategy that did nothing
                cli.io().err().println("flywheel backtest: " + empty);
                return FlywheelCli.CONFIG_PROBLEMS;
            }
            Backtester backtester = new Backtester(setup.costs());
            ProgressBar progress = new ProgressBar(cli.io().err(), PROGRESS_FROM);
            String name = ensemble ? "ensemble" : strategy;
            Path dir = out != null ? out : setup.settings().reports().resolve(name + "-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                    .withZone(ZoneOffset.UTC).format(cli.io().clock().instant()));
            Files.createDirectories(dir);
            o.printf("%s on %s (%d bars, fee %.1f bps, slippage %.1f bps, capital %.0f)%n", name, String.join(", ",
                    data.entries().stream().map(Backtester.Entry::symbol).distinct().toList()), data.bars().size(), setup.settings().feeBps(),
                    setup.settings().slippageBps(), setup.settings().capital());
            if (ensemble) {
                Ensemble e = Ensemble.run(backtester, data.bars(), data.entries(), setup.book(fromTime, setup.settings().minWeight()), toTime, backtests.rule(), progress);
                progress.done();
                List<BacktestResult> shown = new ArrayList<>(List.of(e.adaptive(), e.equal(), e.bestSingle()));
                o.printf("%s; rebalanced every %s by %s; best single in hindsight: %s%n%n", BacktestReport.span(e.adaptive()),
                        io.flywheel.engine.config.Durations.format(setup.settings().rebalance()), backtests.ruleName(), e.bestSingle().label());
                BacktestReport.table(o, shown);
                o.println();
                o.println("every strategy alone:");
                BacktestReport.table(o, e.singles());
                BacktestReport.writeTrades(dir.resolve("trades.csv"), e.adaptive());
                BacktestReport.writeFills(dir.resolve("fills.csv"), e.adaptive().fills());
                BacktestReport.writeChart(dir.resolve("equity.png"), "adaptive vs equal weights vs best single (" + e.bestSingle().label() + ")", shown);
                Map<String, Double> last = e.adaptive().periods().isEmpty() ? Map.of() : e.adaptive().periods().getLast().weightsAfter();
                o.printf("%nadaptive weights at the end: %s%n", BacktestReport.weights(last));
            } else {
                BacktestResult r = backtester.run(strategy, data.bars(), data.entries(), setup.book(fromTime, 0), toTime, backtests.rule(), Map.of(), progress);
                progress.done();
                o.printf("%s%n%n", BacktestReport.span(r));
                BacktestReport.table(o, List.of(r));
                BacktestReport.writeTrades(dir.resolve("trades.csv"), r);
                BacktestReport.writeFills(dir.resolve("fills.csv"), r.fills());
                BacktestReport.writeChart(dir.resolve("equity.png"), strategy + " on " + data.entries().getFirst().symbol(), List.of(r));
            }
            o.printf("%ntrades: %s%nfills:  %s%nchart:  %s%n", dir.resolve("trades.csv"), dir.resolve("fills.csv"), dir.resolve("equity.png"));
            return FlywheelCli.OK;
        } finally {
            pre.plugins().close();
            if (scheduler instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    /** Why no bar falls in the traded window (naming --from/--to and what the data covers), or {@code null} when one does. */
    private String emptyWindow(List<io.flywheel.api.market.Bar> bars, Instant fromTime, Instant toTime) {
        String markets = String.join(", ", bars.stream().map(io.flywheel.api.market.Bar::symbol).distinct().toList());
        if (bars.isEmpty()) {
            return "the market delivered no bars; nothing to test";
        }
        boolean any = bars.stream().anyMatch(b -> (fromTime == null || !b.time().isBefore(fromTime)) && (toTime == null || !b.time().isAfter(toTime)));
        if (any) {
            return null;
        }
        String window = (from == null ? "" : "--from " + from) + (from != null && to != null ? " and " : "") + (to == null ? "" : "--to " + to);
        return "no bar of " + markets + " falls within " + window + "; the data covers " + bars.getFirst().time().toString().substring(0, 10)
                + " .. " + bars.getLast().time().toString().substring(0, 10) + " (" + bars.size() + " bars)";
    }

    /** The strategies to run, or {@code null} after explaining why there are none. */
    private List<PaperTrader.Spec> pick(TradingSetup setup) {
        var err = cli.io().err();
        if (market != null && !setup.feeds().containsKey(market)) {
            err.printf("flywheel: no enabled market '%s'; configured: %s%n", market, setup.feeds().isEmpty() ? "none" : String.join(", ", setup.feeds().keySet()));
            return null;
        }
        if (ensemble) {
            List<PaperTrader.Spec> specs = setup.specs().stream().filter(s -> market == null || market.equals(s.marketId())).toList();
            if (specs.isEmpty()) {
                err.println("flywheel: no enabled strategies" + (market == null ? "" : " on market " + market) + " to run");
                return null;
            }
            return specs;
        }
        PaperTrader.Spec s = setup.byId().get(strategy);
        if (s == null) {
            String hint = io.flywheel.engine.config.ConfigLoader.suggest(strategy, setup.byId().keySet()).map(x -> " Did you mean '" + x + "'?").orElse("");
            err.printf("flywheel: no enabled strategy '%s'; configured: %s.%s%n", strategy,
                    setup.byId().isEmpty() ? "none" : String.join(", ", setup.byId().keySet()), hint);
            return null;
        }
        if (market != null && !market.equals(s.marketId())) {
            s = new PaperTrader.Spec(s.id(), market, s.symbol(), s.strategy());
        }
        return List.of(s);
    }
}
