package io.flywheel.engine.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.lead.RawLead;
import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Output;
import io.flywheel.api.output.Post;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.lead.KeywordMatcher;
import io.flywheel.engine.lead.KeywordScorer;
import io.flywheel.engine.lead.LeadNormalizer;
import io.flywheel.engine.lead.LeadPipeline;
import io.flywheel.engine.lead.UrlCanonicalizer;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxDispatcherTest {
    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.atDefaultStart();
    private MapDbStore store;

    /** An output that accepts at most {@code accept} posts per call, or fails while {@code down}. */
    static class FlakyOutput implements Output {
        final List<String> sent = new ArrayList<>();
        volatile boolean down;
        volatile int accept = Integer.MAX_VALUE;
        /** A title the destination refuses for good. */
        volatile String refuse;

        @Override
        public CompletableFuture<List<Delivery>> send(List<Post> posts) {
            if (down) {
                return CompletableFuture.failedFuture(new IllegalStateException("503 from the service"));
            }
            List<Delivery> d = new ArrayList<>();
            for (Post p : posts.subList(0, Math.min(accept, posts.size()))) {
                if (p.title().equals(refuse)) {
                    d.add(Delivery.refused(p.id(), "embeds.0.url: Not a well formed URL."));
                    continue;
                }
                sent.add(p.title());
                d.add(new Delivery(p.id(), "msg-" + sent.size()));
            }
            return CompletableFuture.completedFuture(d);
        }
    }

    @BeforeEach
    void open() {
        store = MapDbStore.open(dir.resolve("s.db"));
        LeadPipeline pipeline = new LeadPipeline(new LeadNormalizer(new UrlCanonicalizer(), new KeywordMatcher(List.of())), store,
                new KeywordScorer(), Map::of, List.of("a", "b"), clock);
        pipeline.ingest("src", "p", IntStream.range(0, 250).mapToObj(i -> RawLead.of("Lead " + i, "https://example.org/" + i)).toList());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void deliversEverythingInOrderAndRemembersWhereItLanded() {
        FlakyOutput a = new FlakyOutput();
        FlakyOutput b = new FlakyOutput();
        var flush = new OutboxDispatcher(store, store, Map.of("a", a, "b", b), clock).flush();
        assertThat(flush.delivered()).containsEntry("a", 250).containsEntry("b", 250);
        assertThat(a.sent).hasSize(250).isEqualTo(b.sent);
        assertThat(store.pendingCount("a")).isZero();
        String firstPost = io.flywheel.engine.lead.LeadPosts.postId("https://example.org/0");
        assertThat(store.messageRef("a", firstPost)).isPresent();
        assertThat(store.events(Instant.EPOCH, clock.instant().plusSeconds(1), Set.of(FeedbackEvent.Type.POSTED))).hasSize(500);
    }

    @Test
    void anOutageLosesNothingAndSendsNothingTwice() {
        FlakyOutput a = new FlakyOutput();
        FlakyOutput b = new FlakyOutput();
        b.down = true;
        var dispatcher = new OutboxDispatcher(store, store, Map.of("a", a, "b", b), clock);
        var first = dispatcher.flush();
        assertThat(first.failures()).containsKey("b");
        assertThat(first.failures().get("b")).contains("503");
        assertThat(store.pendingCount("b")).isEqualTo(250);

        b.down = false;
        b.accept = 30;
        dispatcher.flush();
        assertThat(store.pendingCount("b")).isEqualTo(220);
        b.accept = Integer.MAX_VALUE;
        dispatcher.flush();
        assertThat(store.pendingCount("b")).isZero();
        assertThat(b.sent).hasSize(250).doesNotHaveDuplicates();
        assertThat(a.sent).hasSize(250);
    }

    @Test
    void aPostRefusedForGoodLeavesTheQueueWithItsReasonAndThePostsBehindItGoOn() {
        FlakyOutput a = new FlakyOutput();
        a.refuse = "Lead 3";
        var flush = new OutboxDispatcher(store, store, Map.of("a", a), clock).flush();
        assertThat(flush.delivered()).containsEntry("a", 249);
        assertThat(a.sent).hasSize(249).doesNotContain("Lead 3");
        assertThat(store.pendingCount("a")).isZero();
        assertThat(store.messageRef("a", io.flywheel.engine.lead.LeadPosts.postId("https://example.org/3")))
                .contains("refused: embeds.0.url: Not a well formed URL.");
        // Never shown, so it is no impression for the learning loop.
        assertThat(store.events(Instant.EPOCH, clock.instant().plusSeconds(1), Set.of(FeedbackEvent.Type.POSTED))).hasSize(249)
                .noneMatch(e -> e.subject().equals("https://example.org/3"));
    }

    @Test
    void postsWaitWhileAnOutputIsNotReady() {
        FlakyOutput a = new FlakyOutput() {
            @Override
            public boolean ready() {
                return false;
            }
        };
        new OutboxDispatcher(store, store, Map.of("a", a), clock).flush();
        assertThat(a.sent).isEmpty();
        assertThat(store.pendingCount("a")).isEqualTo(250);
    }

    @Test
    void queuedPostsSurviveAReopen() {
        store.close();
        store = MapDbStore.open(dir.resolve("s.db"));
        FlakyOutput a = new FlakyOutput();
        new OutboxDispatcher(store, store, Map.of("a", a), clock).flush();
        assertThat(a.sent).hasSize(250);
    }
}
