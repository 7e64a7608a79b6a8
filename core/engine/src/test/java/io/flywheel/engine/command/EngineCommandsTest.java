package io.flywheel.engine.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Output;
import io.flywheel.engine.app.SourceHealth;
import io.flywheel.engine.app.SourceRun;
import io.flywheel.engine.feedback.EngagementRecorder;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.lead.LeadPosts;
import io.flywheel.engine.output.OutboxDispatcher;
import io.flywheel.engine.plugin.PluginReport;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.store.OutboxEntry;
import io.flywheel.engine.store.WriteBatch;
import io.flywheel.engine.text.Cells;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineCommandsTest {
    @TempDir
    Path dir;
    MapDbStore store;
    final ManualClock clock = ManualClock.atDefaultStart();
    final List<List<String>> sent = new CopyOnWriteArrayList<>();
    final List<String> progress = new CopyOnWriteArrayList<>();
    final List<String> ran = new CopyOnWriteArrayList<>();
    CommandRouter router;

    @BeforeEach
    void setUp() {
        store = MapDbStore.open(dir.resolve("f.db"));
        Output output = posts -> {
            sent.add(posts.stream().map(p -> p.id()).toList());
            return CompletableFuture.completedFuture(posts.stream().map(p -> new Delivery(p.id(), "m" + sent.size())).toList());
        };
        OutboxDispatcher outbox = new OutboxDispatcher(store, store, Map.of("discord", output), clock);
        Controls.Sources sources = new Controls.Sources() {
            @Override
            public List<SourceHealth> health() {
                return List.of(new SourceHealth("hn-hiring", clock.instant().minusSeconds(120), clock.instant().minusSeconds(120), 0, null, 12, null, null),
                        new SourceHealth("broken", clock.instant(), null, 3, "HTTP 503 from example.org", -1, clock.instant().plusSeconds(600), null));
            }

            @Override
            public Optional<SourceRun> runNow(String id) {
                ran.add(id);
                return id.equals("hn-hiring") ? Optional.of(new SourceRun(id, clock.instant(), Duration.ofMillis(80), 12, 0, 10, 2, null)) : Optional.empty();
            }
        };
        Controls.Plugins plugins = new Controls.Plugins() {
            @Override
            public List<PluginReport> reports() {
                return List.of(new PluginReport("source-web", "0.1.0", null, PluginReport.State.STARTED, List.of("source 'rss'"), null, List.of()));
            }

            @Override
            public Optional<String> reloadUnavailable() {
                return Optional.of("not in this build");
            }

            @Override
            public String reload() {
                throw new UnsupportedOperationException();
            }
        };
        KeywordWeights weights = new KeywordWeights(Map.of("backend", 3.0, "remote", 2.5, "rust", 1.0));
        EngineCommands.Services services = new EngineCommands.Services(store, store, store, weights, new EngagementRecorder(store, store), outbox, sources,
                Controls.Rules.NOT_IN_THIS_BUILD, Controls.Strategies.notInThisBuild(List.of("sma-btc")), plugins, clock);
        router = EngineCommands.router(services, List.of(), Admins.parse("100", "900"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Lead lead(int i, String platform, double score) {
        return new Lead("https://example.org/jobs/" + i, "hn-hiring", platform, "Backend engineer " + i, "https://example.org/jobs/" + i, "Build things.",
                "Company " + i, null, null, clock.instant().minusSeconds(3600 - i), clock.instant(), List.of("backend"), score);
    }

    private void store(Lead... leads) {
        List<OutboxEntry> posts = new ArrayList<>();
        List<FeedbackEvent> events = new ArrayList<>();
        for (Lead l : leads) {
            posts.add(new OutboxEntry("discord", LeadPosts.toPost(l)));
            events.add(new FeedbackEvent(clock.instant(), FeedbackEvent.Type.FOUND, l.key(), l.sourceId(), l.platform(), l.keywords(), null, l.score(), Map.of(), null));
        }
        store.write(new WriteBatch(List.of(leads), posts, events));
    }

    private CommandReply run(String command, Map<String, String> options, String user, String... roles) {
        return router.dispatch(new CommandCall(command, options, user, List.of(roles), "42"), progress::add).join();
    }

    @Test
    void leadsShowsTheNewestMatchingTheFilter() {
        store(lead(1, "hackernews", 7), lead(2, "digest", 9), lead(3, "hackernews", 2));
        String text = run("leads", Map.of("platform", "hackernews", "min_score", "5"), "1").text();
        assertThat(text).contains("Backend engineer 1").doesNotContain("Backend engineer 2").doesNotContain("Backend engineer 3");
        assertThat(run("leads", Map.of("limit", "40"), "1").text()).contains("'limit' must be between 1 and 25");
        assertThat(router.complete("leads", "platform", "h")).containsExactly("hackernews");
        assertThat(router.complete("leads", "keyword", "r")).containsExactly("remote", "rust");
    }

    @Test
    void leadsFindsAPlatformWhateverCaseItIsTypedIn() {
        store(lead(1, "hackernews", 7), lead(2, "digest", 9), lead(3, "hackernews", 2));
        String text = run("leads", Map.of("platform", " HackerNews "), "1").text();
        assertThat(text).contains("2 newest lead(s)").contains("Backend engineer 1").contains("Backend engineer 3").doesNotContain("Backend engineer 2");
    }

    @Test
    void aLongTitleIsShortenedWithoutSplittingAnEmoji() {
        Lead base = lead(1, "hackernews", 7);
        String title = "x".repeat(88) + "\uD83D\uDE80 rocket engineer";
        store(new Lead(base.key(), base.sourceId(), base.platform(), title, base.url(), base.body(), base.company(), base.location(),
                base.compensation(), base.published(), base.foundAt(), base.keywords(), base.score()));
        String text = run("leads", Map.of(), "1").text();
        assertThat(text).contains("x".repeat(88) + "…").doesNotContain("\uD83D…");
    }

    @Test
    void postLeadsDrainsTheOutboxAndReportsProgress() {
        store(lead(1, "hackernews", 7), lead(2, "digest", 9));
        CommandReply reply = run("post_leads", Map.of(), "1");
        assertThat(reply.text()).startsWith("Posted 2 post(s)");
        assertThat(sent).hasSize(1);
        assertThat(progress).first().asString().contains("Posting 2 waiting");
        assertThat(store.pendingCount("discord")).isZero();
        assertThat(run("post_leads", Map.of(), "1").text()).contains("Nothing is waiting");
    }

    @Test
    void convertRecordsAConversionOncePerUserFoundByPostIdOrUrl() {
        Lead l = lead(1, "hackernews", 7);
        store(l);
        String suggestion = router.complete("convert", "lead", "").getFirst();
        assertThat(suggestion).startsWith(LeadPosts.postId(l.key())).contains("Backend engineer 1");
        assertThat(run("convert", Map.of("lead", suggestion), "5").text()).contains("Recorded a conversion");
        assertThat(run("convert", Map.of("lead", "https://example.org/jobs/1?utm_source=x"), "5").text()).contains("already recorded");
        assertThat(run("convert", Map.of("lead", "https://example.org/jobs/1"), "6").text()).contains("Recorded a conversion");
        assertThat(run("convert", Map.of("lead", "https://nowhere.example/x"), "6").text()).contains("No stored lead matches");
        assertThat(store.events(Instant.EPOCH, clock.instant().plusSeconds(1), Set.of(FeedbackEvent.Type.WON))).extracting(FeedbackEvent::actor).containsExactly("5", "6");
    }

    @Test
    void statsCountsTheFunnelPerPlatform() {
        store(lead(1, "hackernews", 7), lead(2, "digest", 9));
        run("post_leads", Map.of(), "1");
        run("convert", Map.of("lead", "https://example.org/jobs/1"), "5");
        CommandReply stats = run("stats", Map.of("days", "7"), "1");
        String text = stats.text();
        assertThat(stats.attachments()).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo("funnel.png");
            assertThat(a.contentType()).isEqualTo("image/png");
            assertThat(java.util.Arrays.copyOf(a.data(), 8)).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        });
        assertThat(text).contains("hackernews").contains("digest").containsPattern("all\\s+2\\s+2\\s+1\\s+1\\s+1\\s+0");
        assertThat(text).contains("backend: 50% of 2 posted, 1 won");
    }

    @Test
    void statsKeepsItsColumnsForWidePlatformNames() {
        store(lead(1, "求人ボックス", 7), lead(2, "hackernews", 9), lead(3, "日本の求人サイト・エンジニア", 5));
        String text = run("stats", Map.of("days", "7"), "1").text();
        List<String> table = text.lines().dropWhile(l -> !l.equals("```")).skip(1).takeWhile(l -> !l.equals("```")).toList();
        assertThat(table).hasSize(5).anySatisfy(l -> assertThat(l).startsWith("日本の求人サ…   ")).anySatisfy(l -> assertThat(l).startsWith("求人ボックス   "));
        assertThat(table).allSatisfy(l -> assertThat(Cells.width(l)).as(l).isEqualTo(56));
    }

    @Test
    void sourcesListsHealthForEveryoneButRunIsForAdmins() {
        assertThat(run("sources", Map.of(), "1").text()).contains("hn-hiring").contains("broken").contains("HTTP 503");
        CommandReply refused = run("sources", Map.of("run", "hn-hiring"), "1");
        assertThat(refused.ephemeral()).isTrue();
        assertThat(refused.text()).contains("admins only");
        assertThat(ran).isEmpty();
        assertThat(run("sources", Map.of("run", "hn-hiring"), "100").text()).contains("12 found, 2 new");
        assertThat(run("sources", Map.of("run", "nope"), "2", "900").text()).contains("No source 'nope'");
        assertThat(router.complete("sources", "run", "hn")).containsExactly("hn-hiring");
        assertThat(store.events(Instant.EPOCH, clock.instant().plusSeconds(1), Set.of(FeedbackEvent.Type.AUDIT))).hasSize(3);
    }

    @Test
    void saysHonestlyWhatThisBuildCannotDo() {
        assertThat(run("rules", Map.of("action", "reload"), "100").text()).contains("rules engine is not available in this build");
        assertThat(run("strategies", Map.of(), "1").text()).contains("Trading is not available in this build; configured strategies: sma-btc");
        assertThat(run("plugins", Map.of("action", "reload"), "100").text()).isEqualTo("not in this build");
        assertThat(run("plugins", Map.of("action", "list"), "100").text()).contains("source-web").contains("source 'rss'");
    }

    @Test
    void weightsStatusAndHelpDescribeTheBot() {
        CommandReply weights = run("weights", Map.of(), "1");
        assertThat(weights.text()).containsSubsequence("backend", "remote", "rust");
        assertThat(weights.attachments()).extracting(CommandReply.Attachment::name).containsExactly("weights.png");
        assertThat(weights.attachments().getFirst().data().length).isGreaterThan(1000);
        store(lead(1, "hackernews", 7));
        assertThat(run("status", Map.of(), "1").text()).contains("2 configured, 1 healthy").contains("discord").contains("1 post(s) waiting").contains("1 lead(s)");
        String help = run("help", Map.of(), "1").text();
        for (String c : List.of("leads", "post_leads", "stats", "weights", "strategies", "convert", "sources", "rules", "plugins", "status", "help")) {
            assertThat(help).contains("`/" + c);
        }
        assertThat(help).contains("/rules <action: test|reload|rollback|update|freeze|unfreeze|shadow|promote> [rule]` Test, reload, roll back, run, "
                + "freeze or promote the learning rules (admins) 🔒");
    }
}
