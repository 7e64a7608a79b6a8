package io.flywheel.engine.cli;

import io.flywheel.engine.app.SourceHealth;
import io.flywheel.engine.app.SourceStatusFile;
import io.flywheel.engine.app.StatusReport;
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
 * {@code flywheel status}: each source's health and the rules in force (with any change a rule
 * rejected), as the running (or last) process recorded them.
 * Reads the status file beside the store, so it works while {@code flywheel run} holds the store.
 * Exits 1 when a source is failing or paused, so a monitor can alert on it.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows each source's health: last run, items found, failures, pauses and stale-selector warnings;",
                "and the JavaScript rules in force, with the last change each rejected and why.",
                "Exits 1 when any enabled source is failing or paused."})
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
        SourceStatusFile file = SourceStatusFile.besideStore(config.store().path());
        SourceStatusFile.Snapshot snapshot = file.read();
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
        out.println();
        printRules(out, config.store().path().toAbsolutePath().getParent());
        return unhealthy > 0 ? FlywheelCli.FAILED : FlywheelCli.OK;
    }

    /** The rules section: live versions, and the last change each rule rejected or failed on. */
    static void printRules(PrintStream out, Path dataDir) {
        Optional<RulesStatus> status = RulesStatus.read(Rules.statusFile(dataDir));
        if (status.isEmpty()) {
            out.println("rules: nothing reported yet in " + dataDir + " (no Flywheel has run with this store)");
            return;
        }
        status.get().lines().forEach(out::println);
    }
}
