package io.flywheel.engine.command;

import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.api.command.CommandSpec.Option;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code /rules test|reload|rollback [rule]} (admins): manage the operator-editable JS rules. */
final class RulesCommand extends BuiltInCommand {
    private static final CommandSpec SPEC = new CommandSpec("rules", "Test, reload or roll back the learning rules (admins)", List.of(
            new Option("action", "test: dry-run on recorded feedback; reload: make the edited file live; rollback: the previous version",
                    CommandSpec.Type.STRING, true, List.of("test", "reload", "rollback")),
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
            default -> throw new IllegalArgumentException("unknown action " + call.options().get("action"));
        }));
    }

    @Override
    public List<String> complete(String option, String prefix) {
        return "rule".equals(option) ? rules.names().stream().filter(n -> n.startsWith(prefix)).toList() : List.of();
    }
}
