package io.flywheel.engine.command;

import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.api.command.CommandSpec.Option;
import io.flywheel.engine.plugin.PluginReport;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code /plugins list|reload} (admins): the loaded plugins, what they provide and why any failed. */
final class PluginsAdminCommand extends BuiltInCommand {
    private static final CommandSpec SPEC = new CommandSpec("plugins", "List or reload plugins (admins)", List.of(
            new Option("action", "list: loaded plugins and failures; reload: load the plugins folder again", CommandSpec.Type.STRING, true, List.of("list", "reload"))),
            true);

    private final Controls.Plugins plugins;

    PluginsAdminCommand(Controls.Plugins plugins) {
        super(SPEC);
        this.plugins = plugins;
    }


    @Override
    public CompletableFuture<CommandReply> handle(CommandCall call) {
        if ("reload".equals(call.options().get("action"))) {
            if (plugins.reloadUnavailable().isPresent()) {
                return CompletableFuture.completedFuture(CommandReply.privately(plugins.reloadUnavailable().get()));
            }
            return Replies.async(() -> CommandReply.of(plugins.reload()));
        }
        List<String> lines = plugins.reports().stream().map(PluginsAdminCommand::line).toList();
        return CompletableFuture.completedFuture(CommandReply.privately(Replies.fit("**Plugins**", lines)));
    }

    private static String line(PluginReport r) {
        String head = (r.usable() ? "✅ " : "❌ ") + "**" + r.id() + "** " + r.version() + " (" + r.state().name().toLowerCase(java.util.Locale.ROOT) + ")";
        if (r.failure() != null) {
            return head + "\n  └ " + Replies.trimTo(r.failure(), 300);
        }
        return head + (r.provides().isEmpty() ? "" : ": " + String.join(", ", r.provides()));
    }
}
