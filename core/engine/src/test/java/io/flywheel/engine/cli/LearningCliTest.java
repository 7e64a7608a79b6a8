package io.flywheel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.rules.RuleKind;
import io.flywheel.engine.rules.ScriptSource;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flywheel rules update|freeze|unfreeze|shadow|promote} as an operator runs them. */
class LearningCliTest {
    @TempDir
    Path dir;
    ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void config() throws IOException {
        Files.createDirectories(dir.resolve("scripts"));
        Files.createDirectories(dir.resolve("plugins"));
        Files.writeString(dir.resolve("scripts/keyword-weights.js"), ScriptSource.bundled(RuleKind.KEYWORD_WEIGHTS).text());
        Files.writeString(dir.resolve("scripts/keyword-weights.next.js"), "function updateKeywordWeights(stats, current) { return {rust: 2.2}; }\n");
        Files.writeString(dir.resolve("config.yml"), """
                store:
                  path: data/flywheel.db
                plugins:
                  dir: plugins
                rules:
                  time-limit: 2s
                  windows: 3
                learning:
                  min-feedback: 2
                  shadow: scripts/keyword-weights.next.js
                keywords:
                  rust: 2
                  java: 1
                """);
    }

    int run(String... args) {
        out.reset();
        err.reset();
        FlywheelCli.Io io = new FlywheelCli.Io(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), clock, () -> new ManualScheduler(clock), new Random(5));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", dir.resolve("config.yml").toString()));
        return FlywheelCli.commandLine(io).execute(all.toArray(String[]::new));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    void feedback() {
        try (MapDbStore store = MapDbStore.open(dir.resolve("data/flywheel.db"))) {
            List<FeedbackEvent> events = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                events.add(new FeedbackEvent(clock.instant().minus(Duration.ofHours(2)), FeedbackEvent.Type.POSTED, "rust-" + i, "s", "web", List.of("rust"),
                        null, 0, Map.of(), "console"));
                events.add(new FeedbackEvent(clock.instant().minus(Duration.ofHours(1)), FeedbackEvent.Type.INTERESTED, "rust-" + i, "s", "web",
                        List.of("rust"), "7", 0, Map.of(), "console"));
            }
            store.append(events);
        }
    }

    @Test
    void updateFreezeUnfreezeShadowAndPromote() throws IOException {
        assertThat(run("rules", "update")).isZero();
        assertThat(out()).contains("too little feedback");

        feedback();
        assertThat(run("rules", "freeze")).isZero();
        assertThat(out()).contains("Learning frozen");
        assertThat(run("rules", "update")).isZero();
        assertThat(out()).contains("learning is frozen", "flywheel rules freeze");
        assertThat(run("rules", "unfreeze")).isZero();

        assertThat(run("rules", "update")).isZero();
        assertThat(out()).contains("Keyword weights updated by scripts/keyword-weights.js", "Shadow weights recorded");
        try (MapDbStore store = MapDbStore.open(dir.resolve("data/flywheel.db"))) {
            assertThat(store.latest(WeightSet.Kind.KEYWORD).orElseThrow().note()).contains("(flywheel rules update)", "3 posts, 3 engagements");
            assertThat(store.latest(WeightSet.Kind.KEYWORD_SHADOW).orElseThrow().weights()).containsEntry("rust", 2.2);
        }

        assertThat(run("rules", "shadow")).isZero();
        assertThat(out()).contains("Shadow rule:", "KEYWORD", "rust", "2.200");

        String old = Files.readString(dir.resolve("scripts/keyword-weights.js"));
        assertThat(run("rules", "promote")).isZero();
        assertThat(out()).contains("promoted");
        assertThat(Files.readString(dir.resolve("scripts/keyword-weights.js"))).isEqualTo(Files.readString(dir.resolve("scripts/keyword-weights.next.js")));

        assertThat(run("rules", "rollback", "keyword-weights")).isZero();
        assertThat(Files.readString(dir.resolve("scripts/keyword-weights.js"))).isEqualTo(old);
    }

    @Test
    void aConfiguredFreezeWinsOverUnfreeze() throws IOException {
        Files.writeString(dir.resolve("config.yml"), Files.readString(dir.resolve("config.yml")).replace("  min-feedback: 2\n", "  min-feedback: 2\n  freeze: true\n"));
        assertThat(run("rules", "unfreeze")).isEqualTo(FlywheelCli.FAILED);
        assertThat(out()).contains("learning.freeze is true in config.yml");
    }
}
