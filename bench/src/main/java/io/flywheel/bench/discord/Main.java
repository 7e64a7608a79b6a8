package io.flywheel.bench.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Output;
import io.flywheel.api.output.Post;
import io.flywheel.discord.DiscordLimits;
import io.flywheel.discord.Embed;
import io.flywheel.discord.Packer;
import io.flywheel.discord.PostRenderer;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.lead.LeadPosts;
import io.flywheel.engine.output.OutboxDispatcher;
import io.flywheel.engine.schedule.SystemScheduler;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.store.OutboxEntry;
import io.flywheel.engine.store.WriteBatch;
import io.flywheel.plugins.discord.DiscordOutputFactory;
import io.flywheel.testkit.FakeDiscord;
import io.flywheel.testkit.TestPluginContext;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Posts 1,000 leads to 5 channels through the real Discord bot (JDA) and the host's outbox
 * dispatcher, against the fake Discord with per-channel buckets of 5 messages per 5 s, and
 * compares API calls with the packing lower bound and wall time with the rate-limit lower bound.
 */
public final class Main {
    private static final int CHANNELS = 5;
    private static final int LIMIT = 5;

    private Main() {}

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        int leads = 1000;
        Duration window = quick ? Duration.ofSeconds(1) : Duration.ofSeconds(5);
        Path work = Files.createTempDirectory("flywheel-bench-discord");
        try (FakeDiscord fake = FakeDiscord.start(); MapDbStore store = MapDbStore.open(work.resolve("flywheel.db")); SystemScheduler scheduler = new SystemScheduler()) {
            fake.bucket(FakeDiscord.CREATE_MESSAGE, LIMIT, window);
            Map<String, String> channels = new LinkedHashMap<>();
            for (int c = 0; c < CHANNELS; c++) {
                channels.put("board-" + c, fake.addChannel("board-" + c));
            }
            DiscordOutputFactory.Config config = new DiscordOutputFactory.Config(FakeDiscord.TOKEN, FakeDiscord.GUILD_ID, fake.channel(), channels,
                    Packer.Mode.EMBEDS, 280, true, true, "", null, URI.create(fake.restBase()), URI.create(fake.gatewayUrl()));
            Output bot = new DiscordOutputFactory().create(config, TestPluginContext.of("discord", Clock.systemUTC(), scheduler, work.resolve("work")));
            long connectStart = System.nanoTime();
            while (!bot.ready()) {
                if (System.nanoTime() - connectStart > Duration.ofSeconds(60).toNanos()) {
                    throw new IllegalStateException("the bot did not connect to the fake Discord within 60 s: " + bot.problem().orElse("?"));
                }
                Thread.sleep(20);
            }
            long connectMs = (System.nanoTime() - connectStart) / 1_000_000;

            List<Post> posts = store(store, postings(), leads);
            OutboxDispatcher dispatcher = new OutboxDispatcher(store, store, Map.of("discord", bot), Clock.systemUTC());
            long start = System.nanoTime();
            OutboxDispatcher.Flush flush = dispatcher.flush();
            long elapsedNanos = System.nanoTime() - start;
            bot.close();

            // Lower bounds, per channel: the packing bound needs no packer (count and characters),
            // the time bound is the windows the bound's messages need at LIMIT per window.
            PostRenderer renderer = new PostRenderer(DiscordLimits.DISCORD, 280);
            long callsBound = 0;
            double timeBound = 0;
            Map<String, List<Post>> byChannel = new LinkedHashMap<>();
            for (Post p : posts) {
                byChannel.computeIfAbsent(platform(p), k -> new ArrayList<>()).add(p);
            }
            for (List<Post> channelPosts : byChannel.values()) {
                int chars = channelPosts.stream().map(renderer::embed).mapToInt(Embed::length).sum();
                long messages = Math.max(ceil(channelPosts.size(), DiscordLimits.DISCORD.embedsPerMessage()), ceil(chars, DiscordLimits.DISCORD.embedTotal()));
                callsBound += messages;
                timeBound = Math.max(timeBound, (ceil(messages, LIMIT) - 1) * window.toMillis() / 1000.0);
            }
            long calls = fake.calls(FakeDiscord.CREATE_MESSAGE);
            Set<String> postedTitles = new HashSet<>();
            int duplicates = 0;
            for (FakeDiscord.Message m : fake.messages()) {
                for (JsonNode e : m.embeds()) {
                    if (!postedTitles.add(e.path("title").asText())) duplicates++;
                }
            }
            long lost = posts.size() - postedTitles.size();
            long pending = store.pendingCount("discord");
            long postedEvents = store.events(Instant.EPOCH, Instant.now().plusSeconds(60), Set.of(FeedbackEvent.Type.POSTED)).size();
            double seconds = elapsedNanos / 1e9;
            double ratio = timeBound == 0 ? Double.NaN : seconds / timeBound;

            System.out.printf(Locale.ROOT, "%-46s %12s%n", "measure" + (quick ? " (--quick: 1 s windows)" : ""), "value");
            row("leads posted / channels", leads + " / " + CHANNELS);
            row("bucket per channel", LIMIT + " messages per " + window.toSeconds() + " s");
            row("bot connect (login, READY)", connectMs + " ms");
            row("message API calls", Long.toString(calls));
            row("packing lower bound (calls)", Long.toString(callsBound));
            row("wall time, first send to last delivery", String.format(Locale.ROOT, "%.2f s", seconds));
            row("rate-limit lower bound", String.format(Locale.ROOT, "%.2f s", timeBound));
            row("time / bound", String.format(Locale.ROOT, "%.3f", ratio));
            row("429 responses", Integer.toString(fake.status429()));
            row("posts lost / duplicated / still queued", lost + " / " + duplicates + " / " + pending);
            row("delivered (dispatcher) / POSTED events", flush.delivered().getOrDefault("discord", 0) + " / " + postedEvents);
            System.out.printf(Locale.ROOT, "RESULT {\"calls\": %d, \"calls_lower_bound\": %d, \"time_s\": %.2f, \"time_bound_s\": %.2f, \"time_vs_bound\": %.3f, \"status_429\": %d, \"lost\": %d, \"duplicated\": %d}%n",
                    calls, callsBound, seconds, timeBound, ratio, fake.status429(), lost, duplicates);
        } finally {
            deleteTree(work);
        }
    }

    private static void row(String name, String value) {
        System.out.printf(Locale.ROOT, "%-46s %12s%n", name, value);
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    private static String platform(Post p) {
        return p.fields().stream().filter(f -> f.name().equals("Platform")).findFirst().orElseThrow().value();
    }

    /** Stores {@code n} leads made from real postings, spread round-robin over the channels, with their outbox posts. */
    private static List<Post> store(MapDbStore store, List<String[]> postings, int n) {
        List<Lead> leads = new ArrayList<>();
        List<OutboxEntry> entries = new ArrayList<>();
        List<Post> posts = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            String[] p = postings.get(i % postings.size());
            String key = "https://news.ycombinator.com/item?id=" + (40_000_000 + i);
            Lead lead = new Lead(key, "hn-hiring", "board-" + i % CHANNELS, p[0] + " #" + i, key, p[2], p[1], null, null, now.minusSeconds(n - i), now,
                    List.of("backend", "remote"), 3 + i % 7);
            Post post = LeadPosts.toPost(lead);
            leads.add(lead);
            posts.add(post);
            entries.add(new OutboxEntry("discord", post));
        }
        store.write(new WriteBatch(leads, entries, List.of()));
        return posts;
    }

    /** {title, company, body} from the real postings' first line and text. */
    private static List<String[]> postings() throws Exception {
        try (InputStream in = Main.class.getResourceAsStream("hn-postings.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<String[]> out = new ArrayList<>();
            for (JsonNode c : root.path("test_cases")) {
                String html = c.path("comment").path("content").asText();
                String text = html.replaceAll("<p>", "\n").replaceAll("<[^>]+>", "").replace("&#x2F;", "/").replace("&amp;", "&").replace("&quot;", "\"").replace("&#x27;", "'");
                String first = text.lines().findFirst().orElse(text);
                String[] parts = first.split("\\|");
                out.add(new String[] {first.length() > 200 ? first.substring(0, 200) : first, parts[0].strip(), text});
            }
            return out;
        }
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            // a temp folder; nothing to do
        }
    }
}
