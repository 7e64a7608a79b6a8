package io.flywheel.engine.command;

import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.api.command.CommandSpec.Option;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code /strategies [strategy]}: trading strategies, their capital weights and returns. */
final class StrategiesCommand extends BuiltInCommand {
    private static final CommandSpec SPEC = new CommandSpec("strategies", "Trading strategies, their capital weights and returns",
            List.of(new Option("strategy", "Only this strategy", CommandSpec.Type.STRING, false, List.of())), false);

    private final Controls.Strategies strategies;

    StrategiesCommand(Controls.Strategies strategies) {
        super(SPEC);
        this.strategies = strategies;
    }


    @Override
    public CompletableFuture<CommandReply> handle(CommandCall call) {
        if (strategies.unavailable().isPresent()) {
            return CompletableFuture.completedFuture(CommandReply.privately(strategies.unavailable().get()));
        }
        String id = call.options().get("strategy");
        if (id != null && !id.isBlank() && !strategies.ids().contains(id.strip())) {
            return CompletableFuture.completedFuture(CommandReply.privately("No strategy '" + id + "'. Configured: " + String.join(", ", strategies.ids())));
        }
        return Replies.async(() -> CommandReply.of(strategies.report(id == null || id.isBlank() ? null : id.strip())));
    }

    @Override
    public List<String> complete(String option, String prefix) {
        return "strategy".equals(option) ? strategies.ids().stream().filter(s -> s.startsWith(prefix)).toList() : List.of();
    }
}
