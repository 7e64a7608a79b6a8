package io.flywheel.engine.command;

import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.api.command.CommandSpec.Option;
import io.flywheel.api.command.CommandSpec.Type;
import io.flywheel.api.lead.Lead;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.store.LeadQuery;
import io.flywheel.engine.store.LeadStore;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/** {@code /leads [platform] [min_score] [keyword] [limit]}: the newest stored leads matching a filter. */
final class LeadsCommand extends BuiltInCommand {
    private static final CommandSpec SPEC = new CommandSpec("leads", "Show the newest leads, optionally filtered", List.of(
            new Option("platform", "Only leads from this platform", Type.STRING, false, List.of()),
            new Option("min_score", "Only leads scoring at least this", Type.NUMBER, false, List.of()),
            new Option("keyword", "Only leads that matched this keyword", Type.STRING, false, List.of()),
            new Option("limit", "How many (1-25, default 10)", Type.INTEGER, false, List.of())), false);

    private final LeadStore store;
    private final KeywordWeights weights;

    LeadsCommand(LeadStore store, KeywordWeights weights) {
        super(SPEC);
        this.store = store;
        this.weights = weights;
    }


    @Override
    public CompletableFuture<CommandReply> handle(CommandCall call) {
        int limit = Replies.intOption(call, "limit", 10, 1, 25);
        LeadQuery q = LeadQuery.newest(limit);
        String platform = call.options().get("platform");
        if (platform != null && !platform.isBlank()) q = q.platform(platform.strip().toLowerCase(Locale.ROOT));
        String minScore = call.options().get("min_score");
        if (minScore != null && !minScore.isBlank()) q = q.minScore(Double.parseDouble(minScore.strip()));
        String keyword = call.options().get("keyword");
        if (keyword != null && !keyword.isBlank()) q = q.keyword(keyword.strip().toLowerCase(Locale.ROOT));
        LeadQuery query = q;
        return Replies.async(() -> {
            List<Lead> leads = store.query(query);
            if (leads.isEmpty()) {
                return CommandReply.privately("No leads match" + describe(call) + ". " + store.size() + " lead(s) are stored.");
            }
            List<String> lines = leads.stream().map(LeadsCommand::line).toList();
            return CommandReply.of(Replies.fit("**" + leads.size() + " newest lead(s)" + describe(call) + "**", lines));
        });
    }

    static String line(Lead l) {
        String title = Replies.trimTo(l.title().replaceAll("\\s+", " ").replace("]", ")").replace("[", "("), 90);
        String shown = l.url() == null ? title : "[" + title + "](<" + l.url() + ">)";
        return String.format(Locale.ROOT, "`%5.1f` %s · %s%s", l.score(), shown, l.platform(), l.company() == null ? "" : " · " + Replies.trimTo(l.company(), 40));
    }

    private static String describe(CommandCall call) {
        StringBuilder b = new StringBuilder();
        call.options().forEach((k, v) -> {
            if (!k.equals("limit") && v != null && !v.isBlank()) b.append(b.isEmpty() ? " (" : ", ").append(k).append(' ').append(v);
        });
        return b.isEmpty() ? "" : b.append(')').toString();
    }

    @Override
    public List<String> complete(String option, String prefix) {
        String p = prefix.toLowerCase(Locale.ROOT);
        return switch (option) {
            case "platform" -> {
                TreeSet<String> platforms = new TreeSet<>();
                store.query(LeadQuery.newest(500)).forEach(l -> platforms.add(l.platform()));
                yield platforms.stream().filter(s -> s.toLowerCase(Locale.ROOT).startsWith(p)).toList();
            }
            case "keyword" -> weights.top(Integer.MAX_VALUE).stream().filter(k -> k.startsWith(p)).toList();
            default -> List.of();
        };
    }
}
