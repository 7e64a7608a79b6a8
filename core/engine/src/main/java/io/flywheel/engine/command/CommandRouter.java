package io.flywheel.engine.command;

import io.flywheel.api.command.BotCommand;
import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandDispatcher;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes command calls from any adapter to the command that handles them, after checking
 * required options and admin permission. A failing command answers with its error; it never
 * takes the router down.
 */
public final class CommandRouter implements CommandDispatcher {
    private static final Logger log = LoggerFactory.getLogger(CommandRouter.class);

    private final Map<String, BotCommand> commands = new LinkedHashMap<>();
    private final Set<String> adminIds;

    /** @param adminIds user or role ids allowed to run admin commands */
    public CommandRouter(List<BotCommand> commands, Set<String> adminIds) {
        for (BotCommand c : commands) {
            BotCommand previous = this.commands.putIfAbsent(c.spec().name(), c);
            if (previous != null) {
                log.warn("Command /{} is defined twice; keeping the first ({})", c.spec().name(), previous.getClass().getName());
            }
        }
        this.adminIds = Set.copyOf(adminIds);
    }

    @Override
    public List<CommandSpec> specs() {
        return commands.values().stream().map(BotCommand::spec).toList();
    }

    @Override
    public CompletableFuture<CommandReply> dispatch(CommandCall call) {
        BotCommand command = commands.get(call.command());
        if (command == null) {
            return CompletableFuture.completedFuture(CommandReply.privately("Unknown command /" + call.command() + ". Try /help."));
        }
        CommandSpec spec = command.spec();
        if (spec.admin() && !isAdmin(call)) {
            return CompletableFuture.completedFuture(CommandReply.privately("/" + spec.name() + " is for admins only."));
        }
        for (CommandSpec.Option o : spec.options()) {
            if (o.required() && (call.options().get(o.name()) == null || call.options().get(o.name()).isBlank())) {
                return CompletableFuture.completedFuture(CommandReply.privately("/" + spec.name() + " needs the option '" + o.name() + "': " + o.description()));
            }
        }
        try {
            return command.handle(call).exceptionally(e -> failed(spec, e));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(spec, e));
        }
    }

    private boolean isAdmin(CommandCall call) {
        return call.userId() != null && adminIds.contains(call.userId()) || call.roleIds().stream().anyMatch(adminIds::contains);
    }

    private static CommandReply failed(CommandSpec spec, Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        log.warn("/{} failed: {}", spec.name(), cause.toString());
        return CommandReply.privately("/" + spec.name() + " failed: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
    }
}
