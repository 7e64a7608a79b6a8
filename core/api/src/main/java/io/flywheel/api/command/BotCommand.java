package io.flywheel.api.command;

import java.util.concurrent.CompletableFuture;
import org.pf4j.ExtensionPoint;

/**
 * A command a plugin contributes to the bot ({@code /name} in Discord, {@code !name} where prefix
 * commands are on). The host's command router validates options and permissions before calling
 * {@link #handle}.
 */
public interface BotCommand extends ExtensionPoint {

    CommandSpec spec();

    /** Answers the call; must not block the caller. */
    CompletableFuture<CommandReply> handle(CommandCall call);
}
