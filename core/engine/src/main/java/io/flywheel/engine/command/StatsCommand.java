package io.flywheel.engine.command;

import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.api.command.CommandSpec.Option;
import io.flywheel.engine.feedback.Dimension;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.FeedbackLog;
import io.flywheel.engine.learning.Charts;
import io.flywheel.engine.learning.Funnel;
import io.flywheel.engine.text.Cells;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** {@code /stats [days]}: the conversion funnel per platform and the keywords that engage, as {@code flywheel stats} counts them, with the funnel as a PNG. */
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
            // The same cohort funnel as `flywheel stats`: leads found in the window and all that happened to them since.
            List<FeedbackEvent> events = feedback.events(from, to, Set.of());
            List<Funnel.Row> platforms = Funnel.of(events, from, to, Dimension.PLATFORM);
            if (platforms.isEmpty()) {
                return CommandReply.of("No leads found in the last " + days + " day(s).");
            }
            List<String> lines = new ArrayList<>();
            lines.add("```");
            lines.add(String.format(Locale.ROOT, "%-14s %6s %6s %7s %7s %4s %6s", "platform", "found", "posted", "engaged", "applied", "won", "n/rel."));
            platforms.forEach(r -> lines.add(format(Cells.fit(r.key(), 14), r)));
            lines.add(format(Cells.pad("all", 14), Funnel.total(events, from, to)));
            lines.add("```");
            List<Funnel.Row> keywords = Funnel.of(events, from, to, Dimension.KEYWORD).stream()
                    .filter(r -> r.posted() > 0)
                    .sorted(Comparator.comparingDouble(Funnel.Row::engagedRate).reversed().thenComparing(Funnel.Row::key))
                    .limit(8).toList();
            if (!keywords.isEmpty()) {
                lines.add("Keywords by engagement (leads engaged per posted):");
                for (Funnel.Row k : keywords) {
                    lines.add(String.format(Locale.ROOT, "• %s: %.0f%% of %d posted, %d won", k.key(), 100 * k.engagedRate(), k.posted(), k.won()));
                }
            }
            CommandReply reply = CommandReply.of(Replies.fit("**Leads found in the last " + days + " day(s)**", lines));
            return reply.with(CommandReply.Attachment.png("funnel.png", Charts.funnel(platforms, "Funnel per platform, last " + days + " day(s)", 12)));
        });
    }

    private static String format(String name, Funnel.Row r) {
        return String.format(Locale.ROOT, "%s %6d %6d %7d %7d %4d %6d", name, r.found(), r.posted(), r.engaged(), r.applied(), r.won(), r.rejected());
    }
}
