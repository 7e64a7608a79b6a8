package io.flywheel.api.output;

import java.util.Objects;

/**
 * An output's confirmation that a post was accepted.
 *
 * @param postId the {@link Post#id()} delivered
 * @param messageRef where it landed (a Discord message id, a console line), recorded so the post
 *     is never sent twice
 */
public record Delivery(String postId, String messageRef) {
    public Delivery {
        Objects.requireNonNull(postId, "postId");
        Objects.requireNonNull(messageRef, "messageRef");
    }
}
