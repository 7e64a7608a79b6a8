package io.flywheel.engine.command;

import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.api.command.CommandSpec.Option;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /rules test|reload|rollback [rule]}, {@code /rules update|freeze|unfreeze} (the learning
 * loop) and {@code /rules shadow|promote} (the shadow keyword rule), for admins.
 */
final class RulesCommand extends BuiltInCommand {
    private static final CommandSpec SPEC = new CommandSpec("rules", "Test, reload, roll back, run, freeze or promote the learning rules (admins)", List.of(
            new Option("action", "test, reload, rollback, update (learn now), freeze, unfreeze, shadow (compare), promote shadow",
                    CommandSpec.Type.STRING, true, List.of("test", "reload", "rollback", "update", "freeze", "unfreeze", "shadow", "promote")),
            new Option("rule", "Which rule (default: all)", CommandSpec.Type.STRING, false, List.of())), true);

    private final Controls.Rules rules;

    RulesCommand(Controls.Rules rules) {
        super(SPEC);
        this.rules = rules;
    }


    @Override
    public CompletableFuture<CommandReply> handle(CommandCall call) {
        if (rules.unavailable().isPresent()) {
            return CompletableFuture.completedFuture(CommandReply.privately(rules.unavailable().get()));
        }
        String rule = call.options().get("rule");
        String r = rule == null || rule.isBlank() ? null : rule.strip();
        return Replies.async(() -> CommandReply.of(switch (call.options().get("action")) {
            case "test" -> rules.test(r);
            case "reload" -> rules.reload(r);
            case "rollback" -> rules.rollback(r);
            case "update" -> rules.update("/rules update by " + call.userId());
            case "freeze" -> rules.freeze(true, call.userId());
            case "unfreeze" -> rules.freeze(false, call.userId());
            case "shadow" -> rules.shadow();
            case "promote" -> rules.promote();
            default -> throw new IllegalArgumentException("unknown action " + call.options().get("action"));
        }));
    }

    @Override
    public List<String> complete(String option, String prefix) {
        return "rule".equals(option) ? rules.names().stream().filter(n -> n.startsWith(prefix)).toList() : List.of();
    }
}
