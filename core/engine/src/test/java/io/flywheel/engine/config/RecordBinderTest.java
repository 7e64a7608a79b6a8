package io.flywheel.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordBinderTest {
    private static final Path FILE = Path.of("/srv/flywheel/config.yml");

    enum Mode { FAST, VERY_CAREFUL }

    record Selector(String item, String title) {
        Selector {
            if (item == null) throw new IllegalArgumentException("item: the CSS selector of one listing is required");
        }
    }

    record PluginConfig(URI url, Path file, Duration every, int pages, Double minScore, boolean robots, Mode mode, ZoneId zone,
            List<String> tags, Map<String, Integer> limits, Selector selectors, Optional<String> note) {}

    private final RecordBinder binder = new RecordBinder(Environment.of(Map.of("HOST", "jobs.example.org")), FILE.getParent());

    private ConfigNode yaml(String text, Problems problems) {
        return new YamlTreeReader().read(FILE, new StringReader(text), problems);
    }

    @Test
    void bindsEverySupportedTypeAndResolvesPathsAgainstTheConfigFolder() {
        Problems problems = new Problems();
        var node = yaml("""
                url: https://${HOST}/feed
                file: demo/page.html
                every: 1h30m
                pages: 3
                min-score: 2.5
                robots: no
                mode: very-careful
                zone: Europe/Berlin
                tags: [java, remote]
                limits: {a: 1, b: 2}
                selectors: {item: li.job, title: h2}
                """, problems);
        PluginConfig c = binder.bind(node, PluginConfig.class, "sources[x]", problems).orElseThrow();
        assertThat(problems.all()).isEmpty();
        assertThat(c.url()).isEqualTo(URI.create("https://jobs.example.org/feed"));
        assertThat(c.file()).isEqualTo(Path.of("/srv/flywheel/demo/page.html"));
        assertThat(c.every()).isEqualTo(Duration.ofMinutes(90));
        assertThat(c.pages()).isEqualTo(3);
        assertThat(c.minScore()).isEqualTo(2.5);
        assertThat(c.robots()).isFalse();
        assertThat(c.mode()).isEqualTo(Mode.VERY_CAREFUL);
        assertThat(c.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(c.tags()).containsExactly("java", "remote");
        assertThat(c.limits()).containsEntry("a", 1).containsEntry("b", 2);
        assertThat(c.selectors()).isEqualTo(new Selector("li.job", "h2"));
        assertThat(c.note()).isEmpty();
    }

    @Test
    void relativeFileUrlsResolveAgainstTheConfigFolder() {
        record R(URI url) {}
        Problems problems = new Problems();
        R r = binder.bind(yaml("url: file:demo/feeds/a.rss", problems), R.class, "x", problems).orElseThrow();
        assertThat(r.url()).isEqualTo(Path.of("/srv/flywheel/demo/feeds/a.rss").toUri());
    }

    @Test
    void collectsEveryProblemInOneRecord() {
        Problems problems = new Problems();
        var node = yaml("""
                url: jobs.example.org/feed
                every: often
                pages: three
                mode: reckless
                zone: Mars/Olympus
                tags: java
                selectors: {title: h2}
                nte: hello
                """, problems);
        assertThat(binder.bind(node, PluginConfig.class, "sources[x]", problems)).isEmpty();
        assertThat(problems.all()).extracting(Problem::toString).containsExactly(
                "config.yml:1:1: error: sources[x]: missing required key 'robots'",
                "config.yml:1:6: error: sources[x].url: expected an absolute URL (https://... or file:...), found 'jobs.example.org/feed'",
                "config.yml:2:8: error: sources[x].every: not a duration: 'often' (write e.g. 90s, 15m, 1h30m, 7d or PT15M)",
                "config.yml:3:8: error: sources[x].pages: expected a whole number, found 'three'",
                "config.yml:4:7: error: sources[x].mode: 'reckless' is not one of fast, very-careful",
                "config.yml:5:7: error: sources[x].zone: Unknown time-zone ID: Mars/Olympus",
                "config.yml:6:7: error: sources[x].tags: expected a list, found 'java'",
                "config.yml:7:12: error: sources[x].selectors: item: the CSS selector of one listing is required",
                "config.yml:8:1: error: sources[x]: unknown key 'nte'; did you mean 'note'?");
    }

    @Test
    void aMissingPrimitiveIsARequiredKey() {
        record R(int pages, String name) {}
        Problems problems = new Problems();
        assertThat(binder.bind(yaml("name: x", problems), R.class, "s", problems)).isEmpty();
        assertThat(problems.all()).singleElement().hasToString("config.yml:1:1: error: s: missing required key 'pages'");
    }

    @Test
    void aNullCheckInTheConstructorNamesTheKey() {
        record R(String selectorItem) {
            R {
                java.util.Objects.requireNonNull(selectorItem, "selectorItem");
            }
        }
        Problems problems = new Problems();
        assertThat(binder.bind(yaml("{}", problems), R.class, "s", problems)).isEmpty();
        assertThat(problems.all()).singleElement().hasToString("config.yml:1:1: error: s: missing required key 'selector-item'");
    }

    @Test
    void unknownKeysFarFromAnyValidOneListTheValidKeys() {
        record R(String url) {}
        Problems problems = new Problems();
        binder.bind(yaml("completely-different: 1", problems), R.class, "s", problems);
        assertThat(problems.all()).singleElement().asString().endsWith("unknown key 'completely-different'; valid keys: url");
    }
}
