package io.flywheel.engine.command;

import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.api.command.CommandSpec.Option;
import io.flywheel.engine.feedback.Aggregate;
import io.flywheel.engine.feedback.Dimension;
import io.flywheel.engine.feedback.FeedbackEvent.Type;
import io.flywheel.engine.feedback.FeedbackLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code /stats [days]}: the funnel per platform and the keywords that convert, from the feedback log. */
final class StatsCommand extends BuiltInCommand {
    private static final CommandSpec SPEC = new CommandSpec("stats", "Leads found, posted, engaged and won, per platform and keyword",
            List.of(new Option("days", "Window in days (1-365, default 7)", CommandSpec.Type.INTEGER, false, List.of())), false);

    private final FeedbackLog feedback;
    private final Clock clock;

    StatsCommand(FeedbackLog feedback, Clock clock) {
        super(SPEC);
        this.feedback = feedback;
        this.clock = clock;
    }


    @Override
    public CompletableFuture<CommandReply> handle(CommandCall call) {
        int days = Replies.intOption(call, "days", 7, 1, 365);
        return Replies.async(() -> {
            Instant to = clock.instant().plusMillis(1);
            Instant from = to.minus(Duration.ofDays(days));
            Map<String, Aggregate> platforms = feedback.aggregate(Dimension.PLATFORM, from, to);
            if (platforms.isEmpty()) {
                return CommandReply.of("Nothing recorded in the last " + days + " day(s).");
            }
            List<String> lines = new ArrayList<>();
            lines.add("```");
            lines.add(String.format(Locale.ROOT, "%-14s %6s %6s %6s %7s %4s %6s", "platform", "found", "posted", "intr.", "applied", "won", "n/rel."));
            long[] sum = new long[6];
            platforms.values().stream().sorted(Comparator.comparingLong((Aggregate a) -> -a.count(Type.FOUND)).thenComparing(Aggregate::key)).forEach(a -> {
                long[] row = row(a);
                for (int i = 0; i < 6; i++) sum[i] += row[i];
                lines.add(format(Replies.trimTo(a.key(), 14), row));
            });
            lines.add(format("all", sum));
            lines.add("```");
            List<Aggregate> keywords = feedback.aggregate(Dimension.KEYWORD, from, to).values().stream()
                    .filter(a -> a.count(Type.POSTED) > 0)
                    .sorted(Comparator.comparingDouble(StatsCommand::engagementRate).reversed().thenComparing(Aggregate::key))
                    .limit(8).toList();
            if (!keywords.isEmpty()) {
                lines.add("Keywords by engagement (interested + applied + won per posted):");
                for (Aggregate k : keywords) {
                    lines.add(String.format(Locale.ROOT, "• %s: %.0f%% of %d posted, %d won", k.key(), 100 * engagementRate(k), k.count(Type.POSTED), k.count(Type.WON)));
                }
            }
            return CommandReply.of(Replies.fit("**Last " + days + " day(s)**", lines));
        });
    }

    private static long[] row(Aggregate a) {
        return new long[] {a.count(Type.FOUND), a.count(Type.POSTED), a.count(Type.INTERESTED), a.count(Type.APPLIED), a.count(Type.WON), a.count(Type.NOT_RELEVANT)};
    }

    private static String format(String name, long[] r) {
        return String.format(Locale.ROOT, "%-14s %6d %6d %6d %7d %4d %6d", name, r[0], r[1], r[2], r[3], r[4], r[5]);
    }

    static double engagementRate(Aggregate a) {
        long posted = a.count(Type.POSTED);
        return posted == 0 ? 0 : (double) (a.count(Type.INTERESTED) + a.count(Type.APPLIED) + a.count(Type.WON)) / posted;
    }
}
