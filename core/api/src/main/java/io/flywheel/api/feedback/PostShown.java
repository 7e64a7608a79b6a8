package io.flywheel.api.feedback;

import java.util.Objects;

/**
 * A lead post a message showed (whole or in part), as the host recorded it when the message was
 * accepted: what an output needs to attribute a click or reaction on a message it no longer remembers.
 *
 * @param postId the {@link io.flywheel.api.output.Post#id()} shown
 * @param ref the lead key the post was about ({@link io.flywheel.api.output.Post#ref()}, or its id when it had none)
 * @param title the post's title, possibly shortened
 */
public record PostShown(String postId, String ref, String title) {

    public PostShown {
        Objects.requireNonNull(postId, "postId");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(title, "title");
    }
}
