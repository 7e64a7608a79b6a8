package io.flywheel.engine.command;

import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** {@code /help}: every command with its options. */
final class HelpCommand extends BuiltInCommand {
    private static final CommandSpec SPEC = new CommandSpec("help", "Every command and what it does", List.of(), false);

    private final Supplier<List<CommandSpec>> specs;

    HelpCommand(Supplier<List<CommandSpec>> specs) {
        super(SPEC);
        this.specs = specs;
    }


    @Override
    public CompletableFuture<CommandReply> handle(CommandCall call) {
        List<String> lines = specs.get().stream().map(HelpCommand::line).toList();
        return CompletableFuture.completedFuture(CommandReply.privately(Replies.fit("**Commands**", lines)));
    }

    static String line(CommandSpec s) {
        String options = s.options().stream()
                .map(o -> (o.required() ? "<" : "[") + o.name() + (o.choices().isEmpty() ? "" : ": " + String.join("|", o.choices())) + (o.required() ? ">" : "]"))
                .collect(Collectors.joining(" "));
        return "`/" + s.name() + (options.isEmpty() ? "" : " " + options) + "` " + s.description() + (s.admin() ? " 🔒" : "");
    }
}
