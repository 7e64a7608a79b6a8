package io.flywheel.api.output;

import java.util.Objects;

/**
 * An output's answer for one post: accepted, or refused for good.
 *
 * @param postId the {@link Post#id()} delivered
 * @param messageRef where it landed (a Discord message id, a console line), recorded so the post
 *     is never sent twice; for a refused post, why the destination refused it
 * @param refused the destination refuses the post as it is, so no retry can succeed (Discord
 *     naming a field of the message as invalid, say). The host takes it out of the queue, logs
 *     why and keeps the reason, so the posts behind it go on. Not for a destination that is down,
 *     rate limited or misconfigured: those posts stay queued.
 */
public record Delivery(String postId, String messageRef, boolean refused) {
    public Delivery {
        Objects.requireNonNull(postId, "postId");
        Objects.requireNonNull(messageRef, "messageRef");
    }

    /** An accepted post. */
    public Delivery(String postId, String messageRef) {
        this(postId, messageRef, false);
    }

    /** A post the destination refuses for good, and why. */
    public static Delivery refused(String postId, String why) {
        return new Delivery(postId, why, true);
    }
}
