package io.flywheel.api.output;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One configured destination for posts. The host hands it batches from the outbox in order;
 * a post leaves the outbox only when its {@link Delivery} comes back.
 */
@FunctionalInterface
public interface Output extends AutoCloseable {

    /**
     * Sends {@code posts}, packed into as few messages as the destination allows, in order. The
     * future completes with a delivery for each post accepted; posts without one stay queued and
     * are offered again later. It must not block the caller.
     */
    CompletableFuture<List<Delivery>> send(List<Post> posts);

    /**
     * Like {@link #send(List)}, also reporting deliveries to {@code onDelivered} as each message is
     * accepted, so the host records them at once: a crash in the middle of a batch then sends
     * nothing twice. {@code onDelivered} may be called from several threads. The future still
     * completes with every delivery. The default reports nothing early.
     */
    default CompletableFuture<List<Delivery>> send(List<Post> posts, java.util.function.Consumer<List<Delivery>> onDelivered) {
        return send(posts);
    }

    /**
     * Like {@link #send(List, java.util.function.Consumer)}, for an output that may show a post in
     * several messages: it reports a post partly shown ({@link Partial}) as each part is accepted,
     * and reads from {@code receipts} how much of each post an earlier attempt showed, so the next
     * attempt (in this process or after a restart) sends only the rest. The default reports
     * deliveries only.
     */
    default CompletableFuture<List<Delivery>> send(List<Post> posts, Receipts receipts) {
        return send(posts, delivered -> receipts.accepted(delivered, List.of()));
    }

    /** False while the destination is not ready (a bot still connecting): posts wait. */
    default boolean ready() {
        return true;
    }

    /**
     * Calls {@code listener} each time the output becomes ready (a bot that connected or
     * reconnected), so waiting posts go out at once. Outputs that are always ready never call it.
     */
    default void onReady(Runnable listener) {}

    /**
     * Why the output cannot deliver now (a deleted webhook, a rejected token), for status reports;
     * empty while it works or is merely connecting.
     */
    default java.util.Optional<String> problem() {
        return java.util.Optional.empty();
    }

    @Override
    default void close() throws Exception {}
}
