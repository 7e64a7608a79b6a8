package io.flywheel.api.command;

import java.util.Objects;

/**
 * The answer to a command.
 *
 * @param text what to say, plain text or Discord markdown
 * @param ephemeral shown only to the caller
 */
public record CommandReply(String text, boolean ephemeral) {
    public CommandReply {
        Objects.requireNonNull(text, "text");
    }

    public static CommandReply of(String text) {
        return new CommandReply(text, false);
    }

    public static CommandReply privately(String text) {
        return new CommandReply(text, true);
    }
}
