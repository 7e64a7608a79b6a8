package io.flywheel.api.command;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The host's command router as an output plugin sees it: adapters (the Discord bot, a prefix
 * listener) turn their events into {@link CommandCall}s and show the replies.
 */
public interface CommandDispatcher {

    /** Every command the router knows, for registering slash commands. */
    List<CommandSpec> specs();

    /** Runs a call: checks options and permissions, then the command. Never blocks the caller. */
    CompletableFuture<CommandReply> dispatch(CommandCall call);

    /** Like {@link #dispatch(CommandCall)}, showing progress of long commands through {@code progress}. */
    default CompletableFuture<CommandReply> dispatch(CommandCall call, CommandProgress progress) {
        return dispatch(call);
    }

    /** Suggestions for a partly typed option value. */
    default List<String> complete(String command, String option, String prefix) {
        return List.of();
    }
}
