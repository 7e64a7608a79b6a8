package io.flywheel.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code learning:} section: defaults, and every bad value named with file, line and field. */
class LearningConfigTest {
    @TempDir
    Path dir;

    private List<String> problems(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("config.yml"), "keywords: {java: 1}\n" + yaml);
        return new ConfigLoader().load(file, Map.of()).problems().all().stream().map(Problem::toString).toList();
    }

    @Test
    void defaultsWhenAbsent() throws Exception {
        Path file = Files.writeString(dir.resolve("config.yml"), "keywords: {java: 1}\n");
        Settings.Learning l = new ConfigLoader().load(file, Map.of()).config().orElseThrow().learning();
        assertThat(l.every()).isEqualTo(Duration.ofHours(6));
        assertThat(l.maxChange()).isEqualTo(0.25);
        assertThat(l.minFeedback()).isEqualTo(20);
        assertThat(l.freeze()).isFalse();
        assertThat(l.shadow()).isNull();
    }

    @Test
    void bindsEveryKeyAndResolvesTheShadowAgainstTheConfigFolder() throws Exception {
        Files.createDirectories(dir.resolve("scripts"));
        Files.writeString(dir.resolve("scripts/next.js"), "function updateKeywordWeights(s, c) { return c; }");
        Path file = Files.writeString(dir.resolve("config.yml"), """
                keywords: {java: 1}
                learning:
                  every: 2h
                  max-change: 0.1
                  min-feedback: 3
                  freeze: true
                  shadow: scripts/next.js
                """);
        var r = new ConfigLoader().load(file, Map.of());
        assertThat(r.problems().all()).isEmpty();
        Settings.Learning l = r.config().orElseThrow().learning();
        assertThat(l).isEqualTo(new Settings.Learning(Duration.ofHours(2), 0.1, 3, true, dir.resolve("scripts/next.js")));
    }

    @Test
    void badValuesAreNamedWithFileLineAndField() throws Exception {
        assertThat(problems("learning:\n  every: 10s\n")).singleElement().asString()
                .startsWith("config.yml:").contains("learning", "every: must be at least 1m, found 10s");
        assertThat(problems("learning:\n  max-change: 0\n")).singleElement().asString()
                .startsWith("config.yml:").contains("max-change: must be above 0 and at most 10", "found 0.0");
        assertThat(problems("learning:\n  min-feedback: -2\n")).singleElement().asString()
                .startsWith("config.yml:").contains("min-feedback: must be 0 or more, found -2");
        assertThat(problems("learning:\n  freeze: maybe\n")).singleElement().asString()
                .startsWith("config.yml:3:").contains("learning.freeze", "maybe");
        assertThat(problems("learning:\n  max-change: lots\n")).singleElement().asString()
                .startsWith("config.yml:3:").contains("learning.max-change", "lots");
        assertThat(problems("learning:\n  explore: 0.1\n")).singleElement().asString()
                .startsWith("config.yml:3:").contains("learning", "unknown key 'explore'");
        assertThat(problems("learning:\n  shadow: scripts/nope.js\n")).singleElement().asString()
                .isEqualTo("config.yml:3:3: error: learning.shadow: script not found: " + dir.resolve("scripts/nope.js"));
    }

    @Test
    void theBundledConfigHasACommentedLearningSectionThatLoadsWithoutSecrets() throws Exception {
        Path bundled = Path.of("../../config.yml").toAbsolutePath().normalize();
        assertThat(Files.readString(bundled)).contains("learning:", "posting.explore");
        var r = new ConfigLoader().load(bundled, Map.of());
        assertThat(r.problems().all()).filteredOn(Problem::isError).isEmpty();
        Settings.Learning l = r.config().orElseThrow().learning();
        assertThat(l).isEqualTo(new Settings.Learning(Duration.ofHours(6), 0.25, 20, false, null));
    }
}
