package io.flywheel.discord;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.output.Post;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostRendererTest {
    private final PostRenderer renderer = new PostRenderer(DiscordLimits.DISCORD, 280);

    @Test
    void keepsEveryPartOfAnEmbedWithinDiscordsLimits() {
        Post p = new Post("p", Post.Kind.LEAD, "r", "T".repeat(400), "https://example.org/x", "body ".repeat(2000),
                List.of(new Post.Field("N".repeat(300), "V".repeat(2000), true), new Post.Field("Empty", "  ", true)), Instant.EPOCH);
        Embed e = new PostRenderer(DiscordLimits.DISCORD, 10_000).embed(p);
        assertThat(e.title()).hasSizeLessThanOrEqualTo(256).endsWith("…");
        assertThat(e.description()).hasSizeLessThanOrEqualTo(4096);
        assertThat(e.fields()).hasSize(1);
        assertThat(e.fields().getFirst().name()).hasSizeLessThanOrEqualTo(256);
        assertThat(e.fields().getFirst().value()).hasSizeLessThanOrEqualTo(1024);
        assertThat(e.length()).isLessThanOrEqualTo(6000);
    }

    @Test
    void dropsLinksDiscordWouldRefuse() {
        assertThat(PostRenderer.linkOrNull("javascript:alert(1)")).isNull();
        assertThat(PostRenderer.linkOrNull("not a url")).isNull();
        assertThat(PostRenderer.linkOrNull("https://example.org/" + "x".repeat(3000))).isNull();
        // JDA refuses embed links over 2,000 characters by throwing, which would keep the post at the head of its queue.
        String longest = "https://example.org/" + "x".repeat(2000 - 20);
        assertThat(PostRenderer.linkOrNull(longest)).isEqualTo(longest);
        assertThat(PostRenderer.linkOrNull(longest + "y")).isNull();
        assertThat(PostRenderer.linkOrNull("https://example.org/a?b=c")).isEqualTo("https://example.org/a?b=c");
    }

    @Test
    void cutsBodiesAtAWordBoundary() {
        Post p = new Post("p", Post.Kind.LEAD, "r", "Title", null, "alpha beta gamma delta ".repeat(40), List.of(), null);
        String d = renderer.embed(p).description();
        assertThat(d).hasSizeLessThanOrEqualTo(280).endsWith("…");
        assertThat(d.substring(0, d.length() - 1)).matches(".*(alpha|beta|gamma|delta)");
    }

    @Test
    void textEscapesMarkdownAndSuppressesLinkPreviews() {
        Post p = new Post("p", Post.Kind.LEAD, "r", "C++ *rockstar* @everyone", "https://example.org/j", null,
                List.of(new Post.Field("Score", "7.5", true)), null);
        assertThat(renderer.text(p)).isEqualTo("**C++ \\*rockstar\\* @everyone**\n<https://example.org/j>\nscore: 7.5");
    }

    @Test
    void textEscapesTheBodySoACutCodeBlockCannotSwallowTheNextPost() {
        Post p = new Post("p", Post.Kind.LEAD, "r", "Title", null, "Run ```make **all** ||now|| and more", List.of(), null);
        assertThat(renderer.text(p)).isEqualTo("**Title**\nRun \\`\\`\\`make \\*\\*all\\*\\* \\|\\|now\\|\\| and more");
    }
}
