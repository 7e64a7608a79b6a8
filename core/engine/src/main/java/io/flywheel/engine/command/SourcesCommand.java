package io.flywheel.engine.command;

import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandProgress;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.api.command.CommandSpec.Option;
import io.flywheel.engine.app.SourceHealth;
import io.flywheel.engine.app.SourceRun;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@code /sources [run <id>]}: how each source is doing; {@code run} (admins) runs one now. */
final class SourcesCommand extends BuiltInCommand {
    private static final CommandSpec SPEC = new CommandSpec("sources", "How each lead source is doing; run: run one now (admins)",
            List.of(new Option("run", "Run this source now (admins only)", CommandSpec.Type.STRING, false, List.of())), false);

    private final Controls.Sources sources;
    private final Clock clock;

    SourcesCommand(Controls.Sources sources, Clock clock) {
        super(SPEC);
        this.sources = sources;
        this.clock = clock;
    }


    @Override
    public boolean requiresAdmin(CommandCall call) {
        String run = call.options().get("run");
        return run != null && !run.isBlank();
    }

    @Override
    public CompletableFuture<CommandReply> handle(CommandCall call) {
        return handle(call, CommandProgress.NONE);
    }

    @Override
    public CompletableFuture<CommandReply> handle(CommandCall call, CommandProgress progress) {
        String run = call.options().get("run");
        if (run == null || run.isBlank()) {
            return Replies.async(this::health);
        }
        String id = run.strip();
        return Replies.async(() -> {
            progress.update("Running " + id + "…");
            Optional<SourceRun> result = sources.runNow(id);
            if (result.isEmpty()) {
                return CommandReply.privately("No source '" + id + "'. Configured: " + String.join(", ", ids()));
            }
            SourceRun r = result.get();
            if (r.failed()) {
                return CommandReply.of(id + " failed: " + r.error());
            }
            return CommandReply.of(id + ": " + r.summary(0) + ".");
        });
    }

    private CommandReply health() {
        List<SourceHealth> all = sources.health();
        if (all.isEmpty()) {
            return CommandReply.of("No sources are configured.");
        }
        Instant now = clock.instant();
        List<String> lines = all.stream().map(h -> {
            String state = switch (h.state(now)) {
                case NEW -> "🆕 not run yet";
                case OK -> "✅";
                case STALE -> "⚠️ found nothing where it used to";
                case FAILING -> "⚠️ " + h.consecutiveFailures() + " failure(s) in a row";
                case PAUSED -> "⏸ paused " + ago(now, h.pausedUntil(), "for ") + " after " + h.consecutiveFailures() + " failures";
            };
            String last = h.lastRun() == null ? "" : " · last run " + ago(h.lastRun(), now, "") + " ago" + (h.lastFound() >= 0 ? ", found " + h.lastFound() : "");
            String why = h.lastError() != null && h.consecutiveFailures() > 0 ? h.lastError() : h.warning();
            return "**" + h.sourceId() + "** " + state + last + (why == null ? "" : "\n  └ " + Replies.trimTo(why, 200));
        }).toList();
        return CommandReply.of(Replies.fit("**Sources**", lines));
    }

    private List<String> ids() {
        return sources.health().stream().map(SourceHealth::sourceId).toList();
    }

    static String ago(Instant from, Instant to, String prefix) {
        Duration d = Duration.between(from, to);
        if (d.isNegative()) d = Duration.ZERO;
        String s = d.toDays() > 0 ? d.toDays() + "d" : d.toHours() > 0 ? d.toHours() + "h" : d.toMinutes() > 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
        return prefix + s;
    }

    @Override
    public List<String> complete(String option, String prefix) {
        return "run".equals(option) ? ids().stream().filter(s -> s.startsWith(prefix)).toList() : List.of();
    }
}
