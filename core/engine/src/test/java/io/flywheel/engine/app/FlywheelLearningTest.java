package io.flywheel.engine.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.PluginContext;
import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.feedback.Engagement;
import io.flywheel.api.lead.Lead;
import io.flywheel.api.lead.RawLead;
import io.flywheel.api.lead.SourceResult;
import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Output;
import io.flywheel.api.output.OutputFactory;
import io.flywheel.api.output.Post;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.store.LeadQuery;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop closed inside {@code flywheel run}, on a fake clock: leads are found and posted, people
 * click on the backend ones (through the engagement sink a Discord button reaches, and {@code /convert}
 * through the command router), the next scheduled update raises {@code backend} and lowers
 * {@code python}, and the next run scores backend leads above python ones.
 */
class FlywheelLearningTest {
    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.atDefaultStart();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final ScriptedSource sources = new ScriptedSource();
    private final ClickableOutput output = new ClickableOutput();
    private final AtomicInteger round = new AtomicInteger();
    private Flywheel flywheel;

    /** An output that delivers every post and lets the test press its buttons, as the Discord plugin's button adapter does. */
    static final class ClickableOutput implements OutputFactory<ClickableOutput.Config> {
        record Config(String label) {}

        volatile PluginContext context;
        final List<Post> delivered = new CopyOnWriteArrayList<>();

        @Override
        public String type() {
            return "clickable";
        }

        @Override
        public Class<Config> configType() {
            return Config.class;
        }

        @Override
        public Output create(Config config, PluginContext ctx) {
            context = ctx;
            return posts -> {
                delivered.addAll(posts);
                return CompletableFuture.completedFuture(posts.stream().map(p -> new Delivery(p.id(), "msg-" + p.id())).toList());
            };
        }

        boolean press(Post post, Engagement.Kind kind, String user) {
            return context.engagement().record(new Engagement(post.ref(), kind, user, context.instanceId(), "msg-" + post.id(), context.clock().instant())).join();
        }
    }

    void assemble(String learning) throws IOException {
        Files.writeString(dir.resolve("config.yml"), """
                plugins: {dir: plugins}
                keywords: {backend: 1, python: 1}
                rules:
                  window: 1d
                  windows: 3
                %s
                commands:
                  admin-users: "42"
                sources:
                  - id: board
                    type: scripted
                    every: 1h
                    jitter: 0s
                outputs:
                  - id: chat
                    type: clickable
                """.formatted(learning));
        sources.answer = id -> {
            int r = round.getAndIncrement();
            List<RawLead> leads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                leads.add(RawLead.of("Backend engineer " + r + "-" + i, "https://example.org/backend/" + r + "/" + i));
                leads.add(RawLead.of("Python developer " + r + "-" + i, "https://example.org/python/" + r + "/" + i));
            }
            return SourceResult.of(leads);
        };
        Preflight.Result pre = Preflight.run(dir.resolve("config.yml"), Map.of(), host -> {
            host.registerBuiltIn(output);
            host.registerBuiltIn(sources);
        });
        assertThat(pre.problems().all()).isEmpty();
        flywheel = Flywheel.assemble(pre, clock, scheduler, new SplittableRandom(11));
    }

    @AfterEach
    void close() {
        if (flywheel != null) {
            flywheel.close();
        }
    }

    CommandReply command(String name, Map<String, String> options, String user) {
        return flywheel.commands().dispatch(new CommandCall(name, options, user, List.of(), "chan")).join();
    }

    /** Clicks "interested" on every backend post delivered so far and "not relevant" on one python post; converts one backend lead. */
    void engageWithBackend() {
        List<Post> backend = output.delivered.stream().filter(p -> p.title().startsWith("Backend")).toList();
        assertThat(backend).isNotEmpty();
        for (Post p : backend) {
            assertThat(output.press(p, Engagement.Kind.INTERESTED, "7")).isTrue();
        }
        output.press(output.delivered.stream().filter(p -> p.title().startsWith("Python")).findFirst().orElseThrow(), Engagement.Kind.NOT_RELEVANT, "7");
        CommandReply converted = command("convert", Map.of("lead", backend.getFirst().url()), "7");
        assertThat(converted.text()).contains("Recorded a conversion");
    }

    double newestScore(String titlePrefix) {
        return flywheel.store().query(LeadQuery.newest(8)).stream().filter(l -> l.title().startsWith(titlePrefix)).mapToDouble(Lead::score).max().orElseThrow();
    }

    @Test
    void engagementRaisesTheEngagedKeywordAndTheNextRunRanksItsLeadsHigher() throws IOException {
        assemble("learning: {every: 6h, min-feedback: 4, max-change: 0.5}");
        flywheel.start();
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(output.delivered).hasSize(8);
        assertThat(newestScore("Backend")).isEqualTo(newestScore("Python"));
        engageWithBackend();

        scheduler.advance(Duration.ofHours(6));

        WeightSet update = flywheel.store().latest(WeightSet.Kind.KEYWORD).orElseThrow();
        assertThat(update.note()).contains("update (scheduled)", "engagements", "no clamp");
        assertThat(update.time()).isEqualTo(Instant.parse("2026-01-05T15:00:00Z"));
        assertThat(flywheel.weights().get().get("backend")).isGreaterThan(1.0);
        assertThat(flywheel.weights().get().get("python")).isLessThan(1.0);
        // no move above the cap: 0.5 x mean weight 1
        assertThat(update.weights().values()).allSatisfy(w -> assertThat(Math.abs(w - 1.0)).isLessThanOrEqualTo(0.5 + 1e-12));

        scheduler.advance(Duration.ofHours(1));
        assertThat(newestScore("Backend")).isGreaterThan(newestScore("Python"));
    }

    @Test
    void tooLittleFeedbackMeansTheScheduledUpdateChangesNothing() throws IOException {
        assemble("learning: {every: 6h, min-feedback: 1000}");
        flywheel.start();
        scheduler.advance(Duration.ofMinutes(1));
        engageWithBackend();
        scheduler.advance(Duration.ofHours(6));
        assertThat(flywheel.store().latest(WeightSet.Kind.KEYWORD).orElseThrow().scriptHash()).isEqualTo("config");
        assertThat(flywheel.weights().get()).containsEntry("backend", 1.0).containsEntry("python", 1.0);
        assertThat(command("rules", Map.of("action", "update"), "42").text()).contains("too little feedback", "learning.min-feedback is 1000");
    }

    @Test
    void rulesFreezeThroughTheRouterStopsTheScheduledUpdateUntilUnfrozen() throws IOException {
        assemble("learning: {every: 6h, min-feedback: 4}");
        flywheel.start();
        scheduler.advance(Duration.ofMinutes(1));
        engageWithBackend();
        assertThat(command("rules", Map.of("action", "freeze"), "7").text()).doesNotContain("Learning frozen");
        assertThat(command("rules", Map.of("action", "freeze"), "42").text()).contains("Learning frozen");

        scheduler.advance(Duration.ofHours(6));
        assertThat(flywheel.weights().get()).containsEntry("backend", 1.0).containsEntry("python", 1.0);
        assertThat(command("rules", Map.of("action", "update"), "42").text()).contains("frozen", "frozen by 42");

        assertThat(command("rules", Map.of("action", "unfreeze"), "42").text()).contains("unfrozen");
        assertThat(command("rules", Map.of("action", "update"), "42").text()).contains("Keyword weights updated");
        assertThat(flywheel.weights().get().get("backend")).isGreaterThan(1.0);
        assertThat(flywheel.store().latest(WeightSet.Kind.KEYWORD).orElseThrow().note()).contains("/rules update by 42");
    }
}
