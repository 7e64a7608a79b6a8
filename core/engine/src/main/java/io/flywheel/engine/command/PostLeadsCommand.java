package io.flywheel.engine.command;

import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandProgress;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.engine.output.OutboxDispatcher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code /post_leads}: posts everything waiting in the outbox now, with progress. */
final class PostLeadsCommand extends BuiltInCommand {
    private static final CommandSpec SPEC = new CommandSpec("post_leads", "Post every lead waiting in the outbox now", List.of(), false);

    private final OutboxDispatcher outbox;

    PostLeadsCommand(OutboxDispatcher outbox) {
        super(SPEC);
        this.outbox = outbox;
    }


    @Override
    public CompletableFuture<CommandReply> handle(CommandCall call) {
        return handle(call, CommandProgress.NONE);
    }

    @Override
    public CompletableFuture<CommandReply> handle(CommandCall call, CommandProgress progress) {
        return Replies.async(() -> {
            long waiting = outbox.pendingTotal();
            if (waiting == 0) {
                return CommandReply.privately("Nothing is waiting: every lead found so far has been posted.");
            }
            progress.update("Posting " + waiting + " waiting post(s)…");
            OutboxDispatcher.Flush flush = outbox.flush((output, delivered) -> progress.update("Posting: " + delivered + " of " + waiting + " delivered so far…"));
            int delivered = flush.delivered().values().stream().mapToInt(Integer::intValue).sum();
            StringBuilder b = new StringBuilder("Posted " + delivered + " post(s)");
            if (flush.delivered().size() > 1) {
                b.append(" (");
                boolean first = true;
                for (Map.Entry<String, Integer> e : flush.delivered().entrySet()) {
                    b.append(first ? "" : ", ").append(e.getKey()).append(": ").append(e.getValue());
                    first = false;
                }
                b.append(')');
            }
            b.append('.');
            flush.failures().forEach((id, why) -> b.append("\n").append(id).append(" failed: ").append(why).append(" (its posts stay queued)"));
            flush.waiting().forEach(id -> b.append("\n").append(id).append(" is not ready yet; its posts go out when it is."));
            long left = outbox.pendingTotal();
            if (left > 0) {
                b.append("\n").append(left).append(" post(s) still waiting.");
            }
            return CommandReply.of(b.toString());
        });
    }
}
