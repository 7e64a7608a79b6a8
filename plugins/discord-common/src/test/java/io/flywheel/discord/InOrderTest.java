package io.flywheel.discord;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Post;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The in-order sender both Discord outputs use, against a scripted Discord. */
class InOrderTest {
    private final Packer packer = new Packer(DiscordLimits.DISCORD, new PostRenderer(DiscordLimits.DISCORD, 280), Packer.Mode.EMBEDS);
    private final List<List<String>> sent = new ArrayList<>(); // the post ids of each message Discord was asked to take
    private final List<Delivery> reported = new ArrayList<>();
    private final List<String> isolated = new ArrayList<>();

    private static List<Post> posts(int n) {
        return IntStream.range(0, n).mapToObj(i -> new Post("p" + i, Post.Kind.LEAD, null, "Lead " + i, null, "body", List.of(),
                Instant.parse("2026-01-05T09:00:00Z"))).toList();
    }

    /** Refuses any message that shows {@code bad}; after {@code takeAtMost} messages, takes none. */
    private InOrder.Sender discord(String bad, int takeAtMost) {
        return (m, batch) -> {
            List<String> ids = m.posts().stream().map(i -> batch.get(i).id()).toList();
            sent.add(ids);
            if (ids.contains(bad)) {
                return CompletableFuture.completedFuture(new InOrder.Outcome.Refused("embeds[0].url: bad " + bad));
            }
            if (sent.size() > takeAtMost) {
                return CompletableFuture.completedFuture(new InOrder.Outcome.NotSent());
            }
            return CompletableFuture.completedFuture(new InOrder.Outcome.Sent("m" + sent.size()));
        };
    }

    private List<Delivery> send(List<Post> posts, InOrder.Sender discord) {
        return InOrder.send(posts, packer.pack(posts), packer, discord, reported::addAll, (n, why) -> isolated.add(n + ": " + why)).join();
    }

    @Test
    void aRefusedMessageIsSentAgainOnePostAtATimeAndOnlyThePostAtFaultIsRefused() {
        List<Post> posts = posts(12); // 10 embeds per message: two messages
        List<Delivery> d = send(posts, discord("p3", 100));

        assertThat(sent).containsExactly(List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"),
                List.of("p0"), List.of("p1"), List.of("p2"), List.of("p3"), List.of("p4"), List.of("p5"), List.of("p6"), List.of("p7"), List.of("p8"),
                List.of("p9"), List.of("p10", "p11"));
        assertThat(isolated).containsExactly("10: embeds[0].url: bad p3");
        assertThat(d).isEqualTo(reported).hasSize(12);
        assertThat(d.get(3)).isEqualTo(Delivery.refused("p3", "embeds[0].url: bad p3"));
        assertThat(d).filteredOn(x -> !x.refused()).extracting(Delivery::postId).containsExactly("p0", "p1", "p2", "p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11");
        assertThat(d.getLast()).isEqualTo(new Delivery("p11", "m12"));
    }

    @Test
    void aMessageNotSentStopsTheBatchThereAndWhatCameBeforeIsDelivered() {
        List<Post> posts = posts(12);
        List<Delivery> d = send(posts, discord("p3", 4)); // Discord takes no message after its fourth

        assertThat(sent).hasSize(6); // the packed message, p0, p1, p2, p3 (refused), p4 (not taken)
        assertThat(d).extracting(Delivery::postId).containsExactly("p0", "p1", "p2", "p3");
        assertThat(d.get(3).refused()).isTrue();
    }
}
