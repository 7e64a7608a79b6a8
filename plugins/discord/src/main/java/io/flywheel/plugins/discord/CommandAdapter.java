package io.flywheel.plugins.discord;

import io.flywheel.api.Scheduler;
import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandDispatcher;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.ISnowflake;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.events.interaction.command.CommandAutoCompleteInteractionEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;
import org.slf4j.Logger;

/**
 * Turns slash commands, autocomplete and prefix commands into calls on the host's command router
 * and shows the replies. Nothing here knows any command: it only adapts.
 *
 * <p>Discord drops an interaction not answered within 3 s. A call that finishes before
 * {@code deferAfter} is answered directly (ephemeral when the reply says so); a longer one, or one
 * that reports progress, gets a deferred reply that each progress update edits (at most once a
 * second) and the final answer replaces.
 */
final class CommandAdapter extends ListenerAdapter {
    static final int MAX_REPLY = 2000;
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

    private final CommandDispatcher router;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Duration deferAfter;
    private final String prefix;
    private final Logger log;

    CommandAdapter(CommandDispatcher router, Scheduler scheduler, Clock clock, Duration deferAfter, String prefix, Logger log) {
        this.router = router;
        this.scheduler = scheduler;
        this.clock = clock;
        this.deferAfter = deferAfter;
        this.prefix = prefix;
        this.log = log;
    }

    /** Registers every router command: in {@code guildId} when given (instant), else globally (may take a while to show). */
    void register(JDA jda, String guildId) {
        List<SlashCommandData> data = router.specs().stream().map(CommandAdapter::slash).toList();
        if (!guildId.isEmpty()) {
            Guild guild = jda.getGuildById(guildId);
            if (guild != null) {
                guild.updateCommands().addCommands(data).queue(
                        ok -> log.info("Discord: registered {} slash command(s) in server {}", ok.size(), guild.getName()),
                        e -> log.error("Discord: cannot register slash commands in server {}: {}", guildId, e.getMessage()));
                return;
            }
            log.warn("Discord: the bot is not in server {} (guild); registering slash commands globally instead", guildId);
        }
        jda.updateCommands().addCommands(data).queue(
                ok -> log.info("Discord: registered {} global slash command(s); Discord may take up to an hour to show them", ok.size()),
                e -> log.error("Discord: cannot register slash commands: {}", e.getMessage()));
    }

    /** A router command as a Discord slash command: fixed choices as choices, other strings autocompleted. */
    static SlashCommandData slash(CommandSpec spec) {
        SlashCommandData d = Commands.slash(spec.name(), trim(spec.description(), 100));
        for (CommandSpec.Option o : spec.options()) {
            OptionType type = switch (o.type()) {
                case STRING -> OptionType.STRING;
                case INTEGER -> OptionType.INTEGER;
                case NUMBER -> OptionType.NUMBER;
                case BOOLEAN -> OptionType.BOOLEAN;
            };
            boolean autocomplete = o.type() == CommandSpec.Type.STRING && o.choices().isEmpty();
            OptionData option = new OptionData(type, o.name(), trim(o.description(), 100), o.required(), autocomplete);
            if (o.type() == CommandSpec.Type.STRING) {
                o.choices().stream().limit(25).forEach(c -> option.addChoice(c, c));
            }
            d.addOptions(option);
        }
        return d;
    }

    @Override
    public void onSlashCommandInteraction(SlashCommandInteractionEvent event) {
        Map<String, String> options = new LinkedHashMap<>();
        for (OptionMapping o : event.getOptions()) {
            options.put(o.getName(), o.getAsString());
        }
        CommandCall call = new CommandCall(event.getName(), options, event.getUser().getId(), roles(event.getMember()), event.getChannelId());
        new Conversation(event).run(call);
    }

    @Override
    public void onCommandAutoCompleteInteraction(CommandAutoCompleteInteractionEvent event) {
        List<String> choices;
        try {
            choices = router.complete(event.getName(), event.getFocusedOption().getName(), event.getFocusedOption().getValue());
        } catch (RuntimeException e) {
            log.debug("autocomplete /{} failed: {}", event.getName(), e.toString());
            choices = List.of();
        }
        event.replyChoiceStrings(choices.stream().filter(c -> !c.isEmpty()).map(c -> trim(c, 100)).distinct().limit(25).toList())
                .queue(null, e -> log.debug("autocomplete reply failed: {}", e.getMessage()));
    }

    @Override
    public void onMessageReceived(MessageReceivedEvent event) {
        if (prefix.isEmpty() || event.getAuthor().isBot() || !event.isFromGuild()) {
            return;
        }
        String text = event.getMessage().getContentRaw();
        if (!text.startsWith(prefix) || text.length() == prefix.length()) {
            return;
        }
        CommandCall call = parsePrefix(text.substring(prefix.length()), router.specs(), event.getAuthor().getId(), roles(event.getMember()), event.getChannel().getId());
        if (call == null) {
            return;
        }
        router.dispatch(call).whenComplete((reply, error) -> {
            String answer = error != null ? "/" + call.command() + " failed: " + error.getMessage() : reply.text();
            // No pings: the answer echoes what the user typed and stored lead text (JDA's default would let @everyone through).
            MessageCreateData data = new net.dv8tion.jda.api.utils.messages.MessageCreateBuilder().setContent(trim(answer, MAX_REPLY))
                    .setAllowedMentions(List.of()).setFiles(error != null ? List.of() : files(reply)).build();
            event.getMessage().reply(data).mentionRepliedUser(false)
                    .queue(null, e -> log.warn("Discord: cannot answer {}{}: {}", prefix, call.command(), e.getMessage()));
        });
    }

    /**
     * {@code leads platform:hackernews 5}: named options as {@code name:value}, the rest in the
     * order the command declares its options. {@code null} when the first word is no command.
     */
    static CommandCall parsePrefix(String text, List<CommandSpec> specs, String userId, List<String> roles, String channelId) {
        String[] words = text.strip().split("\\s+");
        CommandSpec spec = specs.stream().filter(s -> s.name().equals(words[0])).findFirst().orElse(null);
        if (spec == null) {
            return null;
        }
        Map<String, String> options = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < words.length; i++) {
            int colon = words[i].indexOf(':');
            String name = colon > 0 ? words[i].substring(0, colon) : null;
            if (name != null && spec.options().stream().anyMatch(o -> o.name().equals(name))) {
                options.put(name, words[i].substring(colon + 1));
            } else {
                positional.add(words[i]);
            }
        }
        for (CommandSpec.Option o : spec.options()) {
            if (!options.containsKey(o.name()) && !positional.isEmpty()) {
                options.put(o.name(), positional.removeFirst());
            }
        }
        return new CommandCall(spec.name(), options, userId, roles, channelId);
    }

    private static List<String> roles(Member member) {
        return member == null ? List.of() : member.getRoles().stream().map(ISnowflake::getId).toList();
    }

    /** The reply's attachments as uploads (a chart); Discord takes up to 10 per message. */
    static List<net.dv8tion.jda.api.utils.FileUpload> files(CommandReply reply) {
        return reply.attachments().stream().limit(10).map(a -> net.dv8tion.jda.api.utils.FileUpload.fromData(a.data(), a.name())).toList();
    }

    static String trim(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** One slash command from call to final answer. */
    private final class Conversation {
        private final SlashCommandInteractionEvent event;
        private boolean answered;
        private boolean deferred;
        private CompletableFuture<?> edits = CompletableFuture.completedFuture(null);
        private Instant lastProgress = Instant.MIN;
        private String pendingProgress;

        Conversation(SlashCommandInteractionEvent event) {
            this.event = event;
        }

        void run(CommandCall call) {
            Scheduler.Cancellable timer = scheduler.schedule(deferAfter, this::deferIfUnanswered);
            CompletableFuture<CommandReply> reply;
            try {
                reply = router.dispatch(call, this::progress);
            } catch (RuntimeException e) {
                reply = CompletableFuture.completedFuture(CommandReply.privately("/" + call.command() + " failed: " + e.getMessage()));
            }
            reply.whenComplete((r, e) -> {
                timer.cancel();
                finish(e != null ? CommandReply.privately("/" + call.command() + " failed: " + e.getMessage()) : r);
            });
        }

        private synchronized void deferIfUnanswered() {
            if (!answered && !deferred) {
                deferred = true;
                edits = event.deferReply(false).submit().exceptionally(e -> {
                    log.warn("Discord: cannot defer /{}: {}", event.getName(), e.getMessage());
                    return null;
                });
            }
        }

        private synchronized void progress(String text) {
            if (answered) {
                return;
            }
            deferIfUnanswered();
            Instant now = clock.instant();
            if (Duration.between(lastProgress, now).compareTo(PROGRESS_EVERY) < 0 && lastProgress != Instant.MIN) {
                pendingProgress = text;
                return;
            }
            lastProgress = now;
            pendingProgress = null;
            edit(text);
        }

        private synchronized void finish(CommandReply reply) {
            answered = true;
            String text = trim(reply.text().isBlank() ? "Done." : reply.text(), MAX_REPLY);
            if (deferred) {
                edit(text, files(reply));
            } else {
                event.reply(text).setEphemeral(reply.ephemeral()).setAllowedMentions(List.of()).setFiles(files(reply))
                        .queue(null, e -> log.warn("Discord: cannot answer /{}: {}", event.getName(), e.getMessage()));
            }
        }

        private void edit(String text) {
            edit(text, List.of());
        }

        private void edit(String text, List<net.dv8tion.jda.api.utils.FileUpload> files) {
            edits = edits.thenCompose(x -> (files.isEmpty() ? event.getHook().editOriginal(trim(text, MAX_REPLY))
                            : event.getHook().editOriginal(trim(text, MAX_REPLY)).setFiles(files)).setAllowedMentions(List.of()).submit())
                    .exceptionally(e -> {
                        log.warn("Discord: cannot update the reply to /{}: {}", event.getName(), e.getMessage());
                        return null;
                    });
        }
    }
}
