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

    /**
     * An output that shows each post in two parts: it reports the first as a partial, and fails
     * (nothing more accepted) while {@code tailDown}; a post it has a mark for goes on from it.
     */
    static class TwoPartOutput implements Output {
        final List<String> parts = new ArrayList<>();
        volatile boolean tailDown = true;

        @Override
        public CompletableFuture<List<Delivery>> send(List<Post> posts) {
            throw new AssertionError("the host hands receipts");
        }

        @Override
        public CompletableFuture<List<Delivery>> send(List<Post> posts, io.flywheel.api.output.Receipts receipts) {
            List<Delivery> all = new ArrayList<>();
            for (Post p : posts) {
                if (receipts.partial(p.id()).isEmpty()) {
                    parts.add(p.title() + " head");
                    receipts.accepted(List.of(), List.of(new io.flywheel.api.output.Partial(p.id(), "head in msg-" + parts.size())));
                }
                if (tailDown) {
                    return CompletableFuture.completedFuture(all);
                }
                parts.add(p.title() + " tail");
                Delivery d = new Delivery(p.id(), "msg-" + parts.size());
                receipts.accepted(List.of(d), List.of());
                all.add(d);
            }
            return CompletableFuture.completedFuture(all);
        }
    }

    @Test
    void aPostPartlyShownKeepsItsMarkUntilDeliveredAndTheOutputGetsItBack() {
        TwoPartOutput out = new TwoPartOutput();
        OutboxDispatcher dispatcher = new OutboxDispatcher(store, store, Map.of("a", out), clock);
        List<Post> queued = store.pending("a", 2).stream().map(io.flywheel.engine.store.OutboxEntry::post).toList();
        String first = queued.getFirst().id();
        assertThat(dispatcher.flush().delivered()).containsEntry("a", 0);
        assertThat(store.partial("a", first)).hasValue("head in msg-1");
        assertThat(store.pendingCount("a")).isEqualTo(250);

        out.tailDown = false;
        assertThat(dispatcher.flush().delivered()).containsEntry("a", 250);
        String title0 = queued.get(0).title();
        String title1 = queued.get(1).title();
        assertThat(out.parts.subList(0, 3)).as("the second flush goes on with the first post's tail").containsExactly(title0 + " head", title0 + " tail",
                title1 + " head");
        assertThat(out.parts).hasSize(500).doesNotHaveDuplicates();
        assertThat(store.partial("a", first)).isEmpty();
        assertThat(store.messageRef("a", first)).hasValue("msg-2");
    }
}
