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

    /**
     * Answers the call, reporting progress on long work. The default ignores {@code progress};
     * commands that take more than a second or two override this one.
     */
    default CompletableFuture<CommandReply> handle(CommandCall call, CommandProgress progress) {
        return handle(call);
    }

    /**
     * Whether this call needs an admin. The default is {@link CommandSpec#admin()}; a command whose
     * read-only form is for everyone (such as {@code /sources} against {@code /sources run}) decides
     * per call.
     */
    default boolean requiresAdmin(CommandCall call) {
        return spec().admin();
    }

    /**
     * Suggestions for option {@code option} starting with {@code prefix} (source ids, keywords, ...),
     * at most 25, best first. The default suggests nothing beyond the option's fixed choices.
     */
    default java.util.List<String> complete(String option, String prefix) {
        return java.util.List.of();
    }
}
