package io.flywheel.engine.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Output;
import io.flywheel.api.output.Post;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.lead.LeadPosts;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.store.OutboxEntry;
import io.flywheel.engine.store.WriteBatch;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deliveries recorded per message, and flushing when an output reports it is ready. */
class OutboxDispatcherReadinessTest {
    @TempDir
    Path dir;
    MapDbStore store;
    final ManualClock clock = ManualClock.atDefaultStart();

    @BeforeEach
    void open() {
        store = MapDbStore.open(dir.resolve("f.db"));
        List<Lead> leads = new ArrayList<>();
        List<OutboxEntry> posts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Lead l = new Lead("https://example.org/" + i, "src", "hn", "Lead " + i, "https://example.org/" + i, null, null, null, null, null, clock.instant(), List.of(), 1);
            leads.add(l);
            posts.add(new OutboxEntry("out", LeadPosts.toPost(l)));
        }
        store.write(new WriteBatch(leads, posts, List.of()));
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Delivers the first {@code ok} posts one message (two posts) at a time, then fails. */
    static Output failingAfter(int ok) {
        return new Output() {
            @Override
            public CompletableFuture<List<Delivery>> send(List<Post> posts) {
                return send(posts, d -> {});
            }

            @Override
            public CompletableFuture<List<Delivery>> send(List<Post> posts, Consumer<List<Delivery>> onDelivered) {
                for (int i = 0; i + 1 < Math.min(ok, posts.size()); i += 2) {
                    onDelivered.accept(List.of(new Delivery(posts.get(i).id(), "m" + i), new Delivery(posts.get(i + 1).id(), "m" + i)));
                }
                return CompletableFuture.failedFuture(new IllegalStateException("HTTP 503 after retries"));
            }
        };
    }

    @Test
    void recordsDeliveriesAsMessagesAreAcceptedSoALaterFailureKeepsThem() {
        OutboxDispatcher d = new OutboxDispatcher(store, store, Map.of("out", failingAfter(4)), clock);
        OutboxDispatcher.Flush flush = d.flush();
        assertThat(flush.failures()).containsEntry("out", "HTTP 503 after retries");
        assertThat(store.pendingCount("out")).isEqualTo(2);
        assertThat(store.pending("out", 10)).extracting(e -> e.post().title()).containsExactly("Lead 4", "Lead 5");
        assertThat(store.events(Instant.EPOCH, clock.instant().plusSeconds(1), Set.of(FeedbackEvent.Type.POSTED))).hasSize(4);
        assertThat(store.messageRef("out", LeadPosts.postId("https://example.org/0"))).hasValue("m0");
    }

    @Test
    void skipsAnOutputThatIsNotReadyAndFlushesWhenItSaysItIs() {
        AtomicBoolean ready = new AtomicBoolean();
        List<Runnable> listeners = new ArrayList<>();
        Output bot = new Output() {
            @Override
            public CompletableFuture<List<Delivery>> send(List<Post> posts) {
                return CompletableFuture.completedFuture(posts.stream().map(p -> new Delivery(p.id(), "x")).toList());
            }

            @Override
            public boolean ready() {
                return ready.get();
            }

            @Override
            public void onReady(Runnable listener) {
                listeners.add(listener);
            }
        };
        OutboxDispatcher d = new OutboxDispatcher(store, store, Map.of("out", bot), clock);
        d.flushWhenReady(Runnable::run);
        OutboxDispatcher.Flush flush = d.flush();
        assertThat(flush.waiting()).containsExactly("out");
        assertThat(d.states()).singleElement().satisfies(s -> {
            assertThat(s.ready()).isFalse();
            assertThat(s.pending()).isEqualTo(6);
        });
        ready.set(true);
        listeners.forEach(Runnable::run);
        assertThat(store.pendingCount("out")).isZero();
    }
}
