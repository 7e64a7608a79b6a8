package io.flywheel.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, end to end: the bundled config, the real plugin jar, a fresh store. */
class DemoRunIT {
    @TempDir
    Path dir;

    @Test
    void runOnceStoresAndPrintsTheDemoLeadsAndASecondRunStoresNoDuplicates() {
        Path config = Distribution.deployment(dir);

        var first = Distribution.run(dir, Map.of(), "run", "--once", "--config", config.toString());
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("Neon Health | Founding Sr Backend Engineer", "klarasystems.com | OpenZFS Developer",
                "https://news.ycombinator.com/item?id=44159535");
        assertThat(first.out().lines().filter(l -> l.matches("^\\s*-?\\d+\\.\\d\\s+\\[.*"))).hasSize(9);
        // the digest re-publishes hn-hiring's postings and is listed after it: the originals keep them
        assertThat(first.out()).contains("[hackernews]").doesNotContain("[digest]");
        assertThat(first.err()).contains("9 lead(s) in the store");
        assertThat(Files.exists(dir.resolve("data/flywheel.db"))).isTrue();

        var second = Distribution.run(dir, Map.of(), "run", "--once", "--config", config.toString());
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out()).isBlank();
        assertThat(second.err()).contains("hn-hiring: 9 found, 0 new, 9 already known", "remote-digest: 5 found, 0 new, 5 already known",
                "9 lead(s) in the store");
    }

    @Test
    void theRssPluginComesFromItsJarNotFromTheEngineClasspath() {
        var r = Distribution.run(dir, Map.of(), "plugins", "--config", Distribution.deployment(dir).toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("source-web").contains("lead source 'rss'").containsPattern("file: \\S+/source-web\\.jar");   // with its folder
        assertThat(Distribution.HOME.resolve("lib")).isDirectoryNotContaining(p -> p.getFileName().toString().contains("source-web")
                || p.getFileName().toString().contains("rome"));
    }

    @Test
    void checkOnTheBundledConfigPassesWithNoEnvFile() {
        var r = Distribution.run(dir, Map.of(), "check", "--config", Distribution.deployment(dir).toString());
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("OK");
    }
}
