package io.flywheel.engine.cli;

import io.flywheel.engine.app.Flywheel;
import io.flywheel.engine.config.ConfigLoader;
import io.flywheel.engine.config.FlywheelConfig;
import io.flywheel.engine.config.Problem;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.log.SecretMasker;
import io.flywheel.engine.rules.JsRuntime;
import io.flywheel.engine.rules.RuleDryRun;
import io.flywheel.engine.rules.RuleEvaluation;
import io.flywheel.engine.rules.RuleException;
import io.flywheel.engine.rules.RuleHistory;
import io.flywheel.engine.rules.RuleKind;
import io.flywheel.engine.rules.Rules;
import io.flywheel.engine.rules.RulesConfig;
import io.flywheel.engine.rules.ScriptSource;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.store.StoreException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code flywheel rules test FILE}, {@code flywheel rules evaluate FILE} and {@code flywheel rules rollback [RULE]}. */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Tries out and rolls back the JavaScript rules in scripts/.",
        subcommands = {RulesCommand.Test.class, RulesCommand.Evaluate.class, RulesCommand.Rollback.class})
final class RulesCommand implements Callable<Integer> {
    @ParentCommand
    FlywheelCli cli;

    @Override
    public Integer call() {
        cli.io().err().println("flywheel rules: say `test FILE`, `evaluate FILE` or `rollback [RULE]` (see `flywheel rules --help`)");
        return FlywheelCli.CONFIG_PROBLEMS;
    }

    /** Loads config.yml alone (no plugins); prints its problems. Empty when it has errors. */
    static Optional<FlywheelConfig> config(FlywheelCli cli) {
        SecretMasker.registerSecretsFrom(cli.io().env());
        ConfigLoader.Result loaded = new ConfigLoader().load(cli.configFile(), cli.io().env());
        for (Problem p : loaded.problems().all()) {
            cli.io().err().println(SecretMasker.mask(p.toString()));
        }
        return loaded.problems().hasErrors() ? Optional.empty() : loaded.config();
    }

    static Path dataDir(FlywheelConfig config) {
        return config.store().path().toAbsolutePath().getParent();
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Runs a rule file against the recorded history without applying anything: whether it would pass the replay a reload",
                    "runs, the weights it would produce now against the live ones, and which stored leads would rank differently.",
                    "Needs the store: stop a running Flywheel first (one process per store)."})
    static final class Test implements Callable<Integer> {
        private static final Pattern FUNCTION = Pattern.compile("function\\s+(score|updateKeywordWeights|updateStrategyWeights)\\s*\\(");

        @ParentCommand
        RulesCommand parent;

        @Parameters(paramLabel = "FILE", description = "The script to try, e.g. scripts/keyword-weights.js or a copy of it.")
        Path file;

        @Option(names = "--rule", paramLabel = "RULE", description = "lead-score, keyword-weights or strategy-weights (default: from the file name or the function it defines).")
        String rule;

        @Option(names = "--leads", defaultValue = "50", description = "How many of the newest stored leads to re-rank (default: ${DEFAULT-VALUE}).")
        int leads;

        @Override
        public Integer call() {
            FlywheelCli cli = parent.cli;
            PrintStream out = cli.io().out();
            Optional<FlywheelConfig> loaded = config(cli);
            if (loaded.isEmpty()) {
                return FlywheelCli.CONFIG_PROBLEMS;
            }
            FlywheelConfig config = loaded.get();
            if (!Files.isRegularFile(file)) {
                cli.io().err().println("flywheel rules test: no such file: " + file);
                return FlywheelCli.CONFIG_PROBLEMS;
            }
            ScriptSource source = ScriptSource.read(file, file.toString());
            RuleKind kind;
            try {
                kind = kind(source);
            } catch (IllegalArgumentException e) {
                cli.io().err().println("flywheel rules test: " + e.getMessage());
                return FlywheelCli.CONFIG_PROBLEMS;
            }
            MapDbStore store;
            try {
                store = MapDbStore.open(config.store().path());
            } catch (StoreException e) {
                cli.io().err().println("flywheel rules test: " + e.getMessage());
                return FlywheelCli.FAILED;
            }
            try (store; JsRuntime runtime = JsRuntime.start()) {
                KeywordWeights weights = new KeywordWeights(Flywheel.weightsInForce(config, store));
                RuleDryRun.Report r = RuleDryRun.run(RulesConfig.of(config), runtime, new RuleHistory(store, store, store), weights, dataDir(config),
                        source, kind, cli.io().clock(), cli.io().random(), leads);
                print(out, r);
                return r.replay() == null ? FlywheelCli.OK : FlywheelCli.FAILED;
            } catch (RuleException e) {
                out.println("Dry run of " + source.name() + " (" + kind.id() + "): it does not load.");
                out.println("  " + e.getMessage());
                return FlywheelCli.FAILED;
            }
        }

        private RuleKind kind(ScriptSource source) {
            if (rule != null) {
                return RuleKind.byId(rule).orElseThrow(() -> new IllegalArgumentException("--rule: unknown rule '" + rule + "'; say one of "
                        + String.join(", ", Arrays.stream(RuleKind.values()).map(RuleKind::id).toList())));
            }
            for (RuleKind k : RuleKind.values()) {
                if (file.getFileName().toString().equals(k.fileName())) {
                    return k;
                }
            }
            var m = FUNCTION.matcher(source.text());
            TreeSet<String> found = new TreeSet<>();
            while (m.find()) {
                found.add(m.group(1));
            }
            if (found.size() == 1) {
                String fn = found.first();
                return Arrays.stream(RuleKind.values()).filter(k -> k.function().equals(fn)).findFirst().orElseThrow();
            }
            throw new IllegalArgumentException(file + ": cannot tell which rule it is" + (found.isEmpty() ? " (it defines none of score, "
                    + "updateKeywordWeights, updateStrategyWeights)" : " (it defines " + String.join(" and ", found) + ")") + "; say --rule RULE");
        }

        static void print(PrintStream out, RuleDryRun.Report r) {
            RuleDryRun.describe(r).forEach(out::println);
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = {"Estimates by inverse propensity scoring how a candidate keyword-weights.js would have done on the recorded history:",
                    "it is replayed at every recorded keyword update, each logged source run's leads are scored with the weights it would",
                    "have had (by the live lead-score.js), and each logged post is reweighted by how likely the candidate was to make the",
                    "same choice. Needs a log with exploration (posting.max-per-run and posting.explore > 0). Applies nothing.",
                    "Needs the store: stop a running Flywheel first (one process per store)."})
    static final class Evaluate implements Callable<Integer> {
        @ParentCommand
        RulesCommand parent;

        @Parameters(paramLabel = "FILE", description = "The keyword-weights.js candidate, e.g. a copy of scripts/keyword-weights.js.")
        Path file;

        @Override
        public Integer call() {
            FlywheelCli cli = parent.cli;
            Optional<FlywheelConfig> loaded = config(cli);
            if (loaded.isEmpty()) {
                return FlywheelCli.CONFIG_PROBLEMS;
            }
            FlywheelConfig config = loaded.get();
            if (!Files.isRegularFile(file)) {
                cli.io().err().println("flywheel rules evaluate: no such file: " + file);
                return FlywheelCli.CONFIG_PROBLEMS;
            }
            ScriptSource source = ScriptSource.read(file, file.toString());
            MapDbStore store;
            try {
                store = MapDbStore.open(config.store().path());
            } catch (StoreException e) {
                cli.io().err().println("flywheel rules evaluate: " + e.getMessage());
                return FlywheelCli.FAILED;
            }
            try (store; JsRuntime runtime = JsRuntime.start()) {
                RuleEvaluation.Report r = RuleEvaluation.run(RulesConfig.of(config), runtime, new RuleHistory(store, store, store), config.keywords(),
                        dataDir(config), source, cli.io().clock().instant());
                RuleEvaluation.describe(r).forEach(cli.io().out()::println);
                return r.estimate() == null || r.estimate().n() == 0 ? FlywheelCli.FAILED : FlywheelCli.OK;
            } catch (RuleException e) {
                cli.io().out().println("Evaluation of " + source.name() + " failed: " + e.getMessage());
                return FlywheelCli.FAILED;
            }
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = {"Puts the version of a rule that was live before the latest one back into its file. A running Flywheel reloads it",
                    "(after the usual replay); otherwise it is loaded at the next start. Without RULE, rolls back the rule changed last."})
    static final class Rollback implements Callable<Integer> {
        @ParentCommand
        RulesCommand parent;

        @Parameters(arity = "0..1", paramLabel = "RULE", description = "lead-score, keyword-weights or strategy-weights.")
        String rule;

        @Override
        public Integer call() {
            FlywheelCli cli = parent.cli;
            Optional<FlywheelConfig> loaded = config(cli);
            if (loaded.isEmpty()) {
                return FlywheelCli.CONFIG_PROBLEMS;
            }
            Path dataDir = dataDir(loaded.get());
            RuleKind kind;
            if (rule != null) {
                Optional<RuleKind> k = RuleKind.byId(rule);
                if (k.isEmpty()) {
                    cli.io().err().println("flywheel rules rollback: unknown rule '" + rule + "'; say lead-score, keyword-weights or strategy-weights");
                    return FlywheelCli.CONFIG_PROBLEMS;
                }
                kind = k.get();
            } else {
                Optional<RuleKind> last = Rules.lastChanged(dataDir);
                if (last.isEmpty()) {
                    cli.io().err().println("flywheel rules rollback: no rule has gone live yet with the store in " + dataDir);
                    return FlywheelCli.FAILED;
                }
                kind = last.get();
            }
            try {
                Rules.Rollback done = Rules.rollback(RulesConfig.of(loaded.get()), dataDir, kind, cli.io().clock());
                cli.io().out().printf("%s: %s now holds version %s again (was %s).%n", kind.id(), done.file(), done.to().substring(0, 12), done.from().substring(0, 12));
                cli.io().out().println("A running Flywheel reloads it within a second (see `flywheel status`); otherwise it is loaded at the next start.");
                return FlywheelCli.OK;
            } catch (RuleException e) {
                cli.io().err().println("flywheel rules rollback: " + e.getMessage());
                return FlywheelCli.FAILED;
            }
        }
    }
}
