package io.flywheel.plugins.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Post;
import io.flywheel.discord.Packer;
import io.flywheel.testkit.FakeDiscord;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The webhook output against the fake Discord, on a manual clock: no test waits for real. */
class WebhookOutputTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final WebhookFixture hook = new WebhookFixture();

    private WebhookOutput output(Packer.Mode mode) {
        return output(mode, 280);
    }

    private WebhookOutput output(Packer.Mode mode, int bodyChars) {
        return hook.output(mode, bodyChars, dir);
    }

    static List<Post> posts(int n) {
        List<Post> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Post("p" + i, Post.Kind.LEAD, "https://example.org/" + i, String.format("Lead %03d", i), "https://example.org/" + i,
                    "Remote backend role. ".repeat(10), List.of(new Post.Field("Score", "4.0", true)), Instant.parse("2026-01-05T09:00:00Z")));
        }
        return out;
    }

    private List<String> postedTitles() {
        List<String> titles = new ArrayList<>();
        hook.fake().messages().forEach(m -> m.embeds().forEach(e -> titles.add(e.path("title").asText())));
        return titles;
    }

    @Test
    void packsPostsIntoTheFewestMessagesInOrderAndWaitsForTheirIds() {
        List<Delivery> deliveries = output(Packer.Mode.EMBEDS).send(posts(25)).join();
        assertThat(hook.fake().calls(FakeDiscord.EXECUTE_WEBHOOK)).isEqualTo(3);
        assertThat(hook.fake().messages()).extracting(m -> m.embeds().size()).containsExactly(10, 10, 5);
        assertThat(postedTitles()).isEqualTo(IntStream.range(0, 25).mapToObj(i -> String.format("Lead %03d", i)).toList());
        assertThat(deliveries).extracting(Delivery::postId).isEqualTo(IntStream.range(0, 25).mapToObj(i -> "p" + i).toList());
        assertThat(deliveries.getFirst().messageRef()).isEqualTo(hook.fake().messages().getFirst().id());
        assertThat(hook.fake().messages().getFirst().body().path("username").asText()).isEqualTo("Flywheel");
        assertThat(hook.fake().calls()).allSatisfy(c -> assertThat(c.path()).doesNotContain("wait=false"));
    }

    @Test
    void textModeSendsWholeLeadsInContent() {
        output(Packer.Mode.TEXT).send(posts(12)).join();
        assertThat(hook.fake().messages()).allSatisfy(m -> assertThat(m.content().length()).isLessThanOrEqualTo(2000));
        assertThat(String.join("\n\n", hook.fake().messages().stream().map(FakeDiscord.Message::content).toList())).contains("**Lead 000**").contains("**Lead 011**");
    }

    @Test
    void waitsOutAnEmptyBucketFromTheHeadersInsteadOfHitting429() {
        hook.fake().bucket(FakeDiscord.EXECUTE_WEBHOOK, 2, Duration.ofSeconds(5));
        List<Delivery> deliveries = output(Packer.Mode.EMBEDS).send(posts(50)).join();
        assertThat(deliveries).hasSize(50);
        assertThat(hook.fake().calls(FakeDiscord.EXECUTE_WEBHOOK)).isEqualTo(5);
        assertThat(hook.fake().status429()).isZero();
        assertThat(hook.scheduler.sleeps()).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void honoursRetryAfterOnA429AndLosesNothing() {
        hook.fake().tooManyNext(3, 1.25);
        List<Delivery> deliveries = output(Packer.Mode.EMBEDS).send(posts(20)).join();
        assertThat(deliveries).hasSize(20);
        assertThat(hook.fake().status429()).isEqualTo(3);
        assertThat(hook.scheduler.sleeps()).containsExactly(Duration.ofMillis(1250), Duration.ofMillis(1250), Duration.ofMillis(1250));
        assertThat(postedTitles()).hasSize(20).doesNotHaveDuplicates();
    }

    @Test
    void retriesServerErrorsWithBackoff() {
        hook.fake().failNext(502, 2);
        assertThat(output(Packer.Mode.EMBEDS).send(posts(5)).join()).hasSize(5);
        assertThat(hook.scheduler.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void afterTooManyServerErrorsItStopsInOrderAndKeepsTheRest() {
        WebhookOutput out = output(Packer.Mode.EMBEDS);
        List<Delivery> first = out.send(posts(15)).join();
        assertThat(first).hasSize(15);
        hook.fake().failNext(503, 4);
        List<Post> next = posts(30).subList(15, 30);
        assertThat(out.send(next).join()).as("the first message failed four times: nothing after it is sent").isEmpty();
        assertThat(out.ready()).isTrue();
        assertThat(out.problem()).hasValueSatisfying(p -> assertThat(p).contains("503"));
        assertThat(out.send(next).join()).hasSize(15);
        assertThat(postedTitles()).isEqualTo(IntStream.range(0, 30).mapToObj(i -> String.format("Lead %03d", i)).toList());
        assertThat(out.problem()).isEmpty();
    }

    @Test
    void aDeletedWebhookStopsTheOutputAndKeepsThePosts() {
        WebhookOutput out = output(Packer.Mode.EMBEDS);
        hook.fake().deleteWebhook(hook.url());
        assertThat(out.send(posts(3)).join()).isEmpty();
        assertThat(out.ready()).isFalse();
        String token = hook.url().substring(hook.url().lastIndexOf('/') + 1);
        assertThat(out.problem()).hasValueSatisfying(p -> assertThat(p).contains("is gone").contains("404").contains("/****").doesNotContain(token));
        assertThat(hook.fake().calls(FakeDiscord.EXECUTE_WEBHOOK)).isEqualTo(1);
    }

    @Test
    void aRefusalOfTheWebhooksOwnSettingsIsReportedWithTheFieldAndThePostsStayQueued() {
        WebhookOutput out = output(Packer.Mode.EMBEDS);
        hook.fake().refuseNext("username", "USERNAME_INVALID_CONTAINS", "Username cannot contain \"discord\"");
        assertThat(out.send(posts(3)).join()).isEmpty();
        assertThat(out.problem()).hasValueSatisfying(p -> assertThat(p)
                .isEqualTo("Discord refused a message (400 Invalid Form Body (code 50035): username: Username cannot contain \"discord\")"));
        assertThat(out.send(posts(3)).join()).hasSize(3);
        assertThat(out.problem()).isEmpty();
    }

    @Test
    void aPostDiscordRefusesForWhatItSaysIsRefusedAloneAndTheOthersAreSentInOrder() {
        hook.fake().refuseEmbedTitled("Lead 003");
        List<Delivery> deliveries = output(Packer.Mode.EMBEDS).send(posts(12)).join();

        assertThat(deliveries).extracting(Delivery::postId).isEqualTo(IntStream.range(0, 12).mapToObj(i -> "p" + i).toList());
        assertThat(deliveries).filteredOn(Delivery::refused).singleElement().satisfies(d -> {
            assertThat(d.postId()).isEqualTo("p3");
            assertThat(d.messageRef()).contains("embeds.0.url: Not a well formed URL.");
        });
        assertThat(postedTitles()).isEqualTo(IntStream.range(0, 12).filter(i -> i != 3).mapToObj(i -> String.format("Lead %03d", i)).toList());
        // The first message (ten posts) was refused; its posts went one at a time, the next message as packed.
        assertThat(hook.fake().calls(FakeDiscord.EXECUTE_WEBHOOK)).isEqualTo(1 + 10 + 1);
    }

    @Test
    void aSplitPostRefusedForItsTailIsNotPostedAgainFromItsStart() {
        // p1 is 3,600 characters of text: its head goes out with p0, its tail with p2; Discord refuses the tail's message.
        String body = String.join(" ", IntStream.range(0, 600).mapToObj(i -> String.format("a%04d", i)).toList());
        List<Post> posts = List.of(textPost("p0", "first"), textPost("p1", body), textPost("p2", "last"));
        hook.fake().refuseContentContaining("a0500", "CONTENT_INVALID", "Invalid content.");
        List<Delivery> deliveries = output(Packer.Mode.TEXT, 4096).send(posts).join();

        List<String> shown = hook.fake().messages().stream().map(FakeDiscord.Message::content).toList();
        assertThat(shown).hasSize(2);
        assertThat(shown.getFirst()).startsWith("**P0**").contains("**P1**", "a0000");
        assertThat(shown.getLast()).isEqualTo("**P2**\nlast");
        assertThat(String.join(" ", shown).split("\\s+")).as("no word shown twice").doesNotHaveDuplicates();
        assertThat(deliveries).extracting(Delivery::postId).containsExactly("p0", "p1", "p2");
        assertThat(deliveries.get(0)).isEqualTo(new Delivery("p0", hook.fake().messages().getFirst().id()));
        assertThat(deliveries.get(1).refused()).isTrue();
        assertThat(deliveries.get(1).messageRef()).startsWith("Discord refused the message (400").contains("content: Invalid content.")
                .endsWith("(its first part was posted, in " + hook.fake().messages().getFirst().id() + ")");
        assertThat(deliveries.get(2)).isEqualTo(new Delivery("p2", hook.fake().messages().getLast().id()));
        // The packed message with the tail and p2, then the tail alone (refused), then p2 alone.
        assertThat(hook.fake().calls(FakeDiscord.EXECUTE_WEBHOOK)).isEqualTo(4);
    }

    private static Post textPost(String id, String body) {
        return new Post(id, Post.Kind.LEAD, null, id.toUpperCase(java.util.Locale.ROOT), null, body, List.of(), Instant.parse("2026-01-05T09:00:00Z"));
    }

    @Test
    void configRefusesWhatIsNotAWebhookUrlWithoutPrintingTheToken() {
        assertThatThrownBy(() -> new WebhookOutputFactory.Config(URI.create("https://example.org/hooks/1"), null, null, null, null, null))
                .hasMessageContaining("expected a Discord webhook URL");
        assertThat(WebhookOutput.mask("https://discord.com/api/webhooks/123/abc-SECRET_tok")).isEqualTo("https://discord.com/api/webhooks/123/****");
        assertThatThrownBy(() -> new WebhookOutputFactory.Config(URI.create("https://discord.com/api/webhooks/1/tok?wait=true"), null, null, null, null, null))
                .hasMessageContaining("leave the query out");
    }

    @Test
    void aTimeoutThatIsNotPositiveIsRefusedNamingTimeoutAndTheValue() {
        URI webhook = URI.create("https://discord.com/api/webhooks/1/tok");
        assertThatThrownBy(() -> new WebhookOutputFactory.Config(webhook, null, null, null, null, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout: must be positive, found PT0S");
        assertThatThrownBy(() -> new WebhookOutputFactory.Config(webhook, null, null, null, null, Duration.ofSeconds(-3)))
                .hasMessage("timeout: must be positive, found PT-3S");
        assertThat(new WebhookOutputFactory.Config(webhook, null, null, null, null, null).timeout()).isEqualTo(Duration.ofSeconds(15));
    }
}
