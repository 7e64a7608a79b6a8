package io.flywheel.engine.app;

import io.flywheel.engine.config.Instance;
import io.flywheel.engine.plugin.RegisteredFactory;

/** A configured instance whose plugin part bound cleanly to its factory's config record. */
public record BoundInstance(Instance instance, RegisteredFactory factory, Record config) {

    public String id() {
        return instance.id();
    }
}
