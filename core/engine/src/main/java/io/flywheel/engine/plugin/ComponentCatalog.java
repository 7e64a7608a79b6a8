package io.flywheel.engine.plugin;

import io.flywheel.api.command.BotCommand;
import io.flywheel.engine.config.ComponentKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Every component type and command available now, from plugins and from the host itself. */
public final class ComponentCatalog {
    private final Map<ComponentKind, Map<String, RegisteredFactory>> factories = new EnumMap<>(ComponentKind.class);
    private final List<BotCommand> commands = new ArrayList<>();

    ComponentCatalog() {
        for (ComponentKind k : ComponentKind.values()) {
            factories.put(k, new TreeMap<>());
        }
    }

    /** Registers {@code factory}; returns the existing registration when the type is taken. */
    Optional<RegisteredFactory> register(RegisteredFactory factory) {
        RegisteredFactory existing = factories.get(factory.kind()).putIfAbsent(factory.type(), factory);
        return Optional.ofNullable(existing);
    }

    void remove(String pluginId) {
        factories.values().forEach(m -> m.values().removeIf(f -> f.pluginId().equals(pluginId)));
    }

    void addCommand(BotCommand command) {
        commands.add(command);
    }

    public Optional<RegisteredFactory> find(ComponentKind kind, String type) {
        return Optional.ofNullable(factories.get(kind).get(type));
    }

    /** Type names of one kind, sorted. */
    public List<String> types(ComponentKind kind) {
        return List.copyOf(factories.get(kind).keySet());
    }

    public List<RegisteredFactory> all() {
        return factories.values().stream().flatMap(m -> m.values().stream()).toList();
    }

    public List<BotCommand> commands() {
        return Collections.unmodifiableList(commands);
    }
}
