package io.flywheel.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightIT {
    @TempDir
    Path dir;

    @Test
    void checkPrintsThreeMistakesAndTwoMissingVariablesTogetherAndFails() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yml"), """
                plugins: {dir: "${FLYWHEEL_PLUGINS}"}
                sources:
                  - id: feed
                    type: rsss
                    url: https://example.org/feed?token=${FEED_TOKEN}
                  - id: feed
                    type: rss
                    url: https://example.org/other
                outputs:
                  - id: console
                    type: console
                    body-char: 10
                    color: ${COLOR}
                keywords: {java: 1}
                """);
        var r = Distribution.run(dir, Map.of(), "check", "--config", config.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().filter(l -> l.contains(": error: "))).containsExactly(
                "config.yml:3:5: error: sources[feed]: no loaded plugin provides lead source type 'rsss'; available: browser, html, json, rss. Did you mean 'rss'?",
                "config.yml:5:10: error: environment variable FEED_TOKEN is not set (put it in the environment or in .env; .env.example documents it)",
                "config.yml:6:9: error: sources[feed]: duplicate id 'feed' (first at line 3)",
                "config.yml:12:5: error: outputs[console]: unknown key 'body-char'; did you mean 'body-chars'?",
                "config.yml:13:12: error: environment variable COLOR is not set (put it in the environment or in .env; .env.example documents it)");
        assertThat(r.out()).contains("5 error(s)");
    }

    @Test
    void aCorruptJarIsReportedWhileTheBundledPluginsStillWork() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Distribution.copyTree(Distribution.HOME.resolve("plugins"), plugins);
        Files.writeString(plugins.resolve("broken.jar"), "this is not a zip file");
        Path config = Distribution.deployment(dir);
        Map<String, String> env = Map.of("FLYWHEEL_PLUGINS", plugins.toString());

        var list = Distribution.run(dir, env, "plugins", "--config", config.toString());
        assertThat(list.exit()).isEqualTo(1);
        assertThat(list.out()).contains("broken.jar").contains("not a readable jar or zip").contains("lead source 'rss'");

        var run = Distribution.run(dir, env, "run", "--once", "--config", config.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("plugin plugins/broken.jar not loaded");   // from the working folder
        assertThat(run.out()).contains("Neon Health");
    }
}
