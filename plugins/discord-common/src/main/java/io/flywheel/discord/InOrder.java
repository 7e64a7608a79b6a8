package io.flywheel.discord;

import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Partial;
import io.flywheel.api.output.Post;
import io.flywheel.api.output.Receipts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Sends a batch's messages one after another, for both Discord outputs. A message Discord refuses
 * for what it says (a field of one of its posts) would be refused on every retry, so the pieces
 * of posts it carries are sent again one at a time and only the post at fault is refused; any
 * other failure stops the batch there, and the rest stays queued.
 *
 * <p>Only the refused message's own pieces are sent again: a post split over several messages
 * whose earlier pieces were accepted is not sent again from its start (the channel would show its
 * head twice). A refused post is refused for good, even when its first pieces are already in the
 * channel (the refusal says so and where); its later pieces are left out of the messages that
 * follow, so the channel shows nothing more of it.
 *
 * <p>A split post whose first pieces were accepted before a message could not be sent is reported
 * as a {@link Partial} (how much of its text is shown, a {@link Shown} mark) with each accepted
 * message; the host keeps the mark with the queued post, and the next attempt, in this process or
 * after a restart, packs the post from there on instead of from its start.
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

    /** How an output logs that a refused message's posts go one at a time. */
    @FunctionalInterface
    public interface IsolationLog {
        void isolating(int posts, String why);
    }

    /**
     * Sends {@code messages} (packed from {@code posts}) in order; completes with the deliveries up
     * to the first message not sent, each also passed to {@code onDelivered} as it happens. Knows of
     * no earlier attempt and reports no partial post.
     *
     * @param onIsolating told how many posts a refused message had and why, before they go one at a time
     */
    public static CompletableFuture<List<Delivery>> send(List<Post> posts, List<PackedMessage> messages, Sender sender,
            Consumer<List<Delivery>> onDelivered, IsolationLog onIsolating) {
        return run(new Batch(posts, sender, Receipts.of(onDelivered), i -> "-", Map.of()), messages, onIsolating);
    }

    /**
     * Packs {@code posts} with {@code packer}, each post an earlier attempt showed part of (its
     * mark in {@code receipts}) from where that attempt left it, and sends the messages in order;
     * completes with the deliveries up to the first message not sent. Each accepted message's
     * deliveries and partly shown posts go to {@code receipts} as it is accepted.
     *
     * @param onIsolating told how many posts a refused message had and why, before they go one at a time
     * @param onSentWhole told why a post with a mark is sent from its start all the same (its text
     *     changed since, or embeds are on now): the channel will show its first part twice
     */
    public static CompletableFuture<List<Delivery>> send(List<Post> posts, Packer packer, Sender sender, Receipts receipts,
            IsolationLog onIsolating, Consumer<String> onSentWhole) {
        Packer.Rendered rendered = packer.render(posts); // each post rendered and fingerprinted once for this send
        Map<Integer, Shown> shown = new java.util.HashMap<>();
        for (int i = 0; i < posts.size(); i++) {
            Post p = posts.get(i);
            Optional<String> mark = receipts.partial(p.id());
            if (mark.isEmpty()) {
                continue;
            }
            Optional<Shown> s = Shown.parse(mark.get());
            if (s.isPresent() && rendered.continues(i, s.get())) {
                shown.put(i, s.get());
            } else {
                onSentWhole.accept("post " + p.id() + " ('" + p.title() + "') was partly posted before (" + mark.get() + ") but "
                        + (s.isEmpty() ? "that mark is not one this output wrote"
                                : packer.mode() == Packer.Mode.EMBEDS ? "embeds are on now" : "its text is not the same now")
                        + "; sending it whole, so its first part shows twice");
            }
        }
        Batch batch = new Batch(posts, sender, receipts, rendered::fingerprint, shown);
        return run(batch, rendered.pack(shown), onIsolating);
    }

    private static CompletableFuture<List<Delivery>> run(Batch batch, List<PackedMessage> messages, IsolationLog onIsolating) {
        CompletableFuture<Boolean> chain = CompletableFuture.completedFuture(true);
        for (PackedMessage m : messages) {
            chain = chain.thenCompose(ok -> {
                PackedMessage left = ok ? m.without(batch.refused) : null; // without the pieces of posts refused before
                return left == null ? CompletableFuture.completedFuture(ok) : batch.send(left, onIsolating);
            });
        }
        return chain.thenApply(ok -> List.copyOf(batch.delivered));
    }

    /** One batch being sent: what each post has shown so far. Its steps run one after another. */
    private static final class Batch {
        final List<Post> posts;
        final Sender sender;
        final Receipts receipts;
        final IntFunction<String> fingerprint;
        final List<Delivery> delivered = new CopyOnWriteArrayList<>();
        final Set<Integer> refused = ConcurrentHashMap.newKeySet();
        final Map<Integer, Integer> piecesShown = new ConcurrentHashMap<>();
        final Map<Integer, String> lastShownIn = new ConcurrentHashMap<>();

        /** {@code earlier}: what earlier attempts showed of posts continued here, by index. */
        Batch(List<Post> posts, Sender sender, Receipts receipts, IntFunction<String> fingerprint, Map<Integer, Shown> earlier) {
            this.posts = posts;
            this.sender = sender;
            this.receipts = receipts;
            this.fingerprint = fingerprint;
            earlier.forEach((i, s) -> {
                piecesShown.put(i, s.parts());
                lastShownIn.put(i, s.lastRef());
            });
        }

        /** Sends {@code m}; completes with false when it was not sent (the batch stops there). */
        CompletableFuture<Boolean> send(PackedMessage m, IsolationLog onIsolating) {
            return sender.send(m, posts).thenCompose(outcome -> switch (outcome) {
                case Outcome.Sent s -> {
                    shown(m, s.ref());
                    yield CompletableFuture.completedFuture(true);
                }
                case Outcome.NotSent n -> CompletableFuture.completedFuture(false);
                case Outcome.Refused r when m.pieces().size() == 1 -> {
                    refuse(m.posts().getFirst(), r.why());
                    yield CompletableFuture.completedFuture(true);
                }
                case Outcome.Refused r -> {
                    onIsolating.isolating(m.pieces().size(), r.why());
                    CompletableFuture<Boolean> alone = CompletableFuture.completedFuture(true);
                    for (PackedMessage.Piece piece : m.pieces()) {
                        alone = alone.thenCompose(fine -> fine ? sendAlone(piece) : CompletableFuture.completedFuture(false));
                    }
                    yield alone;
                }
            });
        }

        private CompletableFuture<Boolean> sendAlone(PackedMessage.Piece piece) {
            PackedMessage m = piece.alone();
            return sender.send(m, posts).thenApply(outcome -> switch (outcome) {
                case Outcome.Sent s -> {
                    shown(m, s.ref());
                    yield true;
                }
                case Outcome.Refused r -> {
                    refuse(piece.post(), r.why());
                    yield true;
                }
                case Outcome.NotSent n -> false;
            });
        }

        private void shown(PackedMessage m, String ref) {
            List<Delivery> now = new ArrayList<>();
            List<Partial> partly = new ArrayList<>();
            for (PackedMessage.Piece p : m.pieces()) {
                int parts = piecesShown.merge(p.post(), 1, Integer::sum);
                lastShownIn.put(p.post(), ref);
                if (p.last()) {
                    now.add(new Delivery(posts.get(p.post()).id(), ref));
                } else {
                    partly.add(new Partial(posts.get(p.post()).id(), new Shown(p.end(), parts, ref, fingerprint.apply(p.post())).mark()));
                }
            }
            report(ref, now, partly);
        }

        private void refuse(int post, String why) {
            refused.add(post);
            int shown = piecesShown.getOrDefault(post, 0);
            String where = shown == 0 ? "" : shown == 1 ? " (its first part was posted, in " + lastShownIn.get(post) + ")"
                    : " (its first " + shown + " parts were posted, the last in " + lastShownIn.get(post) + ")";
            report(null, List.of(Delivery.refused(posts.get(post).id(), why + where)), List.of());
        }

        /** {@code ref}: the message accepted, or null for a refusal (nothing shown). */
        private void report(String ref, List<Delivery> now, List<Partial> partly) {
            if (!now.isEmpty() || !partly.isEmpty()) {
                delivered.addAll(now);
                if (ref == null) {
                    receipts.accepted(now, partly);
                } else {
                    receipts.accepted(ref, now, partly);
                }
            }
        }
    }
}
