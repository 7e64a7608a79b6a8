package io.flywheel.engine.command;

import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.api.command.CommandSpec.Option;
import io.flywheel.api.feedback.Engagement;
import io.flywheel.api.feedback.EngagementSink;
import io.flywheel.api.lead.Lead;
import io.flywheel.engine.lead.LeadPosts;
import io.flywheel.engine.lead.UrlCanonicalizer;
import io.flywheel.engine.store.LeadQuery;
import io.flywheel.engine.store.LeadStore;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /convert <lead>}: records that a lead was won (a conversion), once per user and lead.
 * The lead is given by its post id (what autocomplete offers), its URL or its stored key.
 */
final class ConvertCommand extends BuiltInCommand {
    static final int SEARCHED = 2000;
    private static final CommandSpec SPEC = new CommandSpec("convert", "Record that a lead was won (a conversion)",
            List.of(new Option("lead", "The lead: pick from the list, or paste its URL", CommandSpec.Type.STRING, true, List.of())), false);

    private final LeadStore store;
    private final EngagementSink engagement;
    private final Clock clock;
    private final UrlCanonicalizer urls = new UrlCanonicalizer();

    ConvertCommand(LeadStore store, EngagementSink engagement, Clock clock) {
        super(SPEC);
        this.store = store;
        this.engagement = engagement;
        this.clock = clock;
    }


    @Override
    public CompletableFuture<CommandReply> handle(CommandCall call) {
        String given = call.options().get("lead").strip();
        return Replies.async(() -> find(given)).thenCompose(lead -> {
            if (lead.isEmpty()) {
                return CompletableFuture.completedFuture(CommandReply.privately("No stored lead matches '" + Replies.trimTo(given, 120)
                        + "'. Pick one from the suggestions or paste the lead's URL."));
            }
            Lead l = lead.get();
            return engagement.record(new Engagement(l.key(), Engagement.Kind.WON, call.userId(), "command", null, clock.instant()))
                    .thenApply(isNew -> isNew
                            ? CommandReply.of("Recorded a conversion: **" + Replies.trimTo(l.title(), 200) + "** (" + l.platform() + "). The learning rules will weigh its keywords up.")
                            : CommandReply.privately("You already recorded a conversion on **" + Replies.trimTo(l.title(), 200) + "**."));
        });
    }

    /** The lead a user meant: a post id (possibly followed by its title), a stored key, or a URL. */
    Optional<Lead> find(String given) {
        String token = given.split("\\s", 2)[0];
        if (token.startsWith("lead-")) {
            for (Lead l : store.query(LeadQuery.newest(SEARCHED))) {
                if (LeadPosts.postId(l.key()).equals(token)) {
                    return Optional.of(l);
                }
            }
        }
        Optional<Lead> byKey = store.get(given);
        if (byKey.isPresent()) {
            return byKey;
        }
        return urls.canonicalize(given).flatMap(store::get);
    }

    @Override
    public List<String> complete(String option, String prefix) {
        if (!"lead".equals(option)) {
            return List.of();
        }
        String p = prefix.toLowerCase(Locale.ROOT);
        return store.query(LeadQuery.newest(200)).stream()
                .filter(l -> p.isEmpty() || l.title().toLowerCase(Locale.ROOT).contains(p) || LeadPosts.postId(l.key()).startsWith(p))
                .limit(CommandRouter.MAX_SUGGESTIONS)
                .map(l -> Replies.trimTo(LeadPosts.postId(l.key()) + " " + l.title().replaceAll("\\s+", " "), 100))
                .toList();
    }
}
