package io.flywheel.engine.command;

import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.engine.feedback.WeightHistory;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.learning.Charts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code /weights}: the keyword (and strategy) weights in force, where they came from, and a PNG of how keyword weights moved. */
final class WeightsCommand extends BuiltInCommand {
    private static final CommandSpec SPEC = new CommandSpec("weights", "The keyword and strategy weights in force, with a chart of how they moved",
            List.of(new CommandSpec.Option("days", "Chart window in days (1-365, default 30)", CommandSpec.Type.INTEGER, false, List.of())), false);

    private final KeywordWeights weights;
    private final WeightHistory history;
    private final Clock clock;

    WeightsCommand(KeywordWeights weights, WeightHistory history, Clock clock) {
        super(SPEC);
        this.weights = weights;
        this.history = history;
        this.clock = clock;
    }


    @Override
    public CompletableFuture<CommandReply> handle(CommandCall call) {
        int days = Replies.intOption(call, "days", 30, 1, 365);
        return Replies.async(() -> {
            Map<String, Double> w = weights.get();
            if (w.isEmpty()) {
                return CommandReply.of("No keywords are configured (add some under keywords: in config.yml).");
            }
            List<String> lines = new ArrayList<>(weights.top(w.size()).stream().map(k -> String.format(Locale.ROOT, "`%6.2f` %s", w.get(k), k)).toList());
            history.latest(WeightSet.Kind.STRATEGY).ifPresent(s -> {
                lines.add("**Strategy weights** — " + origin(s));
                s.weights().entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                        .forEach(e -> lines.add(String.format(Locale.ROOT, "`%5.1f%%` %s", 100 * e.getValue(), e.getKey())));
            });
            String origin = history.latest(WeightSet.Kind.KEYWORD).map(WeightsCommand::origin).orElse("from config.yml");
            Instant now = clock.instant();
            List<WeightSet> moved = history.history(WeightSet.Kind.KEYWORD, now.minus(Duration.ofDays(days)), now.plusMillis(1));
            if (moved.isEmpty()) {
                moved = history.latest(WeightSet.Kind.KEYWORD).map(List::of).orElse(List.of());
            }
            CommandReply reply = CommandReply.of(Replies.fit("**Keyword weights** — " + origin, lines));
            return reply.with(CommandReply.Attachment.png("weights.png", Charts.weights(moved, "Keyword weights, last " + days + " day(s)", 12)));
        });
    }

    private static String origin(WeightSet s) {
        return "set " + s.time() + " by " + ("config".equals(s.scriptHash()) ? "config.yml" : "rule " + Replies.trimTo(s.scriptHash(), 12))
                + (s.note().isBlank() ? "" : " (" + Replies.trimTo(s.note(), 160) + ")");
    }
}
