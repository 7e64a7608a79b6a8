package io.flywheel.engine.command;

import io.flywheel.api.command.BotCommand;
import io.flywheel.api.feedback.EngagementSink;
import io.flywheel.engine.feedback.FeedbackLog;
import io.flywheel.engine.feedback.WeightHistory;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.output.OutboxDispatcher;
import io.flywheel.engine.store.LeadStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The host's own commands. {@link #router} puts them ahead of plugin commands, so a plugin cannot
 * shadow {@code /rules} or {@code /plugins}.
 */
public final class EngineCommands {
    private EngineCommands() {}

    /** Everything the built-in commands read or drive. */
    public record Services(
            LeadStore store,
            FeedbackLog feedback,
            WeightHistory weightHistory,
            KeywordWeights weights,
            EngagementSink engagement,
            OutboxDispatcher outbox,
            Controls.Sources sources,
            Controls.Rules rules,
            Controls.Strategies strategies,
            Controls.Plugins plugins,
            Clock clock) {}

    /** A router with the built-in commands first, then {@code pluginCommands}. */
    public static CommandRouter router(Services s, List<BotCommand> pluginCommands, Admins admins) {
        List<BotCommand> all = new ArrayList<>();
        CommandRouter[] router = new CommandRouter[1];
        all.add(new HelpCommand(() -> router[0].specs()));
        all.add(new LeadsCommand(s.store(), s.weights()));
        all.add(new PostLeadsCommand(s.outbox()));
        all.add(new StatsCommand(s.feedback(), s.clock()));
        all.add(new WeightsCommand(s.weights(), s.weightHistory(), s.clock()));
        all.add(new StrategiesCommand(s.strategies()));
        all.add(new ConvertCommand(s.store(), s.engagement(), s.clock()));
        all.add(new SourcesCommand(s.sources(), s.clock()));
        all.add(new RulesCommand(s.rules()));
        all.add(new PluginsAdminCommand(s.plugins()));
        all.add(new StatusCommand(s.sources(), s.outbox(), s.store(), s.clock()));
        all.addAll(pluginCommands);
        router[0] = new CommandRouter(all, admins, s.feedback(), s.clock());
        return router[0];
    }
}
