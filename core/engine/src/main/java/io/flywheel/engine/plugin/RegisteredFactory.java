package io.flywheel.engine.plugin;

import io.flywheel.api.ComponentFactory;
import io.flywheel.engine.config.ComponentKind;

/** A component type the host can instantiate, and who provides it. */
public record RegisteredFactory(ComponentKind kind, String type, ComponentFactory<?, ?> factory, String pluginId) {}
