package io.flywheel.engine.store;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Post;
import io.flywheel.engine.feedback.FeedbackEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A crash drill: a child JVM ingests numbered batches (leads, their posts and events, deliveries
 * of earlier posts, engagement) into a store and prints {@code ack N} after each write returns;
 * the parent kills it with SIGKILL at a random ack, reopens the store and checks that every
 * acknowledged batch is there, the batch in flight is all there or not at all, and nothing is
 * there twice. The next child resumes from the first batch missing.
 */
public final class CrashDrill {
    static final int LEADS = 40;
    static final int REPEATS = 10;
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private CrashDrill() {}

    /** What one trial saw. */
    public record Trial(int acked, int present, boolean inFlightPresent, List<String> problems) {}

    static String key(int batch, int i) {
        return "https://crash.example/b" + batch + "/" + i;
    }

    static Lead lead(int batch, int i) {
        Random r = new Random(batch * 1000L + i);
        Instant t = T0.plusSeconds(batch * 60L + r.nextInt(120));
        return new Lead(key(batch, i), "drill", "p" + r.nextInt(4), "Posting " + batch + "/" + i, key(batch, i),
                "body ".repeat(20 + r.nextInt(200)), null, null, null, t, t, List.of("k" + r.nextInt(6)), r.nextInt(100) / 10.0);
    }

    static Post post(Lead l) {
        return new Post("post-" + l.key().substring("https://crash.example/".length()), Post.Kind.LEAD, l.key(), l.title(), l.url(), null,
                List.of(), l.time());
    }

    static WriteBatch batch(int b) {
        List<Lead> leads = new ArrayList<>();
        for (int i = 0; i < LEADS; i++) {
            leads.add(lead(b, i));
        }
        Random r = new Random(b);
        for (int i = 0; i < REPEATS && b > 0; i++) {
            leads.add(lead(Math.max(0, b - 1 - r.nextInt(5)), r.nextInt(LEADS)));
        }
        List<OutboxEntry> posts = new ArrayList<>();
        List<FeedbackEvent> events = new ArrayList<>();
        for (Lead l : leads) {
            posts.add(new OutboxEntry("out", post(l)));
            events.add(new FeedbackEvent(l.foundAt(), FeedbackEvent.Type.FOUND, l.key(), "drill", l.platform(), l.keywords(), null, l.score(), Map.of(),
                    null));
        }
        return new WriteBatch(leads, posts, events);
    }

    /** The child: {@code CrashDrill <store> <first batch> <checkpoint bytes>}. */
    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int first = Integer.parseInt(args[1]);
        long checkpointBytes = Long.parseLong(args[2]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        MapDbStore store = MapDbStore.open(file, new MapDbStore.Options(MapDbStore.Sync.INTERVAL, Duration.ofMillis(20), checkpointBytes, 16),
                Clock.systemUTC());
        out.println("open " + store.size());
        for (int b = first; ; b++) {
            store.write(batch(b));
            if (b >= 3) {
                List<Delivery> ds = new ArrayList<>();
                for (int i = 0; i < LEADS; i += 3) {
                    ds.add(new Delivery(post(lead(b - 3, i)).id(), "msg-" + (b - 3) + "-" + i));
                }
                store.delivered("out", ds);
            }
            if (b >= 1) {
                Lead liked = lead(b - 1, b % LEADS);
                store.appendOnce(new FeedbackEvent(T0.plusSeconds(b), FeedbackEvent.Type.INTERESTED, liked.key(), "drill", liked.platform(),
                        liked.keywords(), "user-" + (b % 3), 0, Map.of(), null));
            }
            out.println("ack " + b);
        }
    }

    /**
     * Starts a child at {@code first}, kills it {@code killDelayMicros} after its {@code killAfterAcks}-th acknowledgement, then
     * verifies the store against batches {@code 0..lastAck}. Returns the trial and the next batch to
     * start from through {@code next[0]}.
     */
    public static Trial trial(Path file, int first, int killAfterAcks, long killDelayMicros, long checkpointBytes, int[] next) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"), CrashDrill.class.getName(), file.toString(),
                Integer.toString(first), Long.toString(checkpointBytes));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        int lastAck = first - 1;
        int acks = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean killed = false;
            // Reads to the end: acks the child wrote before the kill landed are still in the pipe.
            while ((line = in.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    lastAck = Integer.parseInt(line.substring(4));
                    if (++acks >= killAfterAcks && !killed) {
                        // Picks the kill moment inside whatever the child does next (journal, checkpoint, redo, apply).
                        long until = System.nanoTime() + killDelayMicros * 1000;
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        p.toHandle().destroyForcibly(); // SIGKILL on Unix; unlike Process.destroyForcibly it leaves the output readable
                        killed = true;
                    }
                }
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        if (acks < killAfterAcks) {
            throw new IllegalStateException("the drill child exited (code " + p.exitValue() + ") after " + acks + " acks");
        }
        try (MapDbStore store = MapDbStore.open(file)) {
            Trial t = verify(store, lastAck);
            next[0] = t.inFlightPresent() ? lastAck + 2 : lastAck + 1;
            return t;
        }
    }

    /** Checks the store holds batches {@code 0..lastAck}, all or nothing of {@code lastAck + 1}, and nothing twice. */
    public static Trial verify(MapDbStore store, int lastAck) {
        List<String> problems = new ArrayList<>();
        int present = 0;
        for (int b = 0; b <= lastAck; b++) {
            for (int i = 0; i < LEADS; i++) {
                Lead expected = lead(b, i);
                if (!store.get(expected.key()).map(expected::equals).orElse(false)) {
                    problems.add("acknowledged batch " + b + " lost lead " + i);
                }
            }
            present++;
        }
        int inFlight = 0;
        for (int i = 0; i < LEADS; i++) {
            if (store.contains(key(lastAck + 1, i))) {
                inFlight++;
            }
        }
        if (inFlight != 0 && inFlight != LEADS) {
            problems.add("batch " + (lastAck + 1) + " (in flight) is partly there: " + inFlight + " of " + LEADS + " leads");
        }
        boolean inFlightPresent = inFlight == LEADS;
        int batches = lastAck + 1 + (inFlightPresent ? 1 : 0);
        long expectedLeads = (long) batches * LEADS;
        if (store.size() != expectedLeads) {
            problems.add("store holds " + store.size() + " leads, expected " + expectedLeads);
        }
        List<Lead> all = store.queryUncached(LeadQuery.newest(Integer.MAX_VALUE));
        Set<String> keys = new HashSet<>();
        for (Lead l : all) {
            if (!keys.add(l.key())) {
                problems.add("lead " + l.key() + " is listed twice");
            }
        }
        if (all.size() != expectedLeads) {
            problems.add("the time index lists " + all.size() + " leads, expected " + expectedLeads);
        }
        List<FeedbackEvent> found = store.events(T0.minusSeconds(1), T0.plus(Duration.ofDays(3650)), Set.of(FeedbackEvent.Type.FOUND));
        if (found.size() != expectedLeads) {
            problems.add(found.size() + " FOUND events, expected one per lead: " + expectedLeads);
        }
        Map<String, Integer> clicks = new HashMap<>();
        for (FeedbackEvent e : store.events(T0.minusSeconds(1), T0.plus(Duration.ofDays(3650)), Set.of(FeedbackEvent.Type.INTERESTED))) {
            if (clicks.merge(e.actor() + "/" + e.subject(), 1, Integer::sum) > 1) {
                problems.add("engagement " + e.actor() + " on " + e.subject() + " recorded twice");
            }
        }
        // Every post of a stored lead is either still queued (once) or delivered with its reference.
        Set<String> pending = new HashSet<>();
        for (OutboxEntry e : store.pending("out", Integer.MAX_VALUE)) {
            if (!pending.add(e.post().id())) {
                problems.add("post " + e.post().id() + " queued twice");
            }
        }
        for (int b = 0; b < batches; b++) {
            for (int i = 0; i < LEADS; i++) {
                String id = post(lead(b, i)).id();
                boolean delivered = store.messageRef("out", id).isPresent();
                if (pending.contains(id) == delivered) {
                    problems.add("post " + id + (delivered ? " delivered but still queued" : " lost: neither queued nor delivered"));
                }
            }
        }
        return new Trial(lastAck, present, inFlightPresent, problems);
    }
}
