package io.flywheel.engine.cli;

import io.flywheel.engine.feedback.Dimension;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.learning.Charts;
import io.flywheel.engine.learning.Funnel;
import io.flywheel.engine.text.Cells;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flywheel stats}: the conversion funnel from the feedback log. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Prints the funnel (found, posted, engaged, applied, won) of the leads found in a window, with rates.")
final class StatsCommand implements Callable<Integer> {
    @ParentCommand
    FlywheelCli cli;

    @Option(names = "--days", defaultValue = "30", description = "Leads found in the last N days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--by", defaultValue = "source", description = "Group by source, platform or keyword (default: ${DEFAULT-VALUE}).")
    String by;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Also write the funnel as a PNG chart.")
    Path chart;

    @Override
    public Integer call() throws Exception {
        Dimension dimension = switch (by.toLowerCase(Locale.ROOT)) {
            case "source" -> Dimension.SOURCE;
            case "platform" -> Dimension.PLATFORM;
            case "keyword" -> Dimension.KEYWORD;
            default -> null;
        };
        if (dimension == null) {
            cli.io().err().println("flywheel stats: --by must be source, platform or keyword, found '" + by + "'");
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        if (days <= 0) {
            cli.io().err().println("flywheel stats: --days must be positive, found " + days);
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        Instant now = cli.io().clock().instant();
        Instant from = now.minus(Duration.ofDays(days));
        return cli.withStore("stats", "/stats", (config, store) -> {
            List<FeedbackEvent> events = store.events(from, now.plusMillis(1), Set.of());
            List<Funnel.Row> rows = Funnel.of(events, from, now.plusMillis(1), dimension);
            print(cli.io().out(), rows, Funnel.total(events, from, now.plusMillis(1)), dimension, days);
            if (chart != null) {
                FlywheelCli.write(chart, Charts.funnel(rows, "Leads found in the last " + days + " days, by " + by, 12));
                cli.io().out().println("chart: " + chart.toAbsolutePath());
            }
            return FlywheelCli.OK;
        });
    }

    static void print(PrintStream out, List<Funnel.Row> rows, Funnel.Row total, Dimension by, int days) {
        out.printf("Leads found in the last %d day(s), by %s%n%n", days, by.name().toLowerCase(Locale.ROOT));
        String head = "%-24s %6s %6s %7s %7s %5s  %7s %8s %8s %6s %6s%n";
        out.printf(head, by.name(), "FOUND", "POSTED", "ENGAGED", "APPLIED", "WON", "POSTED%", "ENGAGED%", "APPLIED%", "WON%", "CONV%");
        for (Funnel.Row r : rows) {
            row(out, r);
        }
        if (rows.size() > 1 || rows.isEmpty()) {
            row(out, total);
        }
    }

    private static void row(PrintStream out, Funnel.Row r) {
        out.printf(Locale.ROOT, "%s %6d %6d %7d %7d %5d  %7.1f %8.1f %8.1f %6.1f %6.1f%n", Cells.fit(r.key(), 24), r.found(), r.posted(), r.engaged(), r.applied(),
                r.won(), 100 * r.postedRate(), 100 * r.engagedRate(), 100 * r.appliedRate(), 100 * r.wonRate(), 100 * r.conversion());
    }
}
