package io.flywheel.plugins.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.output.Post;
import io.flywheel.discord.Packer;
import io.flywheel.engine.output.OutboxDispatcher;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.store.OutboxEntry;
import io.flywheel.engine.store.WriteBatch;
import io.flywheel.testkit.FakeDiscord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A post split over several messages whose head Discord accepted before a later message could not
 * be sent: the next attempt, in the same process or after a restart, sends only the rest, through
 * the real outbox in a real store.
 */
class WebhookSplitPostTest {
    /** 600 numbered words, 3,600 characters: too long for one text message (2,000), so it goes out as a head and a tail. */
    static final String LONG_BODY = String.join(" ", IntStream.range(0, 600).mapToObj(i -> String.format("w%04d", i)).toList());

    @TempDir
    Path dir;
    @RegisterExtension
    final WebhookFixture hook = new WebhookFixture();
    FakeDiscord fake;
    MapDbStore store;
    WebhookOutput output;
    OutboxDispatcher outbox;

    @BeforeEach
    void setUp() {
        fake = hook.fake();
        open();
    }

    @AfterEach
    void tearDown() {
        output.close();
        store.close();
    }

    @Test
    void aSplitPostWhoseWebhookWasReplacedSinceItsHeadWasPostedIsSentWholeThroughTheNewOne() {
        queue();
        firstFlushLosesTheTail();
        // The operator points the output at another webhook (another channel, in Discord) and restarts.
        hook.replaceWebhook();
        restart();
        OutboxDispatcher.Flush second = outbox.flush();
        assertThat(second.delivered()).containsEntry("hook", 2);
        assertThat(store.pendingCount("hook")).isZero();
        List<FakeDiscord.Message> now = fake.messages().subList(1, fake.messages().size());
        assertThat(String.join("\n", now.stream().map(FakeDiscord.Message::content).toList())).as("the long post from its start, not its tail alone")
                .contains("Post 1", "w0000", "w0599", "Post 2").doesNotContain("Post 0");
    }

    /** Opens the store over its file and a new output on it, as a process starting does. */
    private void open() {
        store = MapDbStore.open(dir.resolve("flywheel.db"));
        output = hook.output(Packer.Mode.TEXT, 4096, dir.resolve("work"));
        outbox = new OutboxDispatcher(store, store, Map.of("hook", output), hook.clock);
    }

    private void restart() {
        output.close();
        store.close();
        open();
    }

    /** A short post, the long one, a short one: the long one's head shares the first message, its tail the second. */
    private List<Post> queue() {
        List<Post> posts = IntStream.range(0, 3).mapToObj(i -> new Post("p" + i, Post.Kind.NOTICE, null, "Post " + i, null,
                i == 1 ? LONG_BODY : "short body " + i, List.of(), Instant.parse("2026-01-05T09:00:00Z"))).toList();
        store.write(new WriteBatch(List.of(), posts.stream().map(p -> new OutboxEntry("hook", p)).toList(), List.of()));
        return posts;
    }

    /** How often each numbered word of the long post is in the channel, in channel order. */
    private List<String> wordsShown() {
        Matcher m = Pattern.compile("w\\d{4}").matcher(String.join("\n", fake.messages().stream().map(FakeDiscord.Message::content).toList()));
        List<String> words = new java.util.ArrayList<>();
        while (m.find()) {
            words.add(m.group());
        }
        return words;
    }

    private static List<String> allWords() {
        return IntStream.range(0, 600).mapToObj(i -> String.format("w%04d", i)).toList();
    }

    /** The tail message cannot be sent (the connection drops on every attempt) while the head went through. */
    private void firstFlushLosesTheTail() {
        firstFlushLosesTheTail(0, 4);
        assertThat(hook.scheduler.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    /** The tail message fails {@code times} times with {@code status} (0: the connection drops), enough for the output to give up for now. */
    private void firstFlushLosesTheTail(int status, int times) {
        fake.failNextContaining("w0599", status, times);
        OutboxDispatcher.Flush first = outbox.flush();
        assertThat(first.delivered()).containsEntry("hook", 1);
        assertThat(fake.messages()).singleElement().satisfies(m -> assertThat(m.content()).contains("Post 0", "Post 1", "w0000").doesNotContain("w0599"));
        assertThat(store.pendingCount("hook")).isEqualTo(2);
    }

    private void secondFlushSendsOnlyTheRest() {
        OutboxDispatcher.Flush second = outbox.flush();

        assertThat(second.delivered()).containsEntry("hook", 2);
        assertThat(store.pendingCount("hook")).isZero();
        assertThat(fake.messages()).hasSize(2);
        assertThat(wordsShown()).as("every word of the long post once, in order").isEqualTo(allWords());
        assertThat(fake.messages().getLast().content()).as("the tail goes on without the post's title").doesNotContain("Post 0", "Post 1").contains("w0599", "Post 2");
        assertThat(store.messageRef("hook", "p1")).hasValue(fake.messages().getLast().id());
        assertThat(store.messageRef("hook", "p2")).hasValue(fake.messages().getLast().id());
    }

    @Test
    void aSplitPostWhoseTailFailedSendsOnlyItsTailOnTheNextFlush() {
        queue();
        firstFlushLosesTheTail();
        secondFlushSendsOnlyTheRest();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "status {0} x {1}")
    @org.junit.jupiter.params.provider.CsvSource({"503, 4", "429, " + (WebhookOutput.MAX_RATE_LIMITED + 1)})
    void aSplitPostWhoseTailWasRefusedForNowSendsOnlyItsTailOnTheNextFlush(int status, int times) {
        queue();
        firstFlushLosesTheTail(status, times);
        secondFlushSendsOnlyTheRest();
    }

    @Test
    void aSplitPostWhoseTailFailedSendsOnlyItsTailAfterARestart() {
        queue();
        firstFlushLosesTheTail();
        restart();
        secondFlushSendsOnlyTheRest();
    }
}
