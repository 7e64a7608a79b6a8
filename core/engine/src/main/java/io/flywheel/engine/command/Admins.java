package io.flywheel.engine.command;

import io.flywheel.api.command.CommandCall;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may run admin commands: configured user ids and role ids.
 *
 * @param users user ids
 * @param roles role ids; anyone holding one is an admin
 */
public record Admins(Set<String> users, Set<String> roles) {
    public static final Admins NONE = new Admins(Set.of(), Set.of());

    public Admins {
        users = Set.copyOf(users);
        roles = Set.copyOf(roles);
    }

    /** From comma- or space-separated id lists (as written in config.yml or the environment). */
    public static Admins parse(String users, String roles) {
        return new Admins(ids(users), ids(roles));
    }

    private static Set<String> ids(String list) {
        if (list == null || list.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(list.split("[,\\s]+")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    public boolean isEmpty() {
        return users.isEmpty() && roles.isEmpty();
    }

    public boolean allows(CommandCall call) {
        return call.userId() != null && users.contains(call.userId()) || call.roleIds().stream().anyMatch(roles::contains);
    }
}
