package io.flywheel.plugins.discord;

import io.flywheel.api.PluginContext;
import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Output;
import io.flywheel.api.output.Partial;
import io.flywheel.api.output.Post;
import io.flywheel.api.output.Receipts;
import io.flywheel.discord.Backoff;
import io.flywheel.discord.DiscordJson;
import io.flywheel.discord.DiscordLimits;
import io.flywheel.discord.Embed;
import io.flywheel.discord.InOrder;
import io.flywheel.discord.PackedMessage;
import io.flywheel.discord.Packer;
import io.flywheel.discord.PostRenderer;
import io.flywheel.discord.Routing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import net.dv8tion.jda.api.EmbedBuilder;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.components.actionrow.ActionRow;
import net.dv8tion.jda.api.components.buttons.Button;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageEmbed;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.events.session.SessionDisconnectEvent;
import net.dv8tion.jda.api.events.session.SessionRecreateEvent;
import net.dv8tion.jda.api.events.session.SessionResumeEvent;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.exceptions.InvalidTokenException;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.SessionControllerAdapter;
import net.dv8tion.jda.api.utils.messages.MessageCreateBuilder;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;
import org.slf4j.Logger;

/**
 * The Discord output: one JDA connection that posts packed messages, adapts slash commands,
 * prefix commands and autocomplete to the host's command router, and reports button clicks and
 * reactions as engagement.
 *
 * <p>Connecting never blocks the host: JDA logs in on its own thread, {@link #ready()} is false
 * until READY, and posts wait in the host's outbox meanwhile. Messages to different channels go
 * out concurrently; within a channel one after another, stopping at the first that fails so the
 * order holds. JDA paces requests by Discord's rate-limit headers; server errors are retried here
 * with backoff on the host scheduler.
 */
final class DiscordBot extends ListenerAdapter implements Output {
    /** Button ids: {@code fw:<kind>}; the message they are on says which leads they mean. */
    static final String BUTTON_PREFIX = "fw:";
    static final int INDEX_CAPACITY = 200_000;
    private static final Duration RECONNECT_FIRST = Duration.ofSeconds(15);
    private static final Duration RECONNECT_MAX = Duration.ofMinutes(10);

    private final DiscordOutputFactory.Config config;
    private final PluginContext ctx;
    private final Logger log;
    private final Packer packer;
    private final Routing routing;
    private final Backoff backoff;
    private final MessageIndex index;
    private final CommandAdapter commands;
    private final EngagementAdapter engagement;
    private final List<Runnable> readyListeners = new CopyOnWriteArrayList<>();
    private volatile JDA jda;
    private volatile boolean ready;
    private volatile boolean closed;
    private volatile String problem;
    private int failedLogins;

    DiscordBot(DiscordOutputFactory.Config config, PluginContext ctx) {
        this(config, ctx, Backoff.DEFAULT);
    }

    DiscordBot(DiscordOutputFactory.Config config, PluginContext ctx, Backoff backoff) {
        this(config, ctx, backoff, INDEX_CAPACITY);
    }

    /** {@code indexCapacity}: how many of the newest messages the {@link MessageIndex} keeps (a test makes it tiny). */
    DiscordBot(DiscordOutputFactory.Config config, PluginContext ctx, Backoff backoff, int indexCapacity) {
        this.config = config;
        this.ctx = ctx;
        this.log = ctx.log();
        this.packer = new Packer(DiscordLimits.DISCORD, new PostRenderer(DiscordLimits.DISCORD, config.bodyChars()), config.mode());
        this.routing = new Routing(config.channel(), config.channels());
        this.backoff = backoff;
        this.index = new MessageIndex(ctx.workDir().resolve("messages.tsv"), indexCapacity);
        this.commands = new CommandAdapter(ctx.commands(), ctx.scheduler(), ctx.clock(), config.deferAfter(), config.prefix(), log);
        this.engagement = new EngagementAdapter(ctx.engagement(), index, ctx.instanceId(), ctx.clock(), log);
    }

    /**
     * The intents the bot asks for: the fewest that its features need. JDA always adds GUILDS
     * (servers and channels, needed to post); none of these is privileged unless prefix commands
     * are on, which need MESSAGE_CONTENT.
     */
    EnumSet<GatewayIntent> intents() {
        EnumSet<GatewayIntent> intents = EnumSet.noneOf(GatewayIntent.class);
        if (config.reactions()) {
            intents.add(GatewayIntent.GUILD_MESSAGE_REACTIONS);
        }
        if (!config.prefix().isEmpty()) {
            intents.add(GatewayIntent.GUILD_MESSAGES);
            intents.add(GatewayIntent.MESSAGE_CONTENT);
        }
        return intents;
    }

    /** Starts logging in on a virtual thread; returns at once. */
    void start() {
        Thread.ofVirtual().name("discord-login-" + ctx.instanceId()).start(this::login);
    }

    private void login() {
        if (closed) {
            return;
        }
        try {
            JDABuilder builder = JDABuilder.createLight(config.token(), intents())
                    .setEnableShutdownHook(false)
                    .setCompression(Compression.NONE)
                    .addEventListeners(this, commands, engagement);
            if (config.apiUrl() != null) {
                String base = config.apiUrl().toString();
                builder.setRestConfig(new RestConfig().setBaseUrl(base.endsWith("/") ? base : base + "/"));
            }
            if (config.gatewayUrl() != null) {
                String gateway = config.gatewayUrl().toString();
                builder.setSessionController(new SessionControllerAdapter() {
                    @Override
                    public String getGateway() {
                        return gateway;
                    }
                });
            }
            jda = builder.build();
            log.info("Discord: logged in; connecting to the gateway");
        } catch (InvalidTokenException e) {
            problem = "Discord rejected the bot token: check DISCORD_TOKEN (Developer Portal > Bot > Reset Token)";
            log.error("Discord: {}", problem);
        } catch (RuntimeException e) {
            failedLogins++;
            Duration wait = RECONNECT_FIRST.multipliedBy(1L << Math.min(failedLogins - 1, 6));
            wait = wait.compareTo(RECONNECT_MAX) > 0 ? RECONNECT_MAX : wait;
            log.warn("Discord: cannot log in ({}); trying again in {}s. Posts wait in the outbox.", e.getMessage(), wait.toSeconds());
            ctx.scheduler().schedule(wait, this::start);
        }
    }

    @Override
    public void onReady(ReadyEvent event) {
        commands.register(event.getJDA(), config.guild());
        List<String> missing = routing.channels().stream().filter(c -> event.getJDA().getChannelById(GuildMessageChannel.class, c) == null).toList();
        if (!missing.isEmpty()) {
            problem = "channel(s) " + String.join(", ", missing) + " not found or not visible to the bot: invite it with the View Channel and Send Messages permissions";
            log.error("Discord: {}", problem);
        } else {
            problem = null;
        }
        becameReady();
    }

    @Override
    public void onSessionResume(SessionResumeEvent event) {
        becameReady();
    }

    @Override
    public void onSessionRecreate(SessionRecreateEvent event) {
        becameReady();
    }

    @Override
    public void onSessionDisconnect(SessionDisconnectEvent event) {
        ready = false;
        log.info("Discord: disconnected; posts wait until the bot is back");
    }

    private void becameReady() {
        ready = true;
        log.info("Discord: ready as {}", jda == null ? "?" : jda.getSelfUser().getName());
        readyListeners.forEach(Runnable::run);
    }

    @Override
    public boolean ready() {
        return ready && !closed;
    }

    @Override
    public void onReady(Runnable listener) {
        readyListeners.add(listener);
    }

    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    @Override
    public CompletableFuture<List<Delivery>> send(List<Post> posts) {
        return send(posts, delivered -> {});
    }

    @Override
    public CompletableFuture<List<Delivery>> send(List<Post> posts, java.util.function.Consumer<List<Delivery>> onDelivered) {
        return send(posts, Receipts.of(onDelivered));
    }

    @Override
    public CompletableFuture<List<Delivery>> send(List<Post> posts, Receipts receipts) {
        JDA connection = jda;
        if (!ready() || connection == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<CompletableFuture<List<Delivery>>> perChannel = new ArrayList<>();
        routing.byChannel(posts).forEach((channelId, channelPosts) -> {
            GuildMessageChannel channel = connection.getChannelById(GuildMessageChannel.class, channelId);
            if (channel == null) {
                log.warn("Discord: channel {} is unknown or not visible; {} post(s) for it stay queued", channelId, channelPosts.size());
                return;
            }
            perChannel.add(sendRuns(channel, channelPosts, receipts));
        });
        return CompletableFuture.allOf(perChannel.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<Delivery> all = new ArrayList<>();
            perChannel.forEach(f -> all.addAll(f.join()));
            return all;
        });
    }

    /**
     * Leads and other posts (signals, notices) never share a message: a lead message carries the
     * lead buttons, and they would sit under a signal too. Each run of one or the other is packed
     * and sent in order; a run that is not all delivered stops the rest, as a message not sent does.
     */
    private CompletableFuture<List<Delivery>> sendRuns(GuildMessageChannel channel, List<Post> posts, Receipts receipts) {
        List<List<Post>> runs = new ArrayList<>();
        for (Post p : posts) {
            if (runs.isEmpty() || (runs.getLast().getFirst().kind() == Post.Kind.LEAD) != (p.kind() == Post.Kind.LEAD)) {
                runs.add(new ArrayList<>());
            }
            runs.getLast().add(p);
        }
        CompletableFuture<List<Delivery>> sent = CompletableFuture.completedFuture(List.of());
        int before = 0;
        for (List<Post> run : runs) {
            int expected = before;
            sent = sent.thenCompose(done -> {
                if (done.size() < expected) {
                    return CompletableFuture.completedFuture(done);
                }
                return sendInOrder(channel, run, receipts).thenApply(more -> {
                    List<Delivery> all = new ArrayList<>(done);
                    all.addAll(more);
                    return all;
                });
            });
            before += run.size();
        }
        return sent;
    }

    /**
     * Sends {@code posts}, packed, one message after another; completes with the deliveries up to
     * the first failure. A split post an earlier attempt showed part of goes on from there. A
     * message Discord refuses for what it says is sent again one post at a time, and only the post
     * at fault is refused.
     */
    private CompletableFuture<List<Delivery>> sendInOrder(GuildMessageChannel channel, List<Post> posts, Receipts receipts) {
        InOrder.Sender sender = (m, batch) -> sendWithRetry(channel, m, batch, 0).handle((message, error) -> {
            if (error == null) {
                remember(message, m.posts().stream().map(batch::get).toList());
                return new InOrder.Outcome.Sent(channel.getId() + "/" + message.getId());
            }
            String refusal = refusal(error);
            if (refusal != null) {
                return new InOrder.Outcome.Refused(refusal);
            }
            log.warn("Discord: posting to #{} failed: {}; the rest of the batch stays queued", channel.getName(), describe(error));
            return new InOrder.Outcome.NotSent();
        });
        return InOrder.send(posts, packer, sender, new Receipts() {
            @Override
            public void accepted(List<Delivery> deliveries, List<Partial> partials) {
                accepted(null, deliveries, partials);
            }

            @Override
            public void accepted(String messageRef, List<Delivery> deliveries, List<Partial> partials) {
                try {
                    if (messageRef == null) {
                        receipts.accepted(deliveries, partials);
                    } else {
                        receipts.accepted(messageRef, deliveries, partials);
                    }
                } catch (RuntimeException e) {
                    log.warn("Discord: the host could not record {} delivery(ies) and {} partly posted post(s) yet: {}", deliveries.size(), partials.size(),
                            e.getMessage());
                }
            }

            @Override
            public Optional<String> partial(String postId) {
                Optional<String> mark = receipts.partial(postId);
                // Its head is in the channel the post went to then: routed elsewhere since, the rest alone would make no sense there.
                Optional<String> elsewhere = mark.flatMap(io.flywheel.discord.Shown::parse).map(io.flywheel.discord.Shown::lastRef)
                        .filter(ref -> !ref.startsWith(channel.getId() + "/"));
                if (elsewhere.isPresent()) {
                    log.warn("Discord: post {} was partly posted in another channel before ({}); it goes to #{} now, so it is sent whole there", postId,
                            elsewhere.get(), channel.getName());
                    return Optional.empty();
                }
                return mark;
            }
        }, (n, why) -> log.warn("Discord: a message of {} posts to #{} was refused ({}); sending them one at a time", n, channel.getName(), why),
                why -> log.warn("Discord: #{}: {}", channel.getName(), why));
    }

    /** Remembers the leads a message shows: only leads take engagement (a signal's ref is a strategy, not something to apply to). */
    private void remember(Message message, List<Post> shown) {
        List<MessageIndex.Entry> leads = shown.stream().filter(p -> p.kind() == Post.Kind.LEAD)
                .map(p -> new MessageIndex.Entry(p.id(), p.ref() == null ? p.id() : p.ref(), p.title())).toList();
        if (leads.isEmpty()) {
            return;
        }
        try {
            index.put(message.getId(), leads);
        } catch (RuntimeException e) {
            log.warn("Discord: cannot remember which leads message {} shows: {}", message.getId(), e.getMessage());
        }
    }

    /**
     * Why Discord (or JDA, checking before it sends) refuses a message for what it says, so that
     * sending it again cannot succeed; {@code null} for any other failure.
     */
    static String refusal(Throwable error) {
        Throwable e = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof IllegalArgumentException) {
            return "the message cannot be built: " + e.getMessage();
        }
        if (e instanceof ErrorResponseException r && r.getResponse() != null
                && (r.getResponse().code == 413 || r.getResponse().code == 400 && !r.getSchemaErrors().isEmpty()
                        && r.getSchemaErrors().stream().allMatch(x -> DiscordJson.isMessageField(x.getLocation().split("[.\\[]")[0])))) {
            return "Discord refused the message (" + r.getResponse().code + " " + r.getMeaning() + ": "
                    + String.join("; ", r.getSchemaErrors().stream().map(x -> x.getLocation() + ": "
                            + String.join(", ", x.getErrors().stream().map(c -> c.getMessage()).toList())).toList()) + ")";
        }
        return null;
    }

    private CompletableFuture<Message> sendWithRetry(GuildMessageChannel channel, PackedMessage m, List<Post> posts, int retry) {
        // The same nonce on every attempt: with enforce_nonce Discord returns the message it already
        // created instead of posting it twice (a retry after a lost response, a restart within minutes).
        return channel.sendMessage(data(m, posts)).setNonce(nonce(m, posts)).submit().handle((message, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(message);
            }
            if (closed || !isServerError(error) || retry >= backoff.attempts()) {
                return CompletableFuture.<Message>failedFuture(error);
            }
            Duration wait = backoff.delay(retry + 1);
            log.info("Discord: {} posting to #{}; retry {} of {} in {} ms", describe(error), channel.getName(), retry + 1, backoff.attempts(), wait.toMillis());
            CompletableFuture<Message> next = new CompletableFuture<>();
            ctx.scheduler().schedule(wait, () -> sendWithRetry(channel, m, posts, retry + 1).whenComplete((r, e) -> {
                if (e != null) next.completeExceptionally(e);
                else next.complete(r);
            }));
            return next;
        }).thenCompose(f -> f);
    }

    /**
     * A stable id of the message, within Discord's 25 characters: the posts it carries and what it
     * says, since the parts of a post split across messages carry the same posts (with one nonce
     * Discord would return the first part for every later one).
     */
    static String nonce(PackedMessage m, List<Post> posts) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (int i : m.posts()) {
                sha.update(posts.get(i).id().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            sha.update(String.valueOf(m.content()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(m.embeds().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(sha.digest(), 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isServerError(Throwable error) {
        Throwable e = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof ErrorResponseException r) {
            return r.getResponse() != null && r.getResponse().code >= 500 || r.isServerError();
        }
        return e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException;
    }

    private static String describe(Throwable error) {
        Throwable e = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The JDA message for one packed message: embeds or content, buttons on lead posts, no pings. */
    MessageCreateData data(PackedMessage m, List<Post> posts) {
        MessageCreateBuilder b = new MessageCreateBuilder().setAllowedMentions(EnumSet.noneOf(Message.MentionType.class));
        if (m.content() != null) {
            b.setContent(m.content());
        }
        if (!m.embeds().isEmpty()) {
            b.setEmbeds(m.embeds().stream().map(DiscordBot::embed).toList());
        }
        boolean leads = m.posts().stream().allMatch(i -> posts.get(i).kind() == Post.Kind.LEAD);
        if (config.buttons() && leads) {
            b.setComponents(ActionRow.of(
                    Button.primary(BUTTON_PREFIX + "interested", "Interested"),
                    Button.secondary(BUTTON_PREFIX + "applied", "Applied"),
                    Button.success(BUTTON_PREFIX + "won", "Won"),
                    Button.danger(BUTTON_PREFIX + "not_relevant", "Not relevant")));
        }
        return b.build();
    }

    static MessageEmbed embed(Embed e) {
        EmbedBuilder b = new EmbedBuilder().setTitle(e.title(), e.url()).setDescription(e.description());
        if (e.color() != null) b.setColor(e.color());
        if (e.timestamp() != null) b.setTimestamp(e.timestamp());
        if (e.footer() != null) b.setFooter(e.footer());
        e.fields().forEach(f -> b.addField(f.name(), f.value(), f.inline()));
        return b.build();
    }

    JDA jda() {
        return jda;
    }

    @Override
    public void close() throws Exception {
        closed = true;
        ready = false;
        JDA j = jda;
        if (j != null) {
            j.shutdown();
            if (!j.awaitShutdown(Duration.ofSeconds(5))) {
                j.shutdownNow();
            }
        }
        index.close();
    }
}
