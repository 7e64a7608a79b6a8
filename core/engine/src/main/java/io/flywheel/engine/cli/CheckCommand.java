package io.flywheel.engine.cli;

import io.flywheel.engine.app.Preflight;
import io.flywheel.engine.config.ComponentKind;
import io.flywheel.engine.plugin.PluginReport;
import io.flywheel.engine.config.FlywheelConfig;
import io.flywheel.engine.config.Location;
import io.flywheel.engine.config.Problems;
import io.flywheel.engine.rules.CompiledScript;
import io.flywheel.engine.rules.JsRuntime;
import io.flywheel.engine.rules.RuleException;
import io.flywheel.engine.rules.RuleKind;
import io.flywheel.engine.rules.RulesConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code flywheel check}: the full pre-flight, every problem at once. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Checks the environment, config.yml and plugins without starting anything; exits non-zero listing every problem.")
final class CheckCommand implements Callable<Integer> {
    @ParentCommand
    FlywheelCli cli;

    @Override
    public Integer call() {
        Preflight.Result result = cli.preflight();
        try {
            List<String> rules = result.config().map(c -> checkRules(c, result.problems())).orElse(List.of());
            int errors = cli.report(result);
            long warnings = result.problems().all().size() - errors;
            var out = cli.io().out();
            long usable = result.plugins().reports().stream().filter(r -> r.usable() && r.file() != null).count();
            long failed = result.plugins().reports().stream().filter(r -> r.state() == PluginReport.State.FAILED).count();
            out.printf("config:  %s%n", cli.configFile().toAbsolutePath().normalize());
            out.printf("plugins: %d loaded, %d failed (from %s)%n", usable, failed, result.plugins().dir());
            result.config().ifPresent(c -> {
                for (ComponentKind k : ComponentKind.values()) {
                    long enabled = c.enabled(k).size();
                    long disabled = c.instances(k).size() - enabled;
                    if (enabled + disabled > 0) {
                        out.printf("%-8s %d enabled%s%n", k.section() + ":", enabled, disabled > 0 ? ", " + disabled + " disabled" : "");
                    }
                }
            });
            rules.forEach(out::println);
            out.printf("java:    %s%n", Runtime.version());
            if (errors > 0) {
                out.printf("%d error(s), %d warning(s): fix the errors above before running%n", errors, warnings);
                return FlywheelCli.CONFIG_PROBLEMS;
            }
            out.printf("OK (%d warning(s))%n", warnings);
            return FlywheelCli.OK;
        } finally {
            result.plugins().close();
        }
    }

    /** Which JavaScript runtime is active, and whether each rule's script loads; failures become problems. */
    private static List<String> checkRules(FlywheelConfig config, Problems problems) {
        List<String> lines = new ArrayList<>();
        RulesConfig rules = RulesConfig.of(config);
        try (JsRuntime runtime = JsRuntime.start()) {
            lines.add("rules:   JavaScript " + runtime.describe());
            for (RuleKind kind : RuleKind.values()) {
                try (CompiledScript script = runtime.compile(rules.source(kind), kind, rules.limits())) {
                    lines.add(String.format("         %-17s %s loads (sha %s)", kind.id(), script.source().name(), script.hash().substring(0, 12)));
                } catch (RuleException e) {
                    Path file = rules.scripts().getOrDefault(kind, config.file());
                    problems.error(new Location(file, e.line(), e.line() > 0 ? 1 : 0), e.getMessage());
                    lines.add(String.format("         %-17s %s does not load (see above)", kind.id(), rules.names().get(kind)));
                }
            }
        }
        return lines;
    }
}
