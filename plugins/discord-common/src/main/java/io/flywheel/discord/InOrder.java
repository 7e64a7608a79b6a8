package io.flywheel.discord;

import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Post;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Sends a batch's messages one after another, for both Discord outputs. A message Discord refuses
 * for what it says (a field of one of its posts) would be refused on every retry, so its posts are
 * sent again one at a time and only the post at fault is refused; any other failure stops the
 * batch there, and the rest stays queued.
 */
public final class InOrder {
    private InOrder() {}

    /** What became of one message. */
    public sealed interface Outcome {
        /** Accepted; {@code ref} is the message's reference for the host ({@code channel/message} or the message id). */
        record Sent(String ref) implements Outcome {}

        /** Refused for what it says: sending it again cannot succeed. */
        record Refused(String why) implements Outcome {}

        /** Not sent now for another reason (network, rate limit, a deleted webhook); the sender has said why. */
        record NotSent() implements Outcome {}
    }

    /** Sends one message; its post indices refer to {@code batch}, the posts it was packed from. */
    @FunctionalInterface
    public interface Sender {
        CompletableFuture<Outcome> send(PackedMessage message, List<Post> batch);
    }

    /**
     * Sends {@code messages} (packed from {@code posts}) in order; completes with the deliveries up
     * to the first message not sent, each also passed to {@code onDelivered} as it happens.
     *
     * @param onIsolating told how many posts a refused message had and why, before they go one at a time
     */
    public static CompletableFuture<List<Delivery>> send(List<Post> posts, List<PackedMessage> messages, Packer packer, Sender sender,
            Consumer<List<Delivery>> onDelivered, IsolationLog onIsolating) {
        List<Delivery> delivered = new CopyOnWriteArrayList<>();
        Set<Integer> handled = ConcurrentHashMap.newKeySet(); // posts sent or refused on their own, out of the packed order
        Consumer<List<Delivery>> report = now -> {
            delivered.addAll(now);
            onDelivered.accept(now);
        };
        CompletableFuture<Boolean> chain = CompletableFuture.completedFuture(true);
        for (PackedMessage m : messages) {
            chain = chain.thenCompose(ok -> {
                if (!ok || handled.containsAll(m.posts())) {
                    return CompletableFuture.completedFuture(ok); // stopped, or the rest of a post already sent or refused alone
                }
                return sender.send(m, posts).thenCompose(outcome -> switch (outcome) {
                    case Outcome.Sent s -> {
                        report.accept(m.completed().stream().map(i -> new Delivery(posts.get(i).id(), s.ref())).toList());
                        yield CompletableFuture.completedFuture(true);
                    }
                    case Outcome.NotSent n -> CompletableFuture.completedFuture(false);
                    case Outcome.Refused r when m.posts().size() == 1 -> {
                        handled.add(m.posts().getFirst());
                        report.accept(List.of(Delivery.refused(posts.get(m.posts().getFirst()).id(), r.why())));
                        yield CompletableFuture.completedFuture(true);
                    }
                    case Outcome.Refused r -> {
                        onIsolating.isolating(m.posts().size(), r.why());
                        CompletableFuture<Boolean> alone = CompletableFuture.completedFuture(true);
                        for (int i : m.posts()) {
                            alone = alone.thenCompose(fine -> !fine || handled.contains(i) ? CompletableFuture.completedFuture(fine)
                                    : alone(posts.get(i), packer, sender).thenApply(d -> {
                                        d.ifPresent(x -> {
                                            handled.add(i);
                                            report.accept(List.of(x));
                                        });
                                        return d.isPresent();
                                    }));
                        }
                        yield alone;
                    }
                });
            });
        }
        return chain.thenApply(ok -> List.copyOf(delivered));
    }

    /** How an output logs that a refused message's posts go one at a time. */
    @FunctionalInterface
    public interface IsolationLog {
        void isolating(int posts, String why);
    }

    /** One post in messages of its own: its delivery (accepted or refused), or empty when a message was not sent. */
    private static CompletableFuture<Optional<Delivery>> alone(Post post, Packer packer, Sender sender) {
        return parts(post, packer.pack(List.of(post)), 0, null, sender);
    }

    private static CompletableFuture<Optional<Delivery>> parts(Post post, List<PackedMessage> parts, int k, String lastRef, Sender sender) {
        if (k == parts.size()) {
            return CompletableFuture.completedFuture(lastRef == null ? Optional.empty() : Optional.of(new Delivery(post.id(), lastRef)));
        }
        return sender.send(parts.get(k), List.of(post)).thenCompose(outcome -> switch (outcome) {
            case Outcome.Sent s -> parts(post, parts, k + 1, s.ref(), sender);
            case Outcome.Refused r -> CompletableFuture.completedFuture(Optional.of(Delivery.refused(post.id(), r.why())));
            case Outcome.NotSent n -> CompletableFuture.completedFuture(Optional.<Delivery>empty());
        });
    }
}
