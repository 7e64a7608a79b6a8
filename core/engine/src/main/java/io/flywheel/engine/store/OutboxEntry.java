package io.flywheel.engine.store;

import io.flywheel.api.output.Post;
import java.util.Objects;

/** A post waiting for one output. */
public record OutboxEntry(String outputId, Post post) {
    public OutboxEntry {
        Objects.requireNonNull(outputId, "outputId");
        Objects.requireNonNull(post, "post");
    }
}
