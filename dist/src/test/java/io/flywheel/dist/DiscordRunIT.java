package io.flywheel.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flywheel.testkit.FakeDiscord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as an operator runs it: {@code flywheel run --once} in a child JVM with the
 * bundled discord plugin jar, configured through environment variables, posting the demo leads
 * to the fake Discord.
 */
class DiscordRunIT {
    private static final Path HOME = Path.of(System.getProperty("flywheel.home"));
    private static final Path REPO = Path.of(System.getProperty("flywheel.repo"));

    @TempDir
    Path work;
    FakeDiscord fake;

    @BeforeEach
    void setUp() throws IOException {
        fake = FakeDiscord.start();
        copyTree(REPO.resolve("demo"), work.resolve("demo"));
        Files.writeString(work.resolve("config.yml"), """
                plugins:
                  dir: %s
                keywords: {backend: 3, remote: 2}
                sources:
                  - id: hn-hiring
                    type: rss
                    url: file:demo/feeds/hn-who-is-hiring.rss
                    platform: hackernews
                outputs:
                  - id: discord
                    type: discord
                    enabled: ${DISCORD_TOKEN:+true}
                    token: ${DISCORD_TOKEN}
                    guild: ${DISCORD_GUILD_ID:-}
                    channel: ${DISCORD_CHANNEL_ID}
                    api-url: ${DISCORD_API_URL}
                    gateway-url: ${DISCORD_GATEWAY_URL}
                """.formatted(HOME.resolve("plugins")));
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    private Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-jar", HOME.resolve("flywheel.jar").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--config", work.resolve("config.yml").toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(work.resolve("out.txt").toFile()).redirectError(work.resolve("err.txt").toFile());
        pb.environment().putAll(Map.of("DISCORD_TOKEN", FakeDiscord.TOKEN, "DISCORD_CHANNEL_ID", fake.channel(), "DISCORD_GUILD_ID", FakeDiscord.GUILD_ID,
                "DISCORD_API_URL", fake.restBase(), "DISCORD_GATEWAY_URL", fake.gatewayUrl()));
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("flywheel did not finish in 120 s: " + Files.readString(work.resolve("err.txt")));
        }
        return new Result(p.exitValue(), Files.readString(work.resolve("out.txt"), StandardCharsets.UTF_8), Files.readString(work.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    record Result(int exit, String out, String err) {}

    @Test
    void runOncePostsTheDemoLeadsToDiscordOnceAndKeepsTheTokenOutOfTheLogs() throws Exception {
        Result first = run("run", "--once");
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
        Result second = run("run", "--once");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(fake.messages()).as("nothing is posted twice").hasSize(posted);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
