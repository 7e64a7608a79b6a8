package io.flywheel.api.output;

import java.util.Objects;

/**
 * How far an output got with a post it shows in several messages (a long post split into parts)
 * when the rest has not gone out yet.
 *
 * @param postId the {@link Post#id()} partly shown
 * @param mark the output's own note of what is shown (how much of the text, in which message). The
 *     host keeps it with the queued post, durably, and hands it back when it offers the post again
 *     ({@link Receipts#partial}); it never reads it
 */
public record Partial(String postId, String mark) {
    public Partial {
        Objects.requireNonNull(postId, "postId");
        Objects.requireNonNull(mark, "mark");
    }
}
