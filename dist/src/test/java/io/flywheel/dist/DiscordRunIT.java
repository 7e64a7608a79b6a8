package io.flywheel.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flywheel.testkit.FakeDiscord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as an operator runs it: the bundled config.yml, {@code flywheel run --once}
 * in a child JVM with the bundled discord plugin jar, switched on by environment variables and
 * posting the demo leads to the fake Discord.
 */
class DiscordRunIT {
    @TempDir
    Path work;
    FakeDiscord fake;
    Path config;

    @BeforeEach
    void setUp() {
        fake = FakeDiscord.start();
        config = Distribution.deployment(work);
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    private Distribution.Result runOnce() {
        return Distribution.run(work, Map.of("DISCORD_TOKEN", FakeDiscord.TOKEN, "DISCORD_CHANNEL_ID", fake.channel(), "DISCORD_GUILD_ID", FakeDiscord.GUILD_ID,
                "DISCORD_API_URL", fake.restBase(), "DISCORD_GATEWAY_URL", fake.gatewayUrl()), "run", "--once", "--config", config.toString());
    }

    @Test
    void runOncePostsTheDemoLeadsToDiscordOnceAndKeepsTheTokenOutOfTheLogs() {
        Distribution.Result first = runOnce();
        assertThat(first.exit()).as(first.err()).isZero();
        List<String> titles = new ArrayList<>();
        fake.messages(fake.channel()).forEach(m -> m.embeds().forEach(e -> titles.add(e.path("title").asText())));
        assertThat(titles).as(first.err()).isNotEmpty().doesNotHaveDuplicates();
        for (FakeDiscord.Message m : fake.messages(fake.channel())) {
            JsonNode buttons = m.body().path("components").get(0).path("components");
            assertThat(buttons.findValuesAsText("label")).containsExactly("Interested", "Applied", "Won", "Not relevant");
        }
        assertThat(fake.registeredCommands(FakeDiscord.GUILD_ID)).isPresent();
        assertThat(first.err()).doesNotContain(FakeDiscord.TOKEN);

        int posted = fake.messages().size();
        Distribution.Result second = runOnce();
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(fake.messages()).as("nothing is posted twice").hasSize(posted);
    }
}
