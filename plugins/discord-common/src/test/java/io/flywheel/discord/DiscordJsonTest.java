package io.flywheel.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flywheel.api.output.Post;
import io.flywheel.testkit.DiscordOpenApi;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Payloads checked against Discord's own OpenAPI description (kept in the testkit). */
class DiscordJsonTest {

    @Test
    void packedEmbedMessagesConformToMessageCreateAndWebhookSchemas() {
        PostRenderer renderer = new PostRenderer(DiscordLimits.DISCORD, 4096);
        Packer packer = new Packer(DiscordLimits.DISCORD, renderer, Packer.Mode.EMBEDS);
        List<Post> posts = IntStream.range(0, 23).mapToObj(i -> extreme(i)).toList();
        List<PackedMessage> messages = packer.pack(posts);
        assertThat(messages).isNotEmpty();
        for (PackedMessage m : messages) {
            JsonNode json = DiscordJson.message(m);
            assertValid("MessageCreateRequest", json);
            assertValid("IncomingWebhookRequestPartial", json);
            assertThat(json.path("embeds").size()).isBetween(1, 10);
        }
    }

    @Test
    void packedTextMessagesConformToTheWebhookSchema() {
        PostRenderer renderer = new PostRenderer(DiscordLimits.DISCORD, 4096);
        Packer packer = new Packer(DiscordLimits.DISCORD, renderer, Packer.Mode.TEXT);
        for (PackedMessage m : packer.pack(IntStream.range(0, 9).mapToObj(DiscordJsonTest::extreme).toList())) {
            JsonNode json = DiscordJson.message(m);
            assertValid("IncomingWebhookRequestPartial", json);
            assertValid("MessageCreateRequest", json);
        }
    }

    @Test
    void theSchemaCatchesWhatDiscordWouldRefuse() {
        Embed tooLong = new Embed("t".repeat(257), null, null, null, List.of(), null, null);
        JsonNode json = DiscordJson.message(PackedMessage.ofEmbeds(List.of(0), List.of(tooLong)));
        assertThat(DiscordOpenApi.problems("MessageCreateRequest", json)).isNotEmpty();
        assertThat(DiscordOpenApi.requestProblems("POST", "/channels/{channel_id}/messages", json)).isNotEmpty();
    }

    private static void assertValid(String schemaName, JsonNode json) {
        assertThat(DiscordOpenApi.problems(schemaName, json)).as("%s against %s", json.toString().substring(0, Math.min(300, json.toString().length())), schemaName).isEmpty();
    }

    /** A post at or past every limit: long title, huge body, many and long fields, odd URLs. */
    private static Post extreme(int i) {
        String word = "näive-\uD83D\uDE80-word ";
        List<Post.Field> fields = IntStream.range(0, 30)
                .mapToObj(f -> new Post.Field("Field " + f + " " + "n".repeat(i % 3 == 0 ? 300 : 5), "v".repeat(i % 2 == 0 ? 1500 : 20) + " end", f % 2 == 0))
                .toList();
        String url = switch (i % 4) {
            case 0 -> "https://example.org/jobs/" + i + "?utm=x";
            case 1 -> "not a url";
            case 2 -> "ftp://example.org/file";
            default -> null;
        };
        return new Post("p" + i, Post.Kind.values()[i % 3], "ref" + i, word.repeat(40), url, word.repeat(600), fields, Instant.parse("2026-01-05T09:00:00Z"));
    }
}
