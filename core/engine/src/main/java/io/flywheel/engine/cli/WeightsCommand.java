package io.flywheel.engine.cli;

import io.flywheel.engine.app.Flywheel;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.learning.Charts;
import io.flywheel.engine.text.Cells;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flywheel weights}: the keyword and strategy weights in force, and how they moved. */
@Command(name = "weights", mixinStandardHelpOptions = true, description = "Shows the keyword and strategy weights in force and how they moved over time.")
final class WeightsCommand implements Callable<Integer> {
    @ParentCommand
    FlywheelCli cli;

    @Option(names = "--days", defaultValue = "30", description = "History window for the chart; CHANGE is measured from the weights in force at its start (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Also write the keyword weights over time as a PNG chart (strategy weights to FILE-strategies.png).")
    Path chart;

    @Override
    public Integer call() throws Exception {
        if (days <= 0) {
            cli.io().err().println("flywheel weights: --days must be positive, found " + days);
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        Instant now = cli.io().clock().instant();
        Instant from = now.minus(Duration.ofDays(days));
        return cli.withStore("weights", "/weights", (config, store) -> {
            PrintStream out = cli.io().out();
            for (WeightSet.Kind kind : List.of(WeightSet.Kind.KEYWORD, WeightSet.Kind.STRATEGY)) {
                List<WeightSet> history = store.history(kind, from, now.plusMillis(1));
                var latest = store.latest(kind);
                String label = kind.name().toLowerCase(Locale.ROOT);
                // Keywords in force are config.yml's, with what was learned for them (as the engine scores).
                Map<String, Double> inForce = kind == WeightSet.Kind.KEYWORD ? Flywheel.weightsInForce(config, store)
                        : latest.map(WeightSet::weights).orElse(Map.of());
                if (inForce.isEmpty()) {
                    out.printf("%s weights: none recorded yet%n%n", label);
                    continue;
                }
                // CHANGE is measured from the weights in force when the window began: the last set before it.
                List<WeightSet> earlier = store.history(kind, Instant.ofEpochMilli(Long.MIN_VALUE), from);
                Optional<WeightSet> baseline = earlier.isEmpty() ? Optional.empty() : Optional.of(earlier.getLast());
                Map<String, Double> before = baseline.map(WeightSet::weights).orElse(Map.of());
                if (latest.isPresent()) {
                    WeightSet last = latest.get();
                    out.printf("%s weights in force since %s (%s, by %s); %d update(s) in the last %d day(s)%n", label, last.time(), last.note(),
                            last.scriptHash().length() > 12 ? last.scriptHash().substring(0, 12) : last.scriptHash(), history.size(), days);
                } else {
                    out.printf("%s weights in force: config.yml's initial weights, none learned yet%n", label);
                }
                out.println(baseline.isPresent()
                        ? "  CHANGE: against the weights in force at " + from + " (set " + baseline.get().time() + "); new: not among them; dropped: among them, not in force now"
                        : "  CHANGE: no weights were in force at " + from + ", so every " + label + " is new");
                out.printf("  %-28s %8s %9s%n", label.toUpperCase(Locale.ROOT), "WEIGHT", "CHANGE");
                inForce.entrySet().stream()
                        .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                        .forEach(e -> out.printf(Locale.ROOT, "  %s %8.3f %9s%n", Cells.pad(e.getKey(), 28), e.getValue(), before.containsKey(e.getKey())
                                ? String.format(Locale.ROOT, "%+.3f", e.getValue() - before.get(e.getKey())) : "new"));
                // a keyword the window's start had and the weights in force no longer have; its weight then, for what it lost
                before.entrySet().stream().filter(e -> !inForce.containsKey(e.getKey())).sorted(Map.Entry.comparingByKey())
                        .forEach(e -> out.printf(Locale.ROOT, "  %s %8s %9s (was %.3f)%n", Cells.pad(e.getKey(), 28), "-", "dropped", e.getValue()));
                out.println();
                if (chart != null) {
                    Path file = kind == WeightSet.Kind.KEYWORD ? chart : chart.resolveSibling(chart.getFileName().toString().replaceFirst("(\\.png)?$", "-strategies.png"));
                    FlywheelCli.write(file, Charts.weights(history.isEmpty() ? latest.map(List::of).orElse(List.of()) : history, label + " weights, last " + days + " days", 15));
                    out.println("chart: " + file.toAbsolutePath());
                }
            }
            if (store.latest(WeightSet.Kind.KEYWORD_SHADOW).isPresent()) {
                out.println("A shadow keyword rule has recorded weights too: `flywheel rules shadow` compares them with the live ones.");
            }
            return FlywheelCli.OK;
        });
    }
}
