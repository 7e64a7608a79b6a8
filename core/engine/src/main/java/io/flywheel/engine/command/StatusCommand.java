package io.flywheel.engine.command;

import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.engine.FlywheelVersion;
import io.flywheel.engine.app.SourceHealth;
import io.flywheel.engine.output.OutboxDispatcher;
import io.flywheel.engine.store.LeadStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code /status}: uptime, sources, outputs and the outbox at a glance. */
final class StatusCommand extends BuiltInCommand {
    private static final CommandSpec SPEC = new CommandSpec("status", "Flywheel at a glance: sources, outputs, outbox, store", List.of(), false);

    private final Controls.Sources sources;
    private final OutboxDispatcher outbox;
    private final LeadStore store;
    private final Clock clock;
    private final Instant started;

    StatusCommand(Controls.Sources sources, OutboxDispatcher outbox, LeadStore store, Clock clock) {
        super(SPEC);
        this.sources = sources;
        this.outbox = outbox;
        this.store = store;
        this.clock = clock;
        this.started = clock.instant();
    }


    @Override
    public CompletableFuture<CommandReply> handle(CommandCall call) {
        return Replies.async(() -> {
            Instant now = clock.instant();
            List<String> lines = new ArrayList<>();
            List<SourceHealth> health = sources.health();
            long failing = health.stream().filter(h -> !h.healthy()).count();
            long stale = health.stream().filter(h -> h.state(now) == SourceHealth.State.STALE).count();
            lines.add("Sources: " + health.size() + " configured, " + (health.size() - failing) + " healthy" + (failing > 0 ? ", **" + failing + " failing** (see /sources)" : "")
                    + (stale > 0 ? ", " + stale + " possibly stale" : ""));
            for (OutboxDispatcher.OutputState o : outbox.states()) {
                String state = o.problem() != null ? "❌ " + Replies.trimTo(o.problem(), 200) : o.ready() ? "✅ ready" : "⏳ connecting";
                lines.add("Output **" + o.id() + "**: " + state + ", " + o.pending() + " post(s) waiting");
            }
            lines.add("Store: " + store.size() + " lead(s)");
            return CommandReply.of(Replies.fit("**Flywheel " + FlywheelVersion.current() + "** up " + SourcesCommand.ago(started, now, ""), lines));
        });
    }
}
