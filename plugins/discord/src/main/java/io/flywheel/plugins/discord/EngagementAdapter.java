package io.flywheel.plugins.discord;

import io.flywheel.api.feedback.Engagement;
import io.flywheel.api.feedback.EngagementSink;
import io.flywheel.api.feedback.PostShown;
import io.flywheel.api.feedback.Retraction;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.dv8tion.jda.api.components.actionrow.ActionRow;
import net.dv8tion.jda.api.components.selections.StringSelectMenu;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.events.interaction.component.GenericComponentInteractionCreateEvent;
import net.dv8tion.jda.api.events.interaction.component.StringSelectInteractionEvent;
import net.dv8tion.jda.api.events.message.react.MessageReactionAddEvent;
import net.dv8tion.jda.api.events.message.react.MessageReactionRemoveAllEvent;
import net.dv8tion.jda.api.events.message.react.MessageReactionRemoveEmojiEvent;
import net.dv8tion.jda.api.events.message.react.MessageReactionRemoveEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import org.slf4j.Logger;

/**
 * Reports what people do with lead posts to the host's engagement sink, which counts each user
 * once per lead at their strongest step.
 *
 * <p>A message can show up to ten leads but Discord allows 25 buttons, so each lead message has
 * one row: Interested / Applied / Won / Not relevant. On a one-lead message a click records at
 * once; on a message with several, the click answers (only to the clicker) with menus of that
 * message's leads (25 to a menu), and the pick records. A click or pick that records is
 * acknowledged at once (a deferred ephemeral reply, well within Discord's 3 s) and the reply is
 * edited with the outcome once the store has it, failure included. Reactions count on one-lead
 * messages, where they are unambiguous: 👀 👍 interested, 📝 applied, 🏆 🎉 won, 👎 ❌ not
 * relevant; a bot's reactions never count; a click or reaction on a message older than the index
 * remembers finds its leads in what the host recorded with the message's delivery; removing one
 * takes it back (the host keeps what the user did otherwise), also on a message older than the index remembers, and so does clearing a
 * message's reactions, all or one emoji's (by their via: the host knows who held them). Only leads
 * are in the message index, so signals and notices take no engagement.
 */
final class EngagementAdapter extends ListenerAdapter {
    static final String PICK_PREFIX = "fw:pick:";
    /** Options in one select menu, and select menus in one reply: Discord's limits. */
    static final int OPTIONS = 25, MENUS = 5;
    static final Map<String, Engagement.Kind> REACTIONS = Map.of(
            "👀", Engagement.Kind.INTERESTED, "👍", Engagement.Kind.INTERESTED,
            "📝", Engagement.Kind.APPLIED,
            "🏆", Engagement.Kind.WON, "🎉", Engagement.Kind.WON,
            "👎", Engagement.Kind.NOT_RELEVANT, "❌", Engagement.Kind.NOT_RELEVANT);

    private final EngagementSink sink;
    private final MessageIndex index;
    private final String outputId;
    private final Clock clock;
    private final Logger log;
    /**
     * Each message's pending reaction events, handled one after another: an add whose lead the host must look up is recorded
     * before a later removal is sent. Per message, so a slow look-up holds up no other message's; a chain leaves once drained.
     */
    private final java.util.Map<String, CompletableFuture<Void>> reactions = new java.util.HashMap<>();

    EngagementAdapter(EngagementSink sink, MessageIndex index, String outputId, Clock clock, Logger log) {
        this.sink = sink;
        this.index = index;
        this.outputId = outputId;
        this.clock = clock;
        this.log = log;
    }

    static Engagement.Kind kind(String id) {
        return Engagement.Kind.valueOf(id.toUpperCase(Locale.ROOT));
    }

    static String label(Engagement.Kind kind) {
        return switch (kind) {
            case INTERESTED -> "Interested";
            case APPLIED -> "Applied";
            case WON -> "Won";
            case NOT_RELEVANT -> "Not relevant";
        };
    }

    @Override
    public void onButtonInteraction(ButtonInteractionEvent event) {
        String id = event.getComponentId();
        if (!id.startsWith(DiscordBot.BUTTON_PREFIX) || id.startsWith(PICK_PREFIX)) {
            return;
        }
        Engagement.Kind kind;
        try {
            kind = kind(id.substring(DiscordBot.BUTTON_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            event.reply("This button is not one Flywheel knows.").setEphemeral(true).queue();
            return;
        }
        String messageId = event.getMessageId();
        Instant time = clock.instant();
        whenKnown(event, messageId, (leads, deferred) -> {
            if (leads.isEmpty()) {
                say(event, deferred, "I don't know which lead this message shows.");
            } else if (leads.size() == 1) {
                acknowledgeThenRecord(event, deferred, List.of(leads.getFirst()), kind, event.getUser().getId(), messageRef(event.getChannelId(), messageId),
                        time);
            } else if (deferred) {
                event.getHook().editOriginal(pickerText(kind, leads.size())).setComponents(picker(kind, messageId, leads))
                        .queue(null, e -> log.warn("Discord: cannot show the lead picker: {}", e.getMessage()));
            } else {
                event.reply(pickerText(kind, leads.size())).setEphemeral(true).setComponents(picker(kind, messageId, leads))
                        .queue(null, e -> log.warn("Discord: cannot show the lead picker: {}", e.getMessage()));
            }
        }, "a click on message " + messageId);
    }

    /**
     * Hands {@code answer} the leads message {@code messageId} shows and whether the interaction was deferred: at once from the
     * index, or, when the host must look them up (a store may take longer than Discord's 3 s), after acknowledging it first.
     */
    private void whenKnown(GenericComponentInteractionCreateEvent event, String messageId,
            java.util.function.BiConsumer<List<MessageIndex.Entry>, Boolean> answer, String what) {
        java.util.concurrent.atomic.AtomicBoolean deferred = new java.util.concurrent.atomic.AtomicBoolean();
        leads(event.getChannelId(), messageId, () -> {
            deferred.set(true);
            event.deferReply(true).queue(null, e -> log.warn("Discord: cannot acknowledge {}: {}", what, e.getMessage()));
        }).thenAccept(leads -> answer.accept(leads, deferred.get())).exceptionally(e -> {
            if (deferred.get()) {   // else the user would be left with "thinking…"
                say(event, true, "Could not record this click; try again later.");
            }
            return logged(what, e);
        });
    }

    /** Replies, or edits the deferred reply, with {@code text}. */
    private void say(GenericComponentInteractionCreateEvent event, boolean deferred, String text) {
        if (deferred) {
            event.getHook().editOriginal(text).queue(null, e -> log.warn("Discord: cannot answer a click: {}", e.getMessage()));
        } else {
            event.reply(text).setEphemeral(true).queue();
        }
    }

    private Void logged(String what, Throwable e) {
        log.error("Discord: cannot handle {}: {}", what, e.getMessage());
        return null;
    }

    /**
     * The leads message {@code messageId} shows: the index's, or for a message older than it keeps (or one it lost), what the host
     * recorded when the message was accepted ({@link EngagementSink#postsShown}); empty when neither knows, a failed look-up logged.
     */
    CompletableFuture<List<MessageIndex.Entry>> leads(String channelId, String messageId) {
        return leads(channelId, messageId, () -> {});
    }

    /** As {@link #leads(String, String)}, running {@code beforeLookUp} first when the host must be asked. */
    private CompletableFuture<List<MessageIndex.Entry>> leads(String channelId, String messageId, Runnable beforeLookUp) {
        List<MessageIndex.Entry> known = index.get(messageId);
        if (!known.isEmpty()) {
            return CompletableFuture.completedFuture(known);
        }
        beforeLookUp.run();
        return stored(channelId, messageId);
    }

    /** What the host recorded message {@code messageId} showed; empty when it knows none, a failed look-up logged. */
    private CompletableFuture<List<MessageIndex.Entry>> stored(String channelId, String messageId) {
        String ref = messageRef(channelId, messageId);
        CompletableFuture<List<PostShown>> shown;
        try {
            shown = sink.postsShown(outputId, ref);
        } catch (RuntimeException e) {
            shown = CompletableFuture.failedFuture(e);
        }
        return shown.handle((posts, error) -> {
            if (error != null) {
                log.warn("Discord: cannot look up which leads message {} shows: {}", ref, error.getMessage());
                return List.of();
            }
            return posts.stream().map(p -> new MessageIndex.Entry(p.postId(), p.ref(), p.title())).toList();
        });
    }

    /** Runs {@code step} after the reaction events on message {@code messageId} before it; a failure is logged, never stops the next. */
    private synchronized void inOrder(String messageId, java.util.function.Supplier<CompletableFuture<?>> step, String what) {
        CompletableFuture<Void> next = reactions.getOrDefault(messageId, CompletableFuture.completedFuture(null)).thenCompose(x -> {
            try {
                return step.get().handle((result, e) -> e == null ? null : logged(what, e));
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(logged(what, e));
            }
        });
        reactions.put(messageId, next);
        next.whenComplete((x, e) -> {
            synchronized (this) {
                reactions.remove(messageId, next);
            }
        });
    }

    static String pickerText(Engagement.Kind kind, int leads) {
        return label(kind) + ": pick the lead(s) from this message"
                + (leads > MENUS * OPTIONS ? " (only its first " + MENUS * OPTIONS + " of " + leads + " can be picked)" : "");
    }

    /**
     * The lead picker: a menu takes 25 options and a reply 5 rows, and a text message can carry more
     * than 25 short posts, so the leads are shown 25 to a menu (ids {@code fw:pick:<kind>:<message>:<menu>}).
     */
    static List<ActionRow> picker(Engagement.Kind kind, String messageId, List<MessageIndex.Entry> leads) {
        List<ActionRow> rows = new ArrayList<>();
        int shown = Math.min(leads.size(), MENUS * OPTIONS);
        boolean several = shown > OPTIONS;
        for (int from = 0; from < shown; from += OPTIONS) {
            int to = Math.min(shown, from + OPTIONS);
            StringSelectMenu.Builder menu = StringSelectMenu.create(PICK_PREFIX + kind.name().toLowerCase(Locale.ROOT) + ":" + messageId + ":" + from / OPTIONS)
                    .setPlaceholder(label(kind) + ": which lead(s)?" + (several ? " (" + (from + 1) + "-" + to + ")" : ""))
                    .setRequiredRange(1, to - from);
            for (int i = from; i < to; i++) {
                menu.addOption(CommandAdapter.trim((i + 1) + ". " + leads.get(i).title(), 100), leads.get(i).postId());
            }
            rows.add(ActionRow.of(menu.build()));
        }
        return rows;
    }

    @Override
    public void onStringSelectInteraction(StringSelectInteractionEvent event) {
        String id = event.getComponentId();
        if (!id.startsWith(PICK_PREFIX)) {
            return;
        }
        String[] parts = id.substring(PICK_PREFIX.length()).split(":");
        Engagement.Kind kind;
        try {
            kind = kind(parts[0]);
        } catch (IllegalArgumentException e) {
            return;
        }
        String messageId = parts.length > 1 ? parts[1] : "";
        Instant time = clock.instant();
        whenKnown(event, messageId, (leads, deferred) -> {
            List<MessageIndex.Entry> picked = leads.stream().filter(e -> event.getValues().contains(e.postId())).toList();
            if (picked.isEmpty()) {
                say(event, deferred, "Those leads are no longer known to this bot.");
                return;
            }
            acknowledgeThenRecord(event, deferred, picked, kind, event.getUser().getId(), messageRef(event.getChannelId(), messageId), time);
        }, "a pick on message " + messageId);
    }

    /**
     * Discord drops an interaction not answered within 3 s, and a store write can take longer: the
     * click is acknowledged first (deferred, ephemeral), recorded meanwhile, and the deferred reply
     * is edited with the outcome, a failure to record included.
     */
    private void acknowledgeThenRecord(GenericComponentInteractionCreateEvent event, boolean deferred, List<MessageIndex.Entry> leads,
            Engagement.Kind kind, String userId, String messageRef, Instant time) {
        if (!deferred) {
            event.deferReply(true).queue(null, e -> log.warn("Discord: cannot acknowledge a click on {}: {}", messageRef, e.getMessage()));
        }
        record(leads, kind, userId, messageRef, null, time)
                .thenAccept(text -> event.getHook().editOriginal(text).queue(null, e -> log.warn("Discord: cannot confirm a click: {}", e.getMessage())));
    }

    @Override
    public void onMessageReactionAdd(MessageReactionAddEvent event) {
        if (event.getJDA().getSelfUser().getIdLong() == event.getUserIdLong()) {
            return;
        }
        // Bots (a poll or starboard bot reacting to every message) are not the audience. A guild reaction carries its member,
        // so this is known without a member cache.
        User user = event.getMember() != null ? event.getMember().getUser() : event.getUser();
        if (user != null && (user.isBot() || user.isSystem())) {
            return;
        }
        Engagement.Kind kind = REACTIONS.get(event.getEmoji().getName());
        if (kind == null) {
            return;
        }
        String messageId = event.getMessageId(), emoji = event.getEmoji().getName(), userId = event.getUserId(), channelId = event.getChannel().getId();
        // Its time is when it came, not when its lead was found: a removal after it must not find the hold recorded later than itself.
        Instant time = clock.instant();
        inOrder(messageId, () -> leads(channelId, messageId).thenAccept(leads -> {
            if (leads.size() != 1) {
                if (leads.size() > 1) {
                    log.debug("Reaction {} on message {} with {} leads is ambiguous; the buttons say which lead", emoji, messageId, leads.size());
                }
                return;
            }
            record(leads, kind, userId, messageRef(channelId, messageId), reaction(messageId, emoji), time);
        }), kind + " by " + userId + " on message " + messageId);
    }

    /**
     * What a reaction is recorded by: its message and emoji, since a post split across messages has
     * the same lead on each, and removing 👀 from one leaves the 👀 on the other standing.
     */
    static String reaction(String messageId, String emoji) {
        return "reaction " + messageId + " " + emoji;
    }

    @Override
    public void onMessageReactionRemove(MessageReactionRemoveEvent event) {
        if (event.getJDA().getSelfUser().getIdLong() == event.getUserIdLong()) {
            return;
        }
        Engagement.Kind kind = REACTIONS.get(event.getEmoji().getName());
        if (kind == null) {
            return;
        }
        String via = reaction(event.getMessageId(), event.getEmoji().getName());
        String messageRef = messageRef(event.getChannel().getId(), event.getMessageId());
        String userId = event.getUserId();
        Instant time = clock.instant();
        List<MessageIndex.Entry> leads = index.get(event.getMessageId());
        inOrder(event.getMessageId(), () -> {
            if (leads.isEmpty()) {
                // Older than the index remembers (or never a lead's): the host knows who holds this reaction on which lead, if anyone.
                retract(new Retraction(via, userId, outputId, messageRef, time), kind + " by " + userId);
            } else if (leads.size() == 1) {
                // A bot's removal finds nothing to take back: its reaction was never recorded.
                MessageIndex.Entry lead = leads.getFirst();
                Engagement e = new Engagement(lead.ref(), kind, userId, outputId, messageRef, time, via);
                takeBack(() -> sink.retract(e), null, kind + " on " + lead.ref());
            }
            return CompletableFuture.completedFuture(null);
        }, "the removal of " + kind + " by " + userId);
    }

    /**
     * A moderator (or a bot) cleared every reaction on a message: the event names no user or emoji, so each
     * emoji that counts is taken back from whoever held it there; clicks on the message stand.
     */
    @Override
    public void onMessageReactionRemoveAll(MessageReactionRemoveAllEvent event) {
        String messageRef = messageRef(event.getChannel().getId(), event.getMessageId());
        String messageId = event.getMessageId();
        Instant time = clock.instant();
        inOrder(messageId, () -> {
            for (String emoji : REACTIONS.keySet()) {
                retract(new Retraction(reaction(messageId, emoji), null, outputId, messageRef, time), "every " + emoji);
            }
            return CompletableFuture.completedFuture(null);
        }, "a clear of message " + messageRef);
    }

    /** Every reaction of one emoji was cleared from a message: taken back from whoever held it there. */
    @Override
    public void onMessageReactionRemoveEmoji(MessageReactionRemoveEmojiEvent event) {
        String emoji = event.getEmoji().getName();
        if (REACTIONS.containsKey(emoji)) {
            Retraction r = new Retraction(reaction(event.getMessageId(), emoji), null, outputId, messageRef(event.getChannel().getId(), event.getMessageId()),
                    clock.instant());
            inOrder(event.getMessageId(), () -> {
                retract(r, "every " + emoji);
                return CompletableFuture.completedFuture(null);
            }, "a clear of " + emoji + " on message " + r.messageRef());
        }
    }

    private void retract(Retraction r, String what) {
        takeBack(() -> sink.retract(r), taken -> {
            if (taken > 0) {
                log.debug("Discord: took back {} engagement(s) by {} on message {}", taken, what, r.messageRef());
            }
        }, what + " on message " + r.messageRef());
    }

    /** Sends a take-back to the sink; a failure, thrown or completed with, is logged naming {@code what}. */
    private <T> void takeBack(java.util.function.Supplier<CompletableFuture<T>> send, java.util.function.Consumer<T> done, String what) {
        try {
            send.get().whenComplete((result, error) -> {
                if (error != null) {
                    log.error("Discord: cannot take back {}: {}", what, error.getMessage());
                } else if (done != null) {
                    done.accept(result);
                }
            });
        } catch (RuntimeException error) {
            log.error("Discord: cannot take back {}: {}", what, error.getMessage());
        }
    }

    /** A message's reference as the outbox keeps it: {@code channel/message}. */
    private static String messageRef(String channelId, String messageId) {
        return channelId + "/" + messageId;
    }

    /** Records {@code kind} for each lead ({@code via} a reaction's emoji, or null for a click); completes with what to tell the user. */
    private CompletableFuture<String> record(List<MessageIndex.Entry> leads, Engagement.Kind kind, String userId, String messageRef, String via,
            Instant time) {
        List<CompletableFuture<Boolean>> results = new ArrayList<>();
        for (MessageIndex.Entry lead : leads) {
            CompletableFuture<Boolean> recorded;
            try {
                recorded = sink.record(new Engagement(lead.ref(), kind, userId, outputId, messageRef, time, via));
            } catch (RuntimeException e) {
                recorded = CompletableFuture.failedFuture(e);
            }
            results.add(recorded
                    .exceptionally(e -> {
                        log.error("Discord: cannot record {} on {}: {}", kind, lead.ref(), e.getMessage());
                        return null;
                    }));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < leads.size(); i++) {
                Boolean isNew = results.get(i).join();
                String title = "**" + CommandAdapter.trim(leads.get(i).title(), 150) + "**";
                lines.add(isNew == null ? "Could not record " + label(kind) + " on " + title + "; try again later."
                        : isNew ? "Recorded: " + label(kind) + " — " + title
                        : "Already recorded: " + label(kind) + " — " + title);
            }
            return CommandAdapter.trim(String.join("\n", lines), CommandAdapter.MAX_REPLY);
        });
    }
}
