package io.flywheel.engine.cli;

import io.flywheel.engine.app.Flywheel;
import io.flywheel.engine.config.FlywheelConfig;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.learning.FreezeSwitch;
import io.flywheel.engine.learning.LearningLoop;
import io.flywheel.engine.learning.LearningSetup;
import io.flywheel.engine.learning.ShadowReport;
import io.flywheel.engine.learning.ShadowRule;
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

/**
 * {@code flywheel rules test FILE}, {@code evaluate FILE}, {@code rollback [RULE]}, and the learning loop's
 * {@code update}, {@code freeze}, {@code unfreeze}, {@code shadow}, {@code promote}.
 */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Tries out, evaluates, rolls back, runs, freezes and promotes the JavaScript rules in scripts/.",
        subcommands = {RulesCommand.Test.class, RulesCommand.Evaluate.class, RulesCommand.Rollback.class, RulesCommand.Update.class, RulesCommand.Freeze.class,
                RulesCommand.Unfreeze.class, RulesCommand.Shadow.class, RulesCommand.Promote.class})
final class RulesCommand implements Callable<Integer> {
    @ParentCommand
    FlywheelCli cli;

    @Override
    public Integer call() {
        cli.io().err().println("flywheel rules: say `test FILE`, `evaluate FILE`, `rollback [RULE]`, `update`, `freeze`, `unfreeze`, `shadow` or `promote` (see `flywheel rules --help`)");
        return FlywheelCli.CONFIG_PROBLEMS;
    }

    static Path dataDir(FlywheelConfig config) {
        return config.store().path().toAbsolutePath().getParent();
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Runs a rule file against the recorded history without applying anything.",
                    "Shows whether it would pass the replay a reload runs, the weights it would produce now against the live ones,"
                            + " and which stored leads would rank differently.",
                    "Needs the store: stop a running Flywheel first (one process per store)."})
    static final class Test implements Callable<Integer> {
        private static final Pattern FUNCTION = Pattern.compile("function\\s+(scoreBatch|score|updateKeywordWeights|updateStrategyWeights)\\s*\\(");

        @ParentCommand
        RulesCommand parent;

        @Parameters(paramLabel = "FILE", description = "The script to try, e.g. scripts/keyword-weights.js or a copy of it.")
        Path file;

        @Option(names = "--rule", paramLabel = "RULE", description = "lead-score, keyword-weights or strategy-weights (default: from the file name or the function it defines).")
        String rule;

        @Option(names = "--leads", defaultValue = "50", description = "How many of the newest stored leads to re-rank (default: ${DEFAULT-VALUE}).")
        int leads;

        @Override
        public Integer call() throws Exception {
            FlywheelCli cli = parent.cli;
            PrintStream out = cli.io().out();
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
            return cli.withStore("rules test", null, (config, store) -> {
                try (JsRuntime runtime = JsRuntime.start()) {
                    KeywordWeights weights = new KeywordWeights(Flywheel.weightsInForce(config, store));
                    RuleDryRun.Report r = RuleDryRun.run(RulesConfig.of(config), runtime, new RuleHistory(store, store, store), weights, dataDir(config),
                            source, kind, cli.io().clock(), cli.io().random(), leads, config.learning(),
                            new FreezeSwitch(config.learning().freeze(), FreezeSwitch.file(dataDir(config))));
                    print(out, r);
                    return r.replay() == null ? FlywheelCli.OK : FlywheelCli.FAILED;
                } catch (RuleException e) {
                    out.println("Dry run of " + source.name() + " (" + kind.id() + "): it does not load.");
                    out.println("  " + e.getMessage());
                    return FlywheelCli.FAILED;
                }
            });
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
            var kinds = found.stream().map(fn -> Arrays.stream(RuleKind.values()).filter(k -> k.definedBy(fn)).findFirst().orElseThrow()).distinct().toList();
            if (kinds.size() == 1) {
                return kinds.getFirst();
            }
            throw new IllegalArgumentException(file + ": cannot tell which rule it is" + (found.isEmpty() ? " (it defines none of scoreBatch, score, "
                    + "updateKeywordWeights, updateStrategyWeights)" : " (it defines " + String.join(" and ", found) + ")") + "; say --rule RULE");
        }

        static void print(PrintStream out, RuleDryRun.Report r) {
            RuleDryRun.describe(r).forEach(out::println);
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = {"Estimates by inverse propensity scoring how a candidate keyword-weights.js would have done on the recorded history.",
                    "It is replayed at every recorded keyword update, each logged source run's leads are scored with the weights it would"
                            + " have had (by the live lead-score.js), and each logged post is reweighted by how likely the candidate was to make the"
                            + " same choice. Needs a log with exploration (posting.max-per-run and posting.explore > 0). Applies nothing.",
                    "Needs the store: stop a running Flywheel first (one process per store)."})
    static final class Evaluate implements Callable<Integer> {
        @ParentCommand
        RulesCommand parent;

        @Parameters(paramLabel = "FILE", description = "The keyword-weights.js candidate, e.g. a copy of scripts/keyword-weights.js.")
        Path file;

        @Override
        public Integer call() throws Exception {
            FlywheelCli cli = parent.cli;
            if (!Files.isRegularFile(file)) {
                cli.io().err().println("flywheel rules evaluate: no such file: " + file);
                return FlywheelCli.CONFIG_PROBLEMS;
            }
            ScriptSource source = ScriptSource.read(file, file.toString());
            return cli.withStore("rules evaluate", null, (config, store) -> {
                try (JsRuntime runtime = JsRuntime.start()) {
                    RuleEvaluation.Report r = RuleEvaluation.run(RulesConfig.of(config), runtime, new RuleHistory(store, store, store), config.keywords(),
                            dataDir(config), source, cli.io().clock().instant());
                    RuleEvaluation.describe(r).forEach(cli.io().out()::println);
                    return r.estimate() == null || r.estimate().n() == 0 ? FlywheelCli.FAILED : FlywheelCli.OK;
                } catch (RuleException e) {
                    cli.io().out().println("Evaluation of " + source.name() + " failed: " + e.getMessage());
                    return FlywheelCli.FAILED;
                }
            });
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = {"Puts the version of a rule that was live before the latest one back into its file.",
                    "A running Flywheel reloads it (after the usual replay); otherwise it is loaded at the next start."
                            + " Without RULE, rolls back the rule changed last."})
    static final class Rollback implements Callable<Integer> {
        @ParentCommand
        RulesCommand parent;

        @Parameters(arity = "0..1", paramLabel = "RULE", description = "lead-score, keyword-weights or strategy-weights.")
        String rule;

        @Override
        public Integer call() {
            FlywheelCli cli = parent.cli;
            Optional<FlywheelConfig> loaded = cli.configOnly();
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

    /** Opens the store and the rules of a deployment that is not running, runs {@code body}, closes everything. */
    static int withRules(FlywheelCli cli, String what, RulesBody body) throws Exception {
        return cli.withStore("rules " + what, "/rules " + what, (config, store) -> {
            try (JsRuntime runtime = JsRuntime.start()) {
                KeywordWeights weights = new KeywordWeights(Flywheel.weightsInForce(config, store));
                try (Rules rules = Rules.open(RulesConfig.of(config), runtime, new RuleHistory(store, store, store), weights, dataDir(config), cli.io().clock(),
                        cli.io().random()); LearningSetup learning = LearningSetup.of(config, rules, store, dataDir(config), cli.io().clock())) {
                    return body.run(config, store, rules, learning);
                }
            } catch (RuleException e) {
                cli.io().err().println("flywheel rules " + what + ": " + e.getMessage());
                return FlywheelCli.FAILED;
            }
        });
    }

    @FunctionalInterface
    interface RulesBody {
        int run(FlywheelConfig config, MapDbStore store, Rules rules, LearningSetup learning);
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = {"Runs the keyword learning step now, with the guardrails of learning: in config.yml.",
                    "The guardrails are freeze, min-feedback and max-change; the weights are recorded with what the rule saw."
                            + " `flywheel run` does this every learning.every.",
                    "Needs the store: while Flywheel runs, use /rules update."})
    static final class Update implements Callable<Integer> {
        @ParentCommand
        RulesCommand parent;

        @Override
        public Integer call() throws Exception {
            FlywheelCli cli = parent.cli;
            return withRules(cli, "update", (config, store, rules, learning) -> {
                LearningLoop.Update u = learning.loop().update("flywheel rules update");
                cli.io().out().println(u.message());
                u.shadow().ifPresent(s -> cli.io().out().println("Shadow weights recorded (see `flywheel rules shadow`)."));
                return u.outcome() == LearningLoop.Outcome.FAILED ? FlywheelCli.FAILED : FlywheelCli.OK;
            });
        }
    }

    @Command(name = "freeze", mixinStandardHelpOptions = true,
            description = {"Freezes learning: no keyword or strategy weight update applies until `flywheel rules unfreeze`.",
                    "Kept beside the store, so it survives restarts; a running Flywheel sees it at its next update."})
    static final class Freeze implements Callable<Integer> {
        @ParentCommand
        RulesCommand parent;

        @Override
        public Integer call() {
            return toggle(parent.cli, true);
        }
    }

    @Command(name = "unfreeze", mixinStandardHelpOptions = true, description = "Lets learning updates apply again (unless learning.freeze: true in config.yml).")
    static final class Unfreeze implements Callable<Integer> {
        @ParentCommand
        RulesCommand parent;

        @Override
        public Integer call() {
            return toggle(parent.cli, false);
        }
    }

    static int toggle(FlywheelCli cli, boolean frozen) {
        Optional<FlywheelConfig> loaded = cli.configOnly();
        if (loaded.isEmpty()) {
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        FreezeSwitch sw = new FreezeSwitch(loaded.get().learning().freeze(), FreezeSwitch.file(dataDir(loaded.get())));
        cli.io().out().println(sw.set(frozen, "flywheel rules " + (frozen ? "freeze" : "unfreeze"), cli.io().clock().instant()));
        return !frozen && sw.frozen() ? FlywheelCli.FAILED : FlywheelCli.OK;
    }

    @Command(name = "shadow", mixinStandardHelpOptions = true,
            description = "Shows the live keyword weights against the shadow rule's (learning.shadow) and how far apart the last updates were.")
    static final class Shadow implements Callable<Integer> {
        @ParentCommand
        RulesCommand parent;

        @Option(names = "--last", defaultValue = "10", description = "How many recent updates to compare (default: ${DEFAULT-VALUE}).")
        int last;

        @Override
        public Integer call() throws Exception {
            FlywheelCli cli = parent.cli;
            PrintStream out = cli.io().out();
            return cli.withStore("rules shadow", "/rules shadow", (config, store) -> {
                Path shadow = config.learning().shadow();
                out.println(shadow == null ? "No shadow rule configured (learning.shadow); showing what was recorded." : "Shadow rule: " + shadow);
                ShadowReport.describe(store, cli.io().clock().instant(), last).forEach(out::println);
                return FlywheelCli.OK;
            });
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = {"Makes the shadow keyword rule (learning.shadow) the live one.",
                    "It is replayed on history like any reload and, if it passes, written into the keyword rule's file and archived,"
                            + " so `flywheel rules rollback` returns to the old one.",
                    "Needs the store: while Flywheel runs, use /rules promote."})
    static final class Promote implements Callable<Integer> {
        @ParentCommand
        RulesCommand parent;

        @Override
        public Integer call() throws Exception {
            FlywheelCli cli = parent.cli;
            return withRules(cli, "promote", (config, store, rules, learning) -> {
                Optional<ShadowRule> shadow = learning.loop().shadow();
                if (shadow.isEmpty()) {
                    cli.io().err().println("flywheel rules promote: no shadow rule configured; set learning.shadow in config.yml to the candidate keyword rule");
                    return FlywheelCli.CONFIG_PROBLEMS;
                }
                Rules.Reload r = rules.promote(RuleKind.KEYWORD_WEIGHTS, shadow.get().source());
                (r.outcome() == Rules.Reload.Outcome.REJECTED ? cli.io().err() : cli.io().out()).println(RuleKind.KEYWORD_WEIGHTS.id() + ": " + r.message());
                return r.outcome() == Rules.Reload.Outcome.REJECTED ? FlywheelCli.FAILED : FlywheelCli.OK;
            });
        }
    }
}
