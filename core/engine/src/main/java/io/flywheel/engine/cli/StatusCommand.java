package io.flywheel.engine.cli;

import io.flywheel.engine.app.SourceHealth;
import io.flywheel.engine.app.SourceStatusFile;
import io.flywheel.engine.app.StatusReport;
import io.flywheel.engine.app.TradingStatusFile;
import io.flywheel.engine.config.ComponentKind;
import io.flywheel.engine.config.ConfigLoader;
import io.flywheel.engine.config.FlywheelConfig;
import io.flywheel.engine.config.Instance;
import io.flywheel.engine.config.Problem;
import io.flywheel.engine.rules.Rules;
import io.flywheel.engine.rules.RulesStatus;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code flywheel status}: each source's health, the rules in force (with any change a rule
 * rejected) and the paper book, as the running (or last) process recorded them.
 * Reads the status file beside the store, so it works while {@code flywheel run} holds the store.
 * Exits 1 when a source is failing or paused, the last poll of a market failed, or a status file is
 * damaged (what it can still read is printed), so a monitor can alert on it. A status file not
 * written yet (nothing has run) is not a failure.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the health of every source, the rules in force and the paper book.",
                "Each source: last run, items found, failures, pauses and stale-selector warnings. The JavaScript rules in force, with the"
                        + " last change each rejected and why. The paper book: equity, each strategy's equity and weight, and a market whose last"
                        + " poll failed.",
                "Exits 1 when any enabled source is failing or paused, the last poll of a market failed, or a status file is damaged"
                        + " (named with the entry at fault; the rest is still shown). A status file that no run has written yet is not a failure."})
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    FlywheelCli cli;

    @Override
    public Integer call() {
        ConfigLoader.Result loaded = new ConfigLoader().load(cli.configFile(), cli.io().env());
        PrintStream out = cli.io().out();
        if (loaded.config().isEmpty()) {
            for (Problem p : loaded.problems().all()) {
                cli.io().err().println(p);
            }
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        FlywheelConfig config = loaded.config().get();
        boolean sourcesOk = printSources(out, config);
        out.println();
        boolean rulesOk = printRules(out, config.store().path().toAbsolutePath().getParent());
        boolean tradingOk = printTrading(out, config);
        return sourcesOk && rulesOk && tradingOk ? FlywheelCli.OK : FlywheelCli.FAILED;
    }

    /** The sources section; returns false when an enabled source is failing or paused, or the status file is damaged. */
    private boolean printSources(PrintStream out, FlywheelConfig config) {
        SourceStatusFile file = SourceStatusFile.besideStore(config.store().path());
        SourceStatusFile.Snapshot snapshot;
        try {
            snapshot = file.readChecked();
        } catch (IllegalStateException e) {
            out.println("sources: " + e.getMessage() + "; each source's health is unknown until `flywheel run` writes it again");
            return false;
        }
        List<SourceHealth> enabled = new ArrayList<>();
        List<String> disabled = new ArrayList<>();
        for (Instance i : config.instances(ComponentKind.SOURCE)) {
            if (i.enabled()) {
                enabled.add(snapshot.sources().getOrDefault(i.id(), SourceHealth.fresh(i.id())));
            } else {
                disabled.add(i.id());
            }
        }
        Instant now = cli.io().clock().instant();
        ZoneId zone = ZoneId.systemDefault();
        out.println(snapshot.written() == null
                ? "No run recorded yet (" + file.file() + "); run `flywheel run` first."
                : "As of " + snapshot.written() + " (" + file.file() + ")");
        out.println();
        StatusReport.table(enabled, disabled, now, zone).forEach(out::println);
        long unhealthy = enabled.stream().filter(h -> !h.healthy()).count();
        long stale = enabled.stream().filter(h -> h.state(now) == SourceHealth.State.STALE).count();
        out.println();
        out.printf("%d source(s): %d unhealthy, %d possibly stale%n", enabled.size(), unhealthy, stale);
        return unhealthy == 0;
    }

    /** The trading section, when strategies are configured; returns false when the last poll of a market failed or the file is damaged. */
    private static boolean printTrading(PrintStream out, FlywheelConfig config) {
        List<String> strategies = config.instances(ComponentKind.STRATEGY).stream().filter(Instance::enabled).map(Instance::id).toList();
        if (strategies.isEmpty()) {
            return true;
        }
        out.println();
        TradingStatusFile file = TradingStatusFile.besideStore(config.store().path());
        try {
            Optional<TradingStatusFile.Status> status = file.read();
            if (status.isEmpty()) {
                out.println("trading: nothing reported yet in " + file.file() + " (no `flywheel run` has polled the markets)");
                return true;
            }
            status.get().lines(strategies).forEach(out::println);
            return !status.get().failing();
        } catch (IllegalStateException e) {
            out.println("trading: " + e.getMessage() + "; the next poll of `flywheel run` writes it again");
            return false;
        }
    }

    /** The rules section: live versions, and the last change each rule rejected or failed on; returns false when the status file is damaged. */
    static boolean printRules(PrintStream out, Path dataDir) {
        Optional<RulesStatus> status;
        try {
            status = RulesStatus.read(Rules.statusFile(dataDir));
        } catch (RuntimeException e) {
            out.println("rules: " + e.getMessage() + "; `flywheel run` writes it again at its next rule event");
            return false;
        }
        if (status.isEmpty()) {
            out.println("rules: nothing reported yet in " + dataDir + " (no Flywheel has run with this store)");
            return true;
        }
        status.get().lines().forEach(out::println);
        return true;
    }
}
