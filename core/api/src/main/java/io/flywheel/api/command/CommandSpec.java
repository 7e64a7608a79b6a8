package io.flywheel.api.command;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Name, help and options of a command.
 *
 * @param name lower-case, 1-32 characters of {@code a-z0-9_-}
 * @param admin only configured admin roles or users may run it
 */
public record CommandSpec(String name, String description, List<Option> options, boolean admin) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,32}");

    public CommandSpec {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("command name must be 1-32 of a-z0-9_-: '" + name + "'");
        }
        Objects.requireNonNull(description, "description");
        options = options == null ? List.of() : List.copyOf(options);
    }

    public enum Type { STRING, INTEGER, NUMBER, BOOLEAN }

    /** One option; {@code choices} feed autocomplete. */
    public record Option(String name, String description, Type type, boolean required, List<String> choices) {
        public Option {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("option name must be 1-32 of a-z0-9_-: '" + name + "'");
            }
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(type, "type");
            choices = choices == null ? List.of() : List.copyOf(choices);
        }
    }
}
