package io.flywheel.api.command;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One invocation of a command.
 *
 * @param options option values as given, by option name
 * @param userId who ran it
 * @param roleIds the roles the user has where it was run
 * @param channelId where it was run
 */
public record CommandCall(String command, Map<String, String> options, String userId, List<String> roleIds, String channelId) {
    public CommandCall {
        Objects.requireNonNull(command, "command");
        options = options == null ? Map.of() : Map.copyOf(options);
        roleIds = roleIds == null ? List.of() : List.copyOf(roleIds);
    }

    public String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }
}
