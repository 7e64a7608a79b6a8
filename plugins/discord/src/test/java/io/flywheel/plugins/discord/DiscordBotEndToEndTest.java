package io.flywheel.plugins.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandDispatcher;
import io.flywheel.api.command.CommandProgress;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.api.feedback.EngagementSink;
import io.flywheel.api.lead.Lead;
import io.flywheel.discord.Backoff;
import io.flywheel.discord.Packer;
import io.flywheel.engine.app.SourceHealth;
import io.flywheel.engine.app.SourceRun;
import io.flywheel.engine.command.Admins;
import io.flywheel.engine.command.Controls;
import io.flywheel.engine.command.EngineCommands;
import io.flywheel.engine.feedback.EngagementRecorder;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.lead.LeadPosts;
import io.flywheel.engine.output.OutboxDispatcher;
import io.flywheel.engine.plugin.PluginReport;
import io.flywheel.engine.schedule.SystemScheduler;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.store.OutboxEntry;
import io.flywheel.engine.store.WriteBatch;
import io.flywheel.testkit.FakeDiscord;
import io.flywheel.testkit.TestPluginContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real JDA client against the fake Discord: posting, commands, clicks, reactions, failures. */
class DiscordBotEndToEndTest {
    static final String ADMIN = "1700000000000000001";
    static final String USER = "1700000000000000002";

    @TempDir
    Path dir;
    FakeDiscord fake;
    MapDbStore store;
    SystemScheduler scheduler;
    DiscordBot bot;
    OutboxDispatcher outbox;
    final Clock clock = Clock.systemUTC();
    Packer.Mode mode = Packer.Mode.EMBEDS;
    int bodyChars = 200;
    Backoff backoff = new Backoff(Duration.ofMillis(5), Duration.ofMillis(20), 3);
    int indexCapacity = DiscordBot.INDEX_CAPACITY;
    /** What the bot reported to the engagement sink, in order (JDA calls listeners one event at a time). */
    final List<io.flywheel.api.feedback.Engagement> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The retractions by via the bot asked for, in order. */
    final List<io.flywheel.api.feedback.Retraction> retractions = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The messages the bot asked the host about (not in its index). */
    final List<String> lookups = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Look-ups are answered once this completes (a busy store): a test holds it open to see what happens meanwhile. */
    volatile CompletableFuture<Void> lookupGate = CompletableFuture.completedFuture(null);
    /** How the host's recorder is reached: a test can put a slow or failing store in between. */
    /** What the host's look-up of the posts a message showed answers, from what the store recorded. */
    volatile java.util.function.UnaryOperator<List<io.flywheel.api.feedback.PostShown>> shown = java.util.function.UnaryOperator.identity();
    volatile java.util.function.BiFunction<EngagementRecorder, io.flywheel.api.feedback.Engagement, CompletableFuture<Boolean>> recording = EngagementRecorder::record;

    @BeforeEach
    void setUp() {
        fake = FakeDiscord.start();
        store = MapDbStore.open(dir.resolve("flywheel.db"));
        scheduler = new SystemScheduler();
    }

    /** Latches a test holds the store with: released at the end whatever happened. */
    final List<java.util.concurrent.CountDownLatch> released = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        released.forEach(java.util.concurrent.CountDownLatch::countDown);
        lookupGate.complete(null);
        if (bot != null) bot.close();
        scheduler.close();
        store.close();
        fake.close();
    }

    /** Starts the bot with the built-in commands wired as Flywheel wires them. */
    private void startBot(String prefix, Map<String, String> channels) {
        startBot(prefix, channels, Duration.ofMillis(1500), List.of());
    }

    private void startBot(String prefix, Map<String, String> channels, Duration deferAfter, List<io.flywheel.api.command.BotCommand> pluginCommands) {
        DiscordOutputFactory.Config config = new DiscordOutputFactory.Config(FakeDiscord.TOKEN, FakeDiscord.GUILD_ID, fake.channel(), channels, mode,
                bodyChars, true, true, prefix, deferAfter, URI.create(fake.restBase()), URI.create(fake.gatewayUrl()));
        Forward commands = new Forward();
        EngagementRecorder recorder = new EngagementRecorder(store, store);
        EngagementSink engagement = new EngagementSink() {
            @Override
            public CompletableFuture<Boolean> record(io.flywheel.api.feedback.Engagement e) {
                reported.add(e);
                return recording.apply(recorder, e);
            }

            @Override
            public CompletableFuture<Boolean> retract(io.flywheel.api.feedback.Engagement e) {
                return recorder.retract(e);
            }

            @Override
            public CompletableFuture<Integer> retract(io.flywheel.api.feedback.Retraction r) {
                retractions.add(r);
                return recorder.retract(r);
            }

            @Override
            public CompletableFuture<List<io.flywheel.api.feedback.PostShown>> postsShown(String outputId, String messageRef) {
                lookups.add(messageRef);
                return recorder.postsShown(outputId, messageRef).thenCombine(lookupGate, (found, open) -> found).thenApply(shown);
            }
        };
        bot = new DiscordBot(config, new TestPluginContext("discord", clock, scheduler, null, dir.resolve("work"), List.of(), engagement, commands), backoff,
                indexCapacity);
        outbox = new OutboxDispatcher(store, store, Map.of("discord", bot), clock);
        Controls.Sources sources = new Controls.Sources() {
            @Override
            public List<SourceHealth> health() {
                return List.of(SourceHealth.fresh("hn-hiring"));
            }

            @Override
            public Optional<SourceRun> runNow(String id) {
                return Optional.empty();
            }
        };
        Controls.Plugins plugins = new Controls.Plugins() {
            @Override
            public List<PluginReport> reports() {
                return List.of();
            }

            @Override
            public Optional<String> reloadUnavailable() {
                return Optional.of("not in this build");
            }

            @Override
            public String reload() {
                return "";
            }
        };
        commands.target = EngineCommands.router(new EngineCommands.Services(store, store, store, new KeywordWeights(Map.of("backend", 3.0)), engagement,
                outbox, sources, Controls.Rules.NOT_IN_THIS_BUILD, Controls.Strategies.notInThisBuild(List.of()), plugins, clock), pluginCommands, Admins.parse(ADMIN, ""));
        bot.start();
        await().atMost(Duration.ofSeconds(30)).until(bot::ready);
    }

    /** Starts the bot with no prefix commands and every platform in the default channel. */
    private void startBot() {
        startBot("", Map.of());
    }

    /** Text posts of up to 4,096 body characters (a long one is split over messages) and no retries: a failed message stays failed. */
    private void textPostsWithoutRetries() {
        mode = Packer.Mode.TEXT;
        bodyChars = 4096;
        backoff = new Backoff(Duration.ZERO, Duration.ZERO, 0);
    }

    /** Waits (up to 10 s) until {@code condition} holds: the bot and the store answer on threads of their own. */
    private static void eventually(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(10)).until(condition);
    }

    /** Waits until Discord has the bot's first answer to {@code interaction}. */
    private void awaitCallback(String interaction) {
        eventually(() -> fake.callback(interaction).isPresent());
    }

    /** Stores one lead on {@code platform}, posts it, and returns the message that shows it (the channel's newest). */
    private FakeDiscord.Message postOneLead(String platform) {
        storeLeads(1, platform);
        outbox.flush();
        return fake.messages(fake.channel()).getLast();
    }

    /** A lead whose body is 400 words (about 3,300 characters of text): one embed, or two text messages. */
    private static Lead longLead() {
        String body = IntStream.range(0, 400).mapToObj(i -> "word" + i).collect(java.util.stream.Collectors.joining(" "));
        return new Lead("https://example.org/long", "src", "hackernews", "A lead with a long body", "https://example.org/long", body, "Acme", null,
                null, Instant.parse("2026-01-05T09:00:00Z"), Instant.now(), List.of("backend"), 5);
    }

    private List<Lead> storeLeads(int n, String platform) {
        List<Lead> leads = new ArrayList<>();
        List<OutboxEntry> posts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = "https://example.org/" + platform + "/" + i;
            Lead l = new Lead(key, "src", platform, String.format("%s lead %03d", platform, i), key, "Backend role, remote. ".repeat(20), "Acme", null, null,
                    Instant.parse("2026-01-05T09:00:00Z").plusSeconds(i), Instant.now(), List.of("backend"), 5);
            leads.add(l);
            posts.add(new OutboxEntry("discord", LeadPosts.toPost(l)));
        }
        store.write(new WriteBatch(leads, posts, List.of()));
        return leads;
    }

    private List<String> postedTitles(String channel) {
        List<String> titles = new ArrayList<>();
        fake.messages(channel).forEach(m -> m.embeds().forEach(e -> titles.add(e.path("title").asText())));
        return titles;
    }

    private List<FeedbackEvent> events(FeedbackEvent.Type type) {
        return store.events(Instant.EPOCH, Instant.now().plusSeconds(60), Set.of(type));
    }

    /** What the deferred reply to {@code interaction} was edited to, once it was. */
    private String answer(String interaction) {
        eventually(() -> !fake.responses(interaction).isEmpty());
        return fake.responses(interaction).getLast().path("content").asText();
    }

    /** Engagements and conversions on {@code keyword} as the learning rules count them: interested + applied + won, applied + won. */
    private List<Long> engagedAndConverted(String keyword) {
        io.flywheel.engine.feedback.Aggregate a = store.aggregate(io.flywheel.engine.feedback.Dimension.KEYWORD, Instant.EPOCH, Instant.now().plusSeconds(60))
                .get(keyword);
        if (a == null) {
            return List.of(0L, 0L);
        }
        long converted = a.count(FeedbackEvent.Type.APPLIED) + a.count(FeedbackEvent.Type.WON);
        return List.of(a.count(FeedbackEvent.Type.INTERESTED) + converted, converted);
    }

    @Test
    void aClickIsAcknowledgedAtOnceAndAnsweredWhenTheStoreHasSavedIt() throws Exception {
        java.util.concurrent.CountDownLatch storeSaves = new java.util.concurrent.CountDownLatch(1);
        released.add(storeSaves);
        // the slow store waits on its own thread, so a failing run cannot starve a shared pool
        recording = (recorder, e) -> CompletableFuture.supplyAsync(() -> {
            try {
                storeSaves.await();
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
            }
            return recorder.record(e).join();
        }, r -> Thread.ofVirtual().start(r));
        startBot();
        FakeDiscord.Message message = postOneLead("solo");
        String click = fake.clickButton(message, "fw:interested", USER);
        // the store has not saved it, and Discord already has its answer: a deferred reply only the clicker sees
        awaitCallback(click);
        assertThat(fake.callback(click).orElseThrow().path("type").asInt()).as("deferred").isEqualTo(5);
        assertThat(fake.callback(click).orElseThrow().path("data").path("flags").asInt() & 64).as("ephemeral").isEqualTo(64);
        assertThat(fake.responses(click)).isEmpty();
        assertThat(events(FeedbackEvent.Type.INTERESTED)).isEmpty();
        storeSaves.countDown();
        assertThat(answer(click)).startsWith("Recorded: Interested");
        assertThat(events(FeedbackEvent.Type.INTERESTED)).hasSize(1);
    }

    @Test
    void aClickTheStoreFailsToSaveIsAcknowledgedAndTheUserToldItWasNotRecorded() {
        recording = (recorder, e) -> CompletableFuture.failedFuture(new java.io.UncheckedIOException(new java.io.IOException("disk full")));
        startBot();
        storeLeads(3, "trio");
        outbox.flush();
        FakeDiscord.Message message = fake.messages(fake.channel()).getFirst();
        String click = fake.clickButton(message, "fw:won", USER);
        awaitCallback(click);
        JsonNode menu = fake.callback(click).orElseThrow().path("data").path("components").get(0).path("components").get(0);
        String pick = fake.select(message, menu.path("custom_id").asText(), List.of(LeadPosts.postId("https://example.org/trio/2")), USER);
        assertThat(answer(pick)).isEqualTo("Could not record Won on **trio lead 002**; try again later.");
        assertThat(fake.callback(pick).orElseThrow().path("type").asInt()).as("deferred").isEqualTo(5);
        assertThat(events(FeedbackEvent.Type.WON)).isEmpty();
    }

    @Test
    void removingAReactionTakesItsEngagementBackButNotWhatTheUserClicked() {
        String other = "1700000000000000003";
        startBot();
        FakeDiscord.Message message = postOneLead("solo");
        // added and removed at once: taken back in the order they came, never recorded after its removal
        fake.react(message, USER, "👀");
        fake.unreact(message, USER, "👀");
        eventually(() -> events(FeedbackEvent.Type.RETRACTED).size() == 1);
        assertThat(events(FeedbackEvent.Type.RETRACTED)).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo(USER);
            assertThat(e.replaces()).contains(FeedbackEvent.Type.INTERESTED);
        });
        assertThat(engagedAndConverted("backend")).containsExactly(0L, 0L);
        // another user clicked Interested and reacted 📝: removing 📝 leaves them interested, no longer converted
        String click = fake.clickButton(message, "fw:interested", other);
        assertThat(answer(click)).startsWith("Recorded: Interested");
        fake.react(message, other, "📝");
        eventually(() -> engagedAndConverted("backend").equals(List.of(1L, 1L)));
        fake.unreact(message, other, "📝");
        eventually(() -> engagedAndConverted("backend").equals(List.of(1L, 0L)));
        assertThat(events(FeedbackEvent.Type.RETRACTED)).hasSize(1);
    }

    @Test
    void clearingAllReactionsOnAMessageTakesBackEveryonesReactionsThereButNoClickAndNoOtherMessage() {
        String other = "1700000000000000003", third = "1700000000000000004";
        startBot();
        storeLeads(1, "first");
        outbox.flush();
        storeLeads(1, "second");
        outbox.flush();
        List<FakeDiscord.Message> messages = fake.messages(fake.channel());
        FakeDiscord.Message cleared = messages.get(0), kept = messages.get(1);
        fake.react(cleared, USER, "👀");
        fake.react(cleared, other, "📝");
        fake.react(kept, USER, "👀");
        assertThat(answer(fake.clickButton(cleared, "fw:interested", third))).startsWith("Recorded: Interested");
        eventually(() -> engagedAndConverted("backend").equals(List.of(4L, 1L)));
        fake.clearReactions(cleared);
        eventually(() -> events(FeedbackEvent.Type.RETRACTED).size() == 2);
        assertThat(events(FeedbackEvent.Type.RETRACTED)).extracting(FeedbackEvent::actor, FeedbackEvent::subject).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(USER, "https://example.org/first/0"), org.assertj.core.groups.Tuple.tuple(other, "https://example.org/first/0"));
        // the click on the cleared message and the reaction on the other message stand
        assertThat(engagedAndConverted("backend")).containsExactly(2L, 0L);
        // a reaction added after the clear counts again
        fake.react(cleared, other, "👀");
        eventually(() -> engagedAndConverted("backend").equals(List.of(3L, 0L)));
    }

    @Test
    void clearingOneEmojiOnAMessageTakesBackOnlyThatEmojisReactions() {
        String other = "1700000000000000003";
        startBot();
        FakeDiscord.Message message = postOneLead("solo");
        fake.react(message, USER, "👀");
        fake.react(message, other, "📝");
        fake.react(message, other, "👀");
        eventually(() -> engagedAndConverted("backend").equals(List.of(2L, 1L)));
        fake.clearReaction(message, "📝");
        // the other user is left with their 👀: no longer converted, still engaged
        eventually(() -> engagedAndConverted("backend").equals(List.of(2L, 0L)));
        fake.clearReaction(message, "🔥");
        fake.clearReaction(message, "👀");
        eventually(() -> engagedAndConverted("backend").equals(List.of(0L, 0L)));
        assertThat(events(FeedbackEvent.Type.RETRACTED)).extracting(FeedbackEvent::actor).containsExactlyInAnyOrder(USER, other);
        // 🔥 counts for nothing: its clear asks the host for nothing; each counting one names every user (null) on this message
        assertThat(retractions).extracting(io.flywheel.api.feedback.Retraction::via, io.flywheel.api.feedback.Retraction::userId).containsExactly(
                org.assertj.core.groups.Tuple.tuple(EngagementAdapter.reaction(message.id(), "📝"), null),
                org.assertj.core.groups.Tuple.tuple(EngagementAdapter.reaction(message.id(), "👀"), null));
    }

    @Test
    void aReactionRemovedFromAMessageTheIndexNoLongerHoldsIsStillTakenBack() {
        indexCapacity = 1;
        startBot();
        FakeDiscord.Message old = postOneLead("old");
        fake.react(old, USER, "📝");
        fake.react(old, "1700000000000000003", "👀");
        eventually(() -> engagedAndConverted("backend").equals(List.of(2L, 1L)));
        storeLeads(1, "new");
        outbox.flush();
        // the index keeps only the newest message now
        fake.unreact(old, USER, "📝");
        eventually(() -> events(FeedbackEvent.Type.RETRACTED).size() == 1);
        assertThat(events(FeedbackEvent.Type.RETRACTED)).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo(USER);
            assertThat(e.subject()).isEqualTo("https://example.org/old/0");
            assertThat(e.replaces()).contains(FeedbackEvent.Type.APPLIED);
        });
        // only that user's reaction: the other user's 👀 on the same message stands
        assertThat(engagedAndConverted("backend")).containsExactly(1L, 0L);
    }

    @Test
    void reactionsAndClicksOnMessagesOlderThanTheIndexCountThroughWhatTheStoreRecordedWithTheirDelivery() throws Exception {
        String other = "1700000000000000003", third = "1700000000000000004";
        indexCapacity = 1;
        startBot();
        List<Lead> old = storeLeads(1, "old");
        outbox.flush();
        List<Lead> several = storeLeads(3, "several");
        outbox.flush();
        storeLeads(1, "new");
        outbox.flush();
        List<FakeDiscord.Message> messages = fake.messages(fake.channel());
        assertThat(messages).hasSize(3);
        FakeDiscord.Message oldMessage = messages.get(0), severalMessage = messages.get(1);
        // the index keeps only the newest message: a reaction and a click on the oldest count through the store
        fake.react(oldMessage, USER, "📝");
        eventually(() -> engagedAndConverted("backend").equals(List.of(1L, 1L)));
        assertThat(events(FeedbackEvent.Type.APPLIED)).singleElement().satisfies(e -> {
            assertThat(e.subject()).isEqualTo(old.getFirst().key());
            assertThat(e.actor()).isEqualTo(USER);
        });
        assertThat(answer(fake.clickButton(oldMessage, "fw:interested", other))).isEqualTo("Recorded: Interested — **old lead 000**");
        assertThat(lookups).contains(fake.channel() + "/" + oldMessage.id());
        // several leads: a reaction is ambiguous there as in the index, a click offers them all and the pick records
        fake.react(severalMessage, USER, "👀");
        String click = fake.clickButton(severalMessage, "fw:won", USER);
        // looked up in the store, so deferred first: the picker is the edit of the deferred reply
        eventually(() -> !fake.responses(click).isEmpty());
        JsonNode menu = fake.responses(click).getLast().path("components").get(0).path("components").get(0);
        assertThat(menu.path("options").findValuesAsText("label")).containsExactly("1. several lead 000", "2. several lead 001", "3. several lead 002");
        String pick = fake.select(severalMessage, menu.path("custom_id").asText(), List.of(LeadPosts.postId(several.get(2).key())), USER);
        assertThat(answer(pick)).startsWith("Recorded: Won");
        assertThat(events(FeedbackEvent.Type.WON)).singleElement().satisfies(e -> assertThat(e.subject()).isEqualTo(several.get(2).key()));
        assertThat(events(FeedbackEvent.Type.INTERESTED)).extracting(FeedbackEvent::subject).containsExactly(old.getFirst().key());
        // a restart of the bot and the store: the store answers from disk
        bot.close();
        bot = null;
        store.close();
        store = MapDbStore.open(dir.resolve("flywheel.db"));
        startBot();
        fake.react(oldMessage, third, "🏆");
        eventually(() -> events(FeedbackEvent.Type.WON).size() == 2);
        assertThat(events(FeedbackEvent.Type.WON)).extracting(FeedbackEvent::subject, FeedbackEvent::actor)
                .contains(org.assertj.core.groups.Tuple.tuple(old.getFirst().key(), third));
        // added and removed at once on an evicted message while the look-up is slow: the removal is passed on after the add was
        // recorded, with the add's time as it came, so it is taken back
        lookupGate = new CompletableFuture<>();
        int asked = lookups.size();
        String via = EngagementAdapter.reaction(oldMessage.id(), "🎉");
        fake.react(oldMessage, other, "🎉");
        fake.unreact(oldMessage, other, "🎉");
        // JDA hands the bot one event at a time, in order: once a reaction sent after those two is looked up, both reached the bot
        fake.react(severalMessage, other, "👀");
        eventually(() -> lookups.size() == asked + 2);
        assertThat(retractions).extracting(io.flywheel.api.feedback.Retraction::via).doesNotContain(via);
        lookupGate.complete(null);
        eventually(() -> events(FeedbackEvent.Type.INTERESTED).stream().anyMatch(e -> e.actor().equals(other)
                && e.replaces().equals(Optional.of(FeedbackEvent.Type.WON))));
        assertThat(store.heldVia(via)).isEmpty();
        // applied and won by USER, interested by other (their click stands), won by third
        assertThat(engagedAndConverted("backend")).containsExactly(4L, 3L);
    }

    @Test
    void aClickOnAMessageOlderThanTheIndexIsAcknowledgedBeforeTheStoreAnswers() {
        indexCapacity = 1;
        startBot();
        List<Lead> old = storeLeads(1, "old");
        outbox.flush();
        storeLeads(1, "new");
        outbox.flush();
        FakeDiscord.Message oldMessage = fake.messages(fake.channel()).getFirst();
        lookupGate = new CompletableFuture<>();
        String click = fake.clickButton(oldMessage, "fw:interested", USER);
        // the store has not answered, yet Discord (which drops an interaction not answered in 3 s) has its deferral
        awaitCallback(click);
        assertThat(fake.callback(click).orElseThrow().path("type").asInt()).isEqualTo(5);
        assertThat(events(FeedbackEvent.Type.INTERESTED)).isEmpty();
        lookupGate.complete(null);
        assertThat(answer(click)).isEqualTo("Recorded: Interested — **old lead 000**");
        assertThat(events(FeedbackEvent.Type.INTERESTED)).extracting(FeedbackEvent::subject).containsExactly(old.getFirst().key());
    }

    @Test
    void aClickWhoseAnswerFailsAfterItWasDeferredIsToldSoRatherThanLeftThinking() {
        indexCapacity = 1;
        startBot();
        storeLeads(1, "old");
        outbox.flush();
        storeLeads(1, "new");
        outbox.flush();
        FakeDiscord.Message oldMessage = fake.messages(fake.channel()).getFirst();
        // two posts with a blank id: building the lead picker fails (a menu option's value may not be blank)
        shown = found -> List.of(new io.flywheel.api.feedback.PostShown("", "a", "A"), new io.flywheel.api.feedback.PostShown("", "b", "B"));
        String click = fake.clickButton(oldMessage, "fw:interested", USER);
        assertThat(answer(click)).isEqualTo("Could not record this click; try again later.");
        assertThat(fake.callback(click).orElseThrow().path("type").asInt()).as("deferred").isEqualTo(5);
        assertThat(events(FeedbackEvent.Type.INTERESTED)).isEmpty();
    }

    @Test
    void aSlowLookUpOnOneMessageHoldsUpNoReactionOnAnother() {
        indexCapacity = 1;
        startBot();
        List<Lead> old = storeLeads(1, "old");
        outbox.flush();
        List<Lead> fresh = storeLeads(1, "new");
        outbox.flush();
        List<FakeDiscord.Message> messages = fake.messages(fake.channel());
        lookupGate = new CompletableFuture<>();
        fake.react(messages.getFirst(), USER, "📝");
        eventually(() -> lookups.size() == 1);
        // the newest message is in the index: its reaction is recorded while the store still looks up the older one's
        fake.react(messages.getLast(), USER, "👀");
        eventually(() -> events(FeedbackEvent.Type.INTERESTED).size() == 1);
        assertThat(events(FeedbackEvent.Type.INTERESTED)).extracting(FeedbackEvent::subject).containsExactly(fresh.getFirst().key());
        assertThat(events(FeedbackEvent.Type.APPLIED)).isEmpty();
        lookupGate.complete(null);
        eventually(() -> events(FeedbackEvent.Type.APPLIED).size() == 1);
        assertThat(events(FeedbackEvent.Type.APPLIED)).extracting(FeedbackEvent::subject).containsExactly(old.getFirst().key());
    }

    @Test
    void theHeadOfASplitPostOlderThanTheIndexStillTakesReactions() {
        textPostsWithoutRetries();
        indexCapacity = 1;
        startBot();
        Lead lead = longLead();
        store.write(new WriteBatch(List.of(lead), List.of(new OutboxEntry("discord", LeadPosts.toPost(lead))), List.of()));
        outbox.flush();
        List<FakeDiscord.Message> parts = fake.messages(fake.channel());
        assertThat(parts).hasSize(2);
        // only the tail is in the index; the head was recorded with the message the host was told showed part of it
        assertThat(store.postsShown("discord", fake.channel() + "/" + parts.get(0).id())).extracting(io.flywheel.api.feedback.PostShown::ref)
                .containsExactly(lead.key());
        fake.react(parts.get(0), USER, "👀");
        eventually(() -> engagedAndConverted("backend").equals(List.of(1L, 0L)));
        assertThat(lookups).containsExactly(fake.channel() + "/" + parts.get(0).id());
    }

    @Test
    void onAPostSplitAcrossMessagesAReactionLeftOnOnePartStillCounts() {
        mode = Packer.Mode.TEXT;
        bodyChars = 4096;
        startBot();
        Lead lead = longLead();
        store.write(new WriteBatch(List.of(lead), List.of(), List.of()));
        bot.send(List.of(LeadPosts.toPost(lead))).join();
        List<FakeDiscord.Message> parts = fake.messages(fake.channel());
        assertThat(parts).hasSize(2);
        fake.react(parts.get(0), USER, "👀");
        fake.react(parts.get(1), USER, "👀");
        fake.unreact(parts.get(0), USER, "👀");
        // JDA hands listeners one event at a time: once the next one is reported, the removal was passed on
        String click = fake.clickButton(parts.get(1), "fw:not_relevant", "1700000000000000003");
        assertThat(answer(click)).startsWith("Recorded: Not relevant");
        assertThat(events(FeedbackEvent.Type.RETRACTED)).isEmpty();
        assertThat(engagedAndConverted("backend")).containsExactly(1L, 0L);
        fake.unreact(parts.get(1), USER, "👀");
        eventually(() -> events(FeedbackEvent.Type.RETRACTED).size() == 1);
        assertThat(engagedAndConverted("backend")).containsExactly(0L, 0L);
    }

    @Test
    void signalPostsCarryNoLeadButtonsAndTakeNoEngagement() {
        startBot();
        io.flywheel.api.output.Post signal = new io.flywheel.api.output.Post("sig-1", io.flywheel.api.output.Post.Kind.SIGNAL, "sma-cross",
                "BTC-USD: long", null, "sma-cross goes long BTC-USD at the next open", List.of(), Instant.parse("2026-01-05T09:00:00Z"));
        bot.send(List.of(signal)).join();
        FakeDiscord.Message signalMessage = fake.messages(fake.channel()).getFirst();
        assertThat(signalMessage.body().path("components")).as("no buttons on a signal").isEmpty();
        // a lead and signals in one batch to one channel: never one message, the buttons only under the lead
        Lead lead = storeLeads(1, "mixed").getFirst();
        io.flywheel.api.output.Post other = new io.flywheel.api.output.Post("sig-2", io.flywheel.api.output.Post.Kind.SIGNAL, "sma-cross",
                "ETH-USD: flat", null, "sma-cross goes flat", List.of(), Instant.parse("2026-01-05T10:00:00Z"));
        io.flywheel.api.output.Post third = new io.flywheel.api.output.Post("sig-3", io.flywheel.api.output.Post.Kind.SIGNAL, "sma-cross",
                "SOL-USD: long", null, "sma-cross goes long", List.of(), Instant.parse("2026-01-05T10:00:00Z"));
        assertThat(bot.send(List.of(other, LeadPosts.toPost(lead), third)).join()).extracting(io.flywheel.api.output.Delivery::postId)
                .containsExactly("sig-2", LeadPosts.postId(lead.key()), "sig-3");
        List<FakeDiscord.Message> batch = fake.messages(fake.channel()).subList(1, 4);
        assertThat(batch).extracting(m -> m.embeds().getFirst().path("title").asText()).containsExactly("ETH-USD: flat", "mixed lead 000", "SOL-USD: long");
        assertThat(batch).extracting(m -> m.body().path("components").size()).containsExactly(0, 1, 0);
        FakeDiscord.Message mixed = batch.get(1);
        String click = fake.clickButton(mixed, "fw:applied", USER);
        assertThat(answer(click)).startsWith("Recorded: Applied — **mixed lead 000**");
        fake.react(batch.get(2), USER, "📝");
        // a reaction on the signal is nobody's engagement: listeners see events in order, so once the next one is reported, it was passed over
        fake.react(signalMessage, USER, "🏆");
        fake.unreact(signalMessage, USER, "🏆");
        String after = fake.clickButton(mixed, "fw:won", USER);
        assertThat(answer(after)).startsWith("Recorded: Won");
        assertThat(reported).extracting(io.flywheel.api.feedback.Engagement::ref).containsOnly(lead.key());
        assertThat(events(FeedbackEvent.Type.RETRACTED)).isEmpty();
    }

    @Test
    void connectsWithoutBlockingUsingTheFewestIntentsAndRegistersGuildCommands() {
        startBot();
        assertThat(fake.identifiedIntents()).isEqualTo(1 | 1 << 10); // GUILDS, GUILD_MESSAGE_REACTIONS: nothing privileged
        eventually(() -> fake.registeredCommands(FakeDiscord.GUILD_ID).isPresent());
        JsonNode commands = fake.registeredCommands(FakeDiscord.GUILD_ID).orElseThrow();
        assertThat(commands.findValuesAsText("name")).contains("leads", "post_leads", "stats", "weights", "strategies", "convert", "sources", "rules", "plugins", "status", "help");
        for (JsonNode c : commands) {
            assertThat(c.path("description").asText()).isNotBlank();
            if (c.path("name").asText().equals("sources")) {
                assertThat(c.path("options").get(0).path("autocomplete").asBoolean()).isTrue();
            }
            if (c.path("name").asText().equals("rules")) {
                assertThat(c.path("options").get(0).path("choices").findValuesAsText("value")).containsExactly("test", "reload", "rollback", "update", "freeze",
                        "unfreeze", "shadow", "promote");
            }
        }
    }

    @Test
    void postLeadsPostsPackedMessagesWithButtonsAndReportsProgress() {
        startBot();
        storeLeads(25, "hackernews");
        String interaction = fake.slashCommand("post_leads", Map.of(), USER, List.of(), fake.channel());
        await().atMost(Duration.ofSeconds(20)).until(() -> fake.edits().stream().anyMatch(e -> e.path("content").asText().startsWith("Posted 25 post(s)")));
        assertThat(fake.callback(interaction).orElseThrow().path("type").asInt()).as("deferred reply").isEqualTo(5);
        List<FakeDiscord.Message> messages = fake.messages(fake.channel());
        assertThat(messages).extracting(m -> m.embeds().size()).containsExactly(10, 10, 5);
        assertThat(postedTitles(fake.channel())).isEqualTo(IntStream.range(0, 25).mapToObj(i -> String.format("hackernews lead %03d", i)).toList());
        for (FakeDiscord.Message m : messages) {
            assertThat(m.body().path("components").get(0).path("components").findValuesAsText("custom_id"))
                    .containsExactly("fw:interested", "fw:applied", "fw:won", "fw:not_relevant");
            assertThat(m.body().path("allowed_mentions").path("parse")).isEmpty();
        }
        assertThat(store.pendingCount("discord")).isZero();
        assertThat(events(FeedbackEvent.Type.POSTED)).hasSize(25);
    }

    @Test
    void aButtonClickLandsInTheFeedbackLogAndAUserCountsOncePerLeadAtTheirStrongestStep() {
        startBot();
        List<Lead> leads = storeLeads(1, "digest");
        outbox.flush();
        FakeDiscord.Message message = fake.messages(fake.channel()).getFirst();
        String first = fake.clickButton(message, "fw:interested", USER);
        assertThat(answer(first)).startsWith("Recorded: Interested");
        String again = fake.clickButton(message, "fw:interested", USER);
        assertThat(answer(again)).startsWith("Already recorded");
        String applied = fake.clickButton(message, "fw:applied", USER);
        assertThat(answer(applied)).startsWith("Recorded: Applied");
        String won = fake.clickButton(message, "fw:won", USER);
        assertThat(answer(won)).startsWith("Recorded: Won");
        assertThat(fake.callback(first).orElseThrow().path("type").asInt()).as("deferred").isEqualTo(5);
        assertThat(fake.callback(first).orElseThrow().path("data").path("flags").asInt() & 64).as("ephemeral").isEqualTo(64);
        // Interested, Applied and Won by one user on one lead: engaged once, converted once
        assertThat(engagedAndConverted("backend")).containsExactly(1L, 1L);
        assertThat(events(FeedbackEvent.Type.INTERESTED)).singleElement().satisfies(e -> {
            assertThat(e.subject()).isEqualTo(leads.getFirst().key());
            assertThat(e.actor()).isEqualTo(USER);
            assertThat(e.platform()).isEqualTo("digest");
        });
        assertThat(events(FeedbackEvent.Type.WON)).hasSize(1);
    }

    @Test
    void onAMessageWithSeveralLeadsTheClickAsksWhichAndThePickRecordsIt() {
        startBot();
        List<Lead> leads = storeLeads(3, "hackernews");
        outbox.flush();
        FakeDiscord.Message message = fake.messages(fake.channel()).getFirst();
        String click = fake.clickButton(message, "fw:applied", USER);
        awaitCallback(click);
        JsonNode menu = fake.callback(click).orElseThrow().path("data").path("components").get(0).path("components").get(0);
        assertThat(menu.path("options").findValuesAsText("label")).containsExactly("1. hackernews lead 000", "2. hackernews lead 001", "3. hackernews lead 002");
        assertThat(events(FeedbackEvent.Type.APPLIED)).isEmpty();
        String pick = fake.select(message, menu.path("custom_id").asText(), List.of(LeadPosts.postId(leads.get(1).key())), USER);
        assertThat(answer(pick)).startsWith("Recorded: Applied");
        assertThat(events(FeedbackEvent.Type.APPLIED)).singleElement().satisfies(e -> assertThat(e.subject()).isEqualTo(leads.get(1).key()));
    }

    @Test
    void aTextMessageWithMoreThan25LeadsOffersThemAllInMenusOf25() {
        // Short posts without a body: one text message carries 30 of them, more than one select menu takes.
        mode = Packer.Mode.TEXT;
        bodyChars = 0;
        startBot();
        List<Lead> leads = new ArrayList<>();
        List<OutboxEntry> posts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String key = "https://e.co/" + i;
            Lead l = new Lead(key, "src", "x", "L" + i, key, null, null, null, null, Instant.parse("2026-01-05T09:00:00Z").plusSeconds(i), Instant.now(),
                    List.of(), 5);
            leads.add(l);
            posts.add(new OutboxEntry("discord", LeadPosts.toPost(l)));
        }
        store.write(new WriteBatch(leads, posts, List.of()));
        outbox.flush();
        assertThat(fake.messages(fake.channel())).hasSize(1);
        FakeDiscord.Message message = fake.messages(fake.channel()).getFirst();
        String click = fake.clickButton(message, "fw:interested", USER);
        awaitCallback(click);
        JsonNode rows = fake.callback(click).orElseThrow().path("data").path("components");
        assertThat(rows).hasSize(2);
        JsonNode first = rows.get(0).path("components").get(0);
        JsonNode second = rows.get(1).path("components").get(0);
        assertThat(first.path("options").findValuesAsText("label")).hasSize(25).startsWith("1. L0").endsWith("25. L24");
        assertThat(second.path("options").findValuesAsText("label")).containsExactly("26. L25", "27. L26", "28. L27", "29. L28", "30. L29");
        assertThat(second.path("max_values").asInt()).isEqualTo(5);
        String pick = fake.select(message, second.path("custom_id").asText(), List.of(LeadPosts.postId(leads.get(27).key())), USER);
        assertThat(answer(pick)).startsWith("Recorded: Interested");
        assertThat(events(FeedbackEvent.Type.INTERESTED)).singleElement().satisfies(e -> assertThat(e.subject()).isEqualTo(leads.get(27).key()));
    }

    @Test
    void reactionsCountOnOneLeadMessagesOnly() {
        startBot();
        storeLeads(1, "solo");
        outbox.flush();
        storeLeads(2, "pair");
        outbox.flush();
        List<FakeDiscord.Message> messages = fake.messages(fake.channel());
        fake.react(messages.get(1), USER, "👎");
        fake.react(messages.get(0), USER, "🏆");
        eventually(() -> events(FeedbackEvent.Type.WON).size() == 1);
        assertThat(events(FeedbackEvent.Type.WON).getFirst().subject()).isEqualTo("https://example.org/solo/0");
        assertThat(events(FeedbackEvent.Type.NOT_RELEVANT)).isEmpty();
    }

    @Test
    void reactionsOfOtherBotsDoNotCount() {
        startBot();
        FakeDiscord.Message message = postOneLead("solo");
        // Another bot in the server that reacts to every message (a poll or a starboard bot) is not an audience.
        fake.react(message, "1700000000000000009", "👍", true);
        fake.react(message, USER, "👍");
        // Listeners see events one at a time, in order: once the person's reaction is reported, the bot's was handled.
        eventually(() -> reported.stream().anyMatch(e -> e.userId().equals(USER)));
        assertThat(reported).singleElement().satisfies(e -> assertThat(e.userId()).isEqualTo(USER));
        eventually(() -> events(FeedbackEvent.Type.INTERESTED).size() == 1);
        assertThat(events(FeedbackEvent.Type.INTERESTED)).singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo(USER));
    }

    @Test
    void aNonAdminsRulesReloadIsRefusedPrivatelyAndAudited() {
        startBot();
        String interaction = fake.slashCommand("rules", Map.of("action", "reload"), USER, List.of(), fake.channel());
        awaitCallback(interaction);
        JsonNode reply = fake.callback(interaction).orElseThrow();
        assertThat(reply.path("type").asInt()).isEqualTo(4);
        assertThat(reply.path("data").path("flags").asInt() & 64).isEqualTo(64);
        assertThat(reply.path("data").path("content").asText()).contains("is for admins only");
        assertThat(events(FeedbackEvent.Type.AUDIT)).singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo(USER));

        String admin = fake.slashCommand("rules", Map.of("action", "reload"), ADMIN, List.of(), fake.channel());
        awaitCallback(admin);
        assertThat(fake.callback(admin).orElseThrow().path("data").path("content").asText()).contains("not available in this build");
    }

    @Test
    void autocompleteOffersSourceIds() {
        startBot();
        String interaction = fake.autocomplete("sources", "run", "hn", USER, fake.channel());
        awaitCallback(interaction);
        JsonNode reply = fake.callback(interaction).orElseThrow();
        assertThat(reply.path("type").asInt()).isEqualTo(8);
        assertThat(reply.path("data").path("choices").findValuesAsText("value")).containsExactly("hn-hiring");
    }

    @Test
    void aRateLimitStormAndServerErrorBurstsLoseNothingAndKeepOrderPerChannel() {
        String second = fake.addChannel("signals");
        startBot("", Map.of("digest", second));
        storeLeads(30, "hackernews");
        storeLeads(12, "digest");
        fake.tooManyNext(4, 0);
        fake.failNext(500, 6);
        for (int round = 0; round < 10 && store.pendingCount("discord") > 0; round++) {
            outbox.flush();
        }
        assertThat(store.pendingCount("discord")).isZero();
        assertThat(fake.status429()).isEqualTo(4);
        assertThat(postedTitles(fake.channel())).isEqualTo(IntStream.range(0, 30).mapToObj(i -> String.format("hackernews lead %03d", i)).toList());
        assertThat(postedTitles(second)).isEqualTo(IntStream.range(0, 12).mapToObj(i -> String.format("digest lead %03d", i)).toList());
        assertThat(events(FeedbackEvent.Type.POSTED)).hasSize(42);
    }

    @Test
    void sendingTheSameBatchAgainAfterACrashPostsNothingTwice() {
        startBot();
        List<io.flywheel.api.output.Post> posts = storeLeads(12, "hackernews").stream().map(LeadPosts::toPost).toList();
        List<io.flywheel.api.output.Delivery> first = bot.send(posts).join();
        // As if the process died before the store recorded these deliveries: the outbox offers them again.
        List<io.flywheel.api.output.Delivery> again = bot.send(posts).join();
        assertThat(fake.messages(fake.channel())).hasSize(2);
        assertThat(again).isEqualTo(first);
    }

    @Test
    void aOneLeadMessageSentAgainAfterACrashStillTakesReactionsAndClicksAfterARestart() throws Exception {
        startBot();
        List<Lead> leads = storeLeads(1, "solo");
        List<io.flywheel.api.output.Post> posts = leads.stream().map(LeadPosts::toPost).toList();
        bot.send(posts).join();
        // As if the process died before the store recorded the delivery: sent again, Discord returns the same message.
        bot.send(posts).join();
        bot.close();
        bot = null;
        startBot();
        FakeDiscord.Message message = fake.messages(fake.channel()).getFirst();
        fake.react(message, USER, "🏆");
        String click = fake.clickButton(message, "fw:interested", USER);
        assertThat(answer(click)).startsWith("Recorded: Interested");
        eventually(() -> !events(FeedbackEvent.Type.WON).isEmpty());
        assertThat(events(FeedbackEvent.Type.WON)).singleElement().satisfies(e -> assertThat(e.subject()).isEqualTo(leads.getFirst().key()));
        // the reaction's Won and the click's Interested: one user, engaged once, converted once
        assertThat(engagedAndConverted("backend")).containsExactly(1L, 1L);
    }

    @Test
    void aPostDiscordRefusesForWhatItSaysIsRefusedAloneAndTheRestIsPostedInOrder() {
        startBot();
        fake.refuseEmbedTitled("hackernews lead 003");
        storeLeads(12, "hackernews");
        outbox.flush();

        assertThat(postedTitles(fake.channel())).isEqualTo(IntStream.range(0, 12).filter(i -> i != 3)
                .mapToObj(i -> String.format("hackernews lead %03d", i)).toList());
        assertThat(store.pendingCount("discord")).isZero();
        assertThat(store.messageRef("discord", LeadPosts.postId("https://example.org/hackernews/3"))).hasValueSatisfying(ref -> assertThat(ref)
                .startsWith("refused: Discord refused the message (400").contains("embeds[0].url").contains("Not a well formed URL."));
        assertThat(events(FeedbackEvent.Type.POSTED)).hasSize(11);
    }

    @Test
    void aSplitPostRefusedForItsTailIsRefusedWithoutPostingItsHeadAgain() {
        mode = Packer.Mode.TEXT;
        bodyChars = 4096;
        startBot();
        // The middle lead is 3,600 characters of text: its head goes out with the first lead, its tail with the last one.
        String longBody = String.join(" ", IntStream.range(0, 600).mapToObj(i -> String.format("a%04d", i)).toList());
        List<Lead> leads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String key = "https://example.org/split/" + i;
            leads.add(new Lead(key, "src", "hackernews", "split lead " + i, key, i == 1 ? longBody : "Backend role " + i, "Acme", null, null,
                    Instant.parse("2026-01-05T09:00:00Z").plusSeconds(i), Instant.now(), List.of("backend"), 5));
        }
        store.write(new WriteBatch(leads, leads.stream().map(l -> new OutboxEntry("discord", LeadPosts.toPost(l))).toList(), List.of()));
        fake.refuseContentContaining("a0500", "CONTENT_INVALID", "Invalid content.");
        outbox.flush();

        List<FakeDiscord.Message> shown = fake.messages(fake.channel());
        assertThat(shown).extracting(FakeDiscord.Message::content).as("the first lead with the head of the second; the third alone").satisfiesExactly(
                first -> assertThat(first).contains("split lead 0", "split lead 1", "a0000").doesNotContain("a0500"),
                last -> assertThat(last).contains("split lead 2").doesNotContain("split lead 1", "a0"));
        assertThat(store.pendingCount("discord")).isZero();
        assertThat(store.messageRef("discord", LeadPosts.postId(leads.get(1).key()))).hasValueSatisfying(ref -> assertThat(ref)
                .startsWith("refused: Discord refused the message (400").contains("content: Invalid content.")
                .endsWith("(its first part was posted, in " + fake.channel() + "/" + shown.getFirst().id() + ")"));
        assertThat(store.messageRef("discord", LeadPosts.postId(leads.get(2).key()))).hasValue(fake.channel() + "/" + shown.getLast().id());
        assertThat(events(FeedbackEvent.Type.POSTED)).hasSize(2);
    }

    /** Three leads, the middle one 3,600 characters of text: its head goes out with the first lead, its tail with the last one. */
    private List<Lead> storeSplitLeads() {
        String longBody = String.join(" ", IntStream.range(0, 600).mapToObj(i -> String.format("a%04d", i)).toList());
        List<Lead> leads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String key = "https://example.org/split/" + i;
            leads.add(new Lead(key, "src", "hackernews", "split lead " + i, key, i == 1 ? longBody : "Backend role " + i, "Acme", null, null,
                    Instant.parse("2026-01-05T09:00:00Z").plusSeconds(i), Instant.now(), List.of("backend"), 5));
        }
        store.write(new WriteBatch(leads, leads.stream().map(l -> new OutboxEntry("discord", LeadPosts.toPost(l))).toList(), List.of()));
        return leads;
    }

    /** The numbered words of the long lead as the channel shows them, in order. */
    private List<String> splitWordsShown() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("a\\d{4}").matcher(String.join("\n", fake.messages(fake.channel()).stream().map(FakeDiscord.Message::content).toList()));
        List<String> words = new ArrayList<>();
        while (m.find()) {
            words.add(m.group());
        }
        return words;
    }

    /** The message with the long lead's tail fails (no retries here), after the one with its head went through. */
    private void firstFlushPostsOnlyTheHead() {
        fake.failNextContaining("a0599", 500, 1);
        outbox.flush();
        assertThat(fake.messages(fake.channel())).singleElement().satisfies(m -> assertThat(m.content()).contains("split lead 0", "split lead 1", "a0000")
                .doesNotContain("a0599"));
        assertThat(store.pendingCount("discord")).isEqualTo(2);
    }

    private void nextFlushPostsOnlyTheRest(List<Lead> leads) {
        outbox.flush();
        List<FakeDiscord.Message> shown = fake.messages(fake.channel());
        assertThat(shown).hasSize(2);
        assertThat(splitWordsShown()).as("every word of the long lead once, in order")
                .isEqualTo(IntStream.range(0, 600).mapToObj(i -> String.format("a%04d", i)).toList());
        assertThat(shown.getLast().content()).contains("a0599", "split lead 2").doesNotContain("split lead 0", "split lead 1");
        assertThat(store.pendingCount("discord")).isZero();
        assertThat(store.messageRef("discord", LeadPosts.postId(leads.get(1).key()))).hasValue(fake.channel() + "/" + shown.getLast().id());
        assertThat(events(FeedbackEvent.Type.POSTED)).hasSize(3);
    }

    @Test
    void aSplitPostWhoseTailWasNotSentPostsOnlyItsTailOnTheNextFlush() {
        textPostsWithoutRetries();
        startBot();
        List<Lead> leads = storeSplitLeads();
        firstFlushPostsOnlyTheHead();
        nextFlushPostsOnlyTheRest(leads);
    }

    @Test
    void aSplitPostWhoseTailWasNotSentPostsOnlyItsTailAfterARestart() throws Exception {
        textPostsWithoutRetries();
        startBot();
        List<Lead> leads = storeSplitLeads();
        firstFlushPostsOnlyTheHead();
        // A new process: the bot, the store over the same file and the outbox all new; only the store knows how far the lead got.
        bot.close();
        store.close();
        store = MapDbStore.open(dir.resolve("flywheel.db"));
        startBot();
        nextFlushPostsOnlyTheRest(leads);
    }

    @Test
    void aSplitPostRoutedToAnotherChannelSinceItsHeadWasPostedIsSentWholeThere() throws Exception {
        textPostsWithoutRetries();
        startBot();
        List<Lead> leads = storeSplitLeads();
        firstFlushPostsOnlyTheHead();
        // The operator routes the platform to another channel and restarts: the tail alone there would start mid-sentence.
        bot.close();
        String second = fake.addChannel("moved");
        startBot("", Map.of("hackernews", second));
        outbox.flush();
        assertThat(store.pendingCount("discord")).isZero();
        assertThat(fake.messages(fake.channel())).hasSize(1);
        String there = String.join("\n", fake.messages(second).stream().map(FakeDiscord.Message::content).toList());
        assertThat(there).contains("split lead 1", "a0000", "a0599", "split lead 2").doesNotContain("split lead 0");
        assertThat(store.messageRef("discord", LeadPosts.postId(leads.get(1).key()))).hasValueSatisfying(ref -> assertThat(ref).startsWith(second + "/"));
    }

    @Test
    void aPostTooLongForOneTextMessageIsPostedWholeAndItsClicksCountAfterARestart() throws Exception {
        mode = Packer.Mode.TEXT;
        bodyChars = 4096;
        startBot();
        Lead lead = longLead();
        store.write(new WriteBatch(List.of(lead), List.of(new OutboxEntry("discord", LeadPosts.toPost(lead))), List.of()));
        List<io.flywheel.api.output.Delivery> delivered = bot.send(List.of(LeadPosts.toPost(lead))).join();

        List<FakeDiscord.Message> parts = fake.messages(fake.channel());
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).content() + parts.get(1).content()).contains("word0 ", "word199 ", "word399");
        assertThat(delivered).singleElement().satisfies(d -> assertThat(d.messageRef()).endsWith("/" + parts.get(1).id()));

        // Both parts carry the lead: after a restart (the index read back from its file) a reaction on the last part still counts.
        bot.close();
        bot = null;
        startBot();
        fake.react(parts.get(1), USER, "🏆");
        eventually(() -> !events(FeedbackEvent.Type.WON).isEmpty());
        assertThat(events(FeedbackEvent.Type.WON)).singleElement().satisfies(e -> assertThat(e.subject()).isEqualTo(lead.key()));
    }

    @Test
    void aPluginCommandStillRunningGetsADeferredReplyThatItsAnswerReplaces() {
        CompletableFuture<CommandReply> answer = new CompletableFuture<>();
        io.flywheel.api.command.BotCommand slow = new io.flywheel.api.command.BotCommand() {
            @Override
            public CommandSpec spec() {
                return new CommandSpec("backtest", "A long backtest", List.of(), false);
            }

            @Override
            public CompletableFuture<CommandReply> handle(CommandCall call) {
                return answer;
            }
        };
        startBot("", Map.of(), Duration.ofMillis(100), List.of(slow));
        String interaction = fake.slashCommand("backtest", Map.of(), USER, List.of(), fake.channel());
        awaitCallback(interaction);
        assertThat(fake.callback(interaction).orElseThrow().path("type").asInt()).as("deferred").isEqualTo(5);
        answer.complete(CommandReply.of("Backtest done: +4.2%"));
        eventually(() -> fake.edits().stream().anyMatch(e -> e.path("content").asText().equals("Backtest done: +4.2%")));
    }

    @Test
    void chartsAttachedToRepliesAreUploadedWithTheAnswerAndWithTheDeferredEdit() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 1, 2, 3, (byte) 0xff};
        CompletableFuture<CommandReply> answer = new CompletableFuture<>();
        io.flywheel.api.command.BotCommand slow = new io.flywheel.api.command.BotCommand() {
            @Override
            public CommandSpec spec() {
                return new CommandSpec("report", "A slow report with a chart", List.of(), false);
            }

            @Override
            public CompletableFuture<CommandReply> handle(CommandCall call) {
                return answer;
            }
        };
        io.flywheel.engine.learning.Charts.weights(List.of(), "warm up", 1); // the first chart loads fonts; keep /weights under the deferral time
        startBot("", Map.of(), Duration.ofMillis(1500), List.of(slow));

        // /weights answers at once, with its chart as a file of the interaction response
        String weights = fake.slashCommand("weights", Map.of(), USER, List.of(), fake.channel());
        eventually(() -> fake.callback(weights).isPresent() && !fake.uploads().isEmpty());
        assertThat(fake.callback(weights).orElseThrow().path("data").path("content").asText()).contains("Keyword weights", "backend");
        assertThat(fake.uploads()).singleElement().satisfies(u -> {
            assertThat(u.route()).startsWith("/interactions/" + weights + "/").endsWith("/callback");
            assertThat(u.filename()).isEqualTo("weights.png");
            assertThat(java.util.Arrays.copyOf(u.data(), 4)).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
            assertThat(u.data().length).isGreaterThan(1000);
        });

        // a reply that comes after the deferral carries its file in the edit
        String report = fake.slashCommand("report", Map.of(), USER, List.of(), fake.channel());
        awaitCallback(report);
        answer.complete(CommandReply.of("Report ready").with(CommandReply.Attachment.png("report.png", png)));
        eventually(() -> fake.uploads().size() == 2);
        FakeDiscord.Upload edited = fake.uploads().getLast();
        assertThat(edited.route()).endsWith("/messages/@original");
        assertThat(edited.filename()).isEqualTo("report.png");
        assertThat(edited.data()).isEqualTo(png);
        assertThat(fake.edits()).anyMatch(e -> e.path("content").asText().equals("Report ready"));
    }

    @Test
    void prefixCommandsNeedTheMessageContentIntent() {
        startBot("!", Map.of());
        assertThat(fake.identifiedIntents() & (1 << 15 | 1 << 9)).isEqualTo(1 << 15 | 1 << 9);
        CommandCall call = CommandAdapter.parsePrefix("leads hackernews limit:3", bot.intents().isEmpty() ? List.of() : specs(), USER, List.of(), "1");
        assertThat(call.options()).containsEntry("platform", "hackernews").containsEntry("limit", "3");
    }

    @Test
    void aPrefixCommandsReplyPingsNobodyWhateverTheUserTyped() {
        startBot("!", Map.of());
        fake.userMessage("!leads platform:@everyone", USER, fake.channel());
        eventually(() -> !fake.messages(fake.channel()).isEmpty());
        FakeDiscord.Message reply = fake.messages(fake.channel()).getLast();
        assertThat(reply.content()).contains("@everyone");
        // Without allowed_mentions Discord applies its default: every @everyone, role and user mention in the text pings.
        assertThat(reply.body().path("allowed_mentions").path("parse").isArray()).as(reply.body().toString()).isTrue();
        assertThat(reply.body().path("allowed_mentions").path("parse")).isEmpty();
        assertThat(reply.body().path("allowed_mentions").path("users")).isEmpty();
    }

    private List<CommandSpec> specs() {
        return List.of(new CommandSpec("leads", "l", List.of(new CommandSpec.Option("platform", "p", CommandSpec.Type.STRING, false, List.of()),
                new CommandSpec.Option("limit", "l", CommandSpec.Type.INTEGER, false, List.of())), false));
    }

    /** The host's router, set once built (it needs the outbox, which needs the bot). */
    static final class Forward implements CommandDispatcher {
        volatile CommandDispatcher target;

        @Override
        public List<CommandSpec> specs() {
            return target.specs();
        }

        @Override
        public CompletableFuture<CommandReply> dispatch(CommandCall call) {
            return target.dispatch(call);
        }

        @Override
        public CompletableFuture<CommandReply> dispatch(CommandCall call, CommandProgress progress) {
            return target.dispatch(call, progress);
        }

        @Override
        public List<String> complete(String command, String option, String prefix) {
            return target.complete(command, option, prefix);
        }
    }
}
