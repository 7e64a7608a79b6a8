package io.flywheel.engine.cli;

import io.flywheel.engine.config.FlywheelConfig;
import io.flywheel.engine.rules.Rules;
import io.flywheel.engine.rules.RulesStatus;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code flywheel status}: what the running (or last) Flywheel on this store reports. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows what the running (or last) Flywheel on this config's store reports: the rules in force and any change it rejected.")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    FlywheelCli cli;

    @Override
    public Integer call() {
        Optional<FlywheelConfig> config = RulesCommand.config(cli);
        if (config.isEmpty()) {
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        Path dataDir = RulesCommand.dataDir(config.get());
        printRules(dataDir);
        return FlywheelCli.OK;
    }

    /** The rules section: live versions, and the last change each rule rejected or failed on. */
    void printRules(Path dataDir) {
        Optional<RulesStatus> status = RulesStatus.read(Rules.statusFile(dataDir));
        if (status.isEmpty()) {
            cli.io().out().println("rules: nothing reported yet in " + dataDir + " (no Flywheel has run with this store)");
            return;
        }
        status.get().lines().forEach(cli.io().out()::println);
    }
}
