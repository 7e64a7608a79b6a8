package io.flywheel.engine.store;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Post;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code outbox.message} costs: the same deliveries of one-lead messages with the message named (recorded) and not (the
 * in-run reference), file size and time per delivery, then random look-ups after reopening. Opt-in, as it takes a minute:
 * {@code -Dprobe.messages=50000}.
 */
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "probe.messages", matches = "[0-9]+")
class MessageRecordProbeTest {
    @TempDir
    Path dir;

    @Test
    void recordsEveryNamedMessageAtAFewHundredBytesEach() throws Exception {
        long[] sizes = new long[2];
        int n = Integer.getInteger("probe.messages");
        List<Lead> leads = new TestLeads(3).leads(n);
        for (boolean named : new boolean[] {false, true}) {
            Path f = dir.resolve((named ? "named" : "plain") + ".db");
            long deliverNanos = 0;
            try (MapDbStore store = MapDbStore.open(f)) {
                for (int from = 0; from < n; from += 1000) {
                    List<Lead> chunk = leads.subList(from, Math.min(n, from + 1000));
                    List<OutboxEntry> posts = new ArrayList<>();
                    for (Lead l : chunk) {
                        posts.add(new OutboxEntry("discord", new Post("p-" + l.key(), Post.Kind.LEAD, l.key(), l.title(), l.url(), l.body(), List.of(), l.time())));
                    }
                    store.write(new WriteBatch(chunk, posts, List.of()));
                    long t0 = System.nanoTime();
                    for (OutboxEntry p : posts) {
                        String ref = "1234567890123456789/" + (1_300_000_000_000_000_000L + p.post().id().hashCode());
                        store.delivered("discord", named ? ref : null, List.of(new Delivery(p.post().id(), ref)), List.of());
                    }
                    deliverNanos += System.nanoTime() - t0;
                }
                store.flush();
            }
            sizes[named ? 1 : 0] = Files.size(f);
            System.out.printf("PROBE %s n=%d file=%d bytes delivered=%.1f us/message%n", named ? "named" : "plain", n, Files.size(f),
                    deliverNanos / 1e3 / n);
            if (named) {
                try (MapDbStore store = MapDbStore.open(f)) {
                    java.util.Random r = new java.util.Random(1);
                    int hits = 0;
                    long t0 = System.nanoTime();
                    int k = 20_000;
                    for (int i = 0; i < k; i++) {
                        Lead l = leads.get(r.nextInt(n));
                        String ref = "1234567890123456789/" + (1_300_000_000_000_000_000L + ("p-" + l.key()).hashCode());
                        hits += store.postsShown("discord", ref).size();
                    }
                    System.out.printf("PROBE lookups=%d hits=%d %.1f us/lookup%n", k, hits, (System.nanoTime() - t0) / 1e3 / k);
                    org.assertj.core.api.Assertions.assertThat(hits).as("every message found").isEqualTo(k);
                }
            }
        }
        System.out.printf("PROBE growth=%.0f bytes/message%n", (sizes[1] - sizes[0]) / (double) n);
        org.assertj.core.api.Assertions.assertThat((sizes[1] - sizes[0]) / (double) n).as("bytes per message").isLessThan(1024);
    }
}
