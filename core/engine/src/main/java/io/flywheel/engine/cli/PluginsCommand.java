package io.flywheel.engine.cli;

import io.flywheel.engine.app.Preflight;
import io.flywheel.engine.plugin.PluginReport;
import io.flywheel.engine.text.Cells;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code flywheel plugins}: what is loaded, what it provides, and why anything failed. */
@Command(name = "plugins", mixinStandardHelpOptions = true, description = "Lists plugins with id, version, state, the types they provide and why any failed.")
final class PluginsCommand implements Callable<Integer> {
    @ParentCommand
    FlywheelCli cli;

    @Override
    public Integer call() {
        Preflight.Result result = cli.preflight();
        try {
            PrintStream out = cli.io().out();
            out.printf("Plugins folder: %s%n%n", result.plugins().dir());
            boolean anyFailed = result.plugins().folderProblem().isPresent();
            result.plugins().folderProblem().ifPresent(m -> cli.io().err().println("flywheel plugins: " + m));
            out.printf("%-20s %-16s %-9s %s%n", "ID", "VERSION", "STATE", "PROVIDES / REASON");
            for (PluginReport r : result.plugins().reports()) {
                String detail = r.failure() != null ? r.failure() : String.join(", ", r.provides());
                out.printf("%s %s %-9s %s%n", Cells.pad(r.id(), 20), Cells.pad(r.version(), 16), r.state().name().replace('_', '-').toLowerCase(java.util.Locale.ROOT), detail);
                if (r.file() != null) {
                    out.printf("%-20s %-16s %-9s file: %s%n", "", "", "", r.shownFile());
                }
                for (String note : r.notes()) {
                    out.printf("%-20s %-16s %-9s note: %s%n", "", "", "", note);
                }
                anyFailed |= r.state() == PluginReport.State.FAILED;
            }
            return anyFailed ? FlywheelCli.FAILED : FlywheelCli.OK;
        } finally {
            result.plugins().close();
        }
    }
}
