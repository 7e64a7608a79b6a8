package io.flywheel.engine.command;

import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.engine.feedback.WeightHistory;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.lead.KeywordWeights;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code /weights}: the keyword weights in force and where they came from. */
final class WeightsCommand extends BuiltInCommand {
    private static final CommandSpec SPEC = new CommandSpec("weights", "The keyword weights in force, highest first", List.of(), false);

    private final KeywordWeights weights;
    private final WeightHistory history;

    WeightsCommand(KeywordWeights weights, WeightHistory history) {
        super(SPEC);
        this.weights = weights;
        this.history = history;
    }


    @Override
    public CompletableFuture<CommandReply> handle(CommandCall call) {
        return Replies.async(() -> {
            Map<String, Double> w = weights.get();
            if (w.isEmpty()) {
                return CommandReply.of("No keywords are configured (add some under keywords: in config.yml).");
            }
            List<String> lines = weights.top(w.size()).stream().map(k -> String.format(Locale.ROOT, "`%6.2f` %s", w.get(k), k)).toList();
            String origin = history.latest(WeightSet.Kind.KEYWORD)
                    .map(s -> "set " + s.time() + " by " + ("config".equals(s.scriptHash()) ? "config.yml" : "rule " + Replies.trimTo(s.scriptHash(), 12))
                            + (s.note().isBlank() ? "" : " (" + s.note() + ")"))
                    .orElse("from config.yml");
            return CommandReply.of(Replies.fit("**Keyword weights** — " + origin, lines));
        });
    }
}
