package io.flywheel.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A fake Discord on 127.0.0.1 for tests and benchmarks: the REST routes Flywheel uses and a
 * gateway WebSocket, enough for the real JDA client and the webhook output to run against it.
 *
 * <p>REST refuses with 400 any body that does not match its route's schema in Discord's OpenAPI
 * description ({@link DiscordOpenApi}), and enforces Discord's message limits (content 2,000; 10 embeds; 6,000 embed
 * characters; title 256; description 4,096; 25 fields; field name 256 and value 1,024; 5 rows of
 * 5 components), keeps per-route buckets (by route and channel or webhook) that answer with
 * {@code X-RateLimit-*} headers and 429s once used up, and can inject 5xx and 429 responses.
 * The gateway sends HELLO, answers heartbeats, answers IDENTIFY with READY and one GUILD_CREATE,
 * and dispatches interactions, reactions and reactions cleared that a test asks for, each event with
 * a field table in Discord's gateway docs checked against it ({@link DiscordGatewayDocs}). Rate-limit windows run on the
 * {@link Clock} it is given, so a test can share a manual clock with the code under test.
 */
public final class FakeDiscord implements AutoCloseable {
    public static final String APP_ID = "1100000000000000001";
    public static final String GUILD_ID = "1200000000000000001";
    public static final String ADMIN_ROLE_ID = "1300000000000000001";
    public static final String TOKEN = "fake-bot-token";
    /** The route keys {@link #bucket} and {@link #calls} take. */
    public static final String CREATE_MESSAGE = "POST /channels/{channel.id}/messages";
    public static final String EXECUTE_WEBHOOK = "POST /webhooks/{webhook.id}/{webhook.token}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DISCORD_EPOCH = 1420070400000L;
    private static final Pattern MESSAGES = Pattern.compile("/channels/(\\d+)/messages");
    private static final Pattern WEBHOOK = Pattern.compile("/webhooks/(\\d+)/([^/]+)");
    private static final Pattern WEBHOOK_ORIGINAL = Pattern.compile("/webhooks/(\\d+)/([^/]+)/messages/@original");
    private static final Pattern CALLBACK = Pattern.compile("/interactions/(\\d+)/([^/]+)/callback");
    private static final Pattern COMMANDS = Pattern.compile("/applications/(\\d+)(?:/guilds/(\\d+))?/commands");

    /** A message Discord accepted. */
    public record Message(String id, String channelId, JsonNode body, Instant time) {
        public List<JsonNode> embeds() {
            List<JsonNode> out = new ArrayList<>();
            body.path("embeds").forEach(out::add);
            return out;
        }

        public String content() {
            return body.path("content").asText("");
        }
    }

    /** A request the REST side received, with the status it got. */
    public record Call(String method, String path, int status, Instant time) {}

    private record Limit(int limit, Duration window) {}

    private static final class Bucket {
        Instant start;
        int used;
    }

    private final Clock clock;
    private final HttpServer http;
    private final Gateway gateway;
    private final AtomicLong ids = new AtomicLong(1_400_000_000_000_000_000L);
    private final Map<String, String> channels = new LinkedHashMap<>();
    private final Map<String, String> webhooks = new ConcurrentHashMap<>();
    private final Map<String, Limit> limits = new ConcurrentHashMap<>();
    private final Map<String, Bucket> buckets = new HashMap<>();
    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final Map<String, Message> nonces = new HashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, JsonNode> callbacks = new ConcurrentHashMap<>();
    private final List<JsonNode> edits = new CopyOnWriteArrayList<>();
    /** Per interaction id: when it was sent, and the edits of its original response and its followups, in order. */
    private final Map<String, Instant> interactionSent = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> responses = new ConcurrentHashMap<>();
    /** Discord's deadline for the first response to an interaction. */
    public static final Duration INTERACTION_DEADLINE = Duration.ofSeconds(3);
    /** Off unless a test asks: on the wall clock a loaded machine could miss it and make tests flaky. */
    private volatile boolean enforceDeadline;
    private final List<Upload> uploads = new CopyOnWriteArrayList<>();
    /** The files of the request this thread handles; kept only if it is answered with success. */
    private final ThreadLocal<List<Upload>> requestUploads = ThreadLocal.withInitial(ArrayList::new);
    private final Map<String, JsonNode> registeredCommands = new ConcurrentHashMap<>();
    private final AtomicInteger injectedFailures = new AtomicInteger();
    private volatile int injectedStatus = 500;
    private final AtomicInteger injected429 = new AtomicInteger();
    private volatile double injectedRetryAfter = 0;
    private final AtomicInteger status429 = new AtomicInteger();
    private final AtomicInteger status400 = new AtomicInteger();
    private volatile String rejectedBecause;
    private final java.util.concurrent.atomic.AtomicReference<ObjectNode> injectedRefusal = new java.util.concurrent.atomic.AtomicReference<>();
    private volatile String badEmbedTitle;
    /** {text, code, message}: every message whose content has text is refused naming content; or {@code null}. */
    private volatile String[] badContent;
    /** Failures for the next posts whose content has a text: status 0 drops the connection unanswered. */
    private final List<ContentFailure> contentFailures = new CopyOnWriteArrayList<>();

    private record ContentFailure(String text, int status, AtomicInteger left) {}

    private FakeDiscord(Clock clock) throws IOException {
        this.clock = clock;
        channels.put("1500000000000000001", "leads");
        // Load the schemas before the first request, so the first requests are not slower than the rest.
        openApi("POST", "/channels/{channel_id}/messages", JSON.createObjectNode().put("content", "warm-up"));
        openApi("POST", "/webhooks/{webhook_id}/{webhook_token}", JSON.createObjectNode().put("content", "warm-up"));
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        http.createContext("/", this::handle);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.start();
        this.gateway = new Gateway(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        gateway.setReuseAddr(true);
        gateway.start();
        try {
            if (!gateway.started.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("fake gateway did not start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A fake whose rate-limit windows run on the wall clock (for the real JDA client). */
    public static FakeDiscord start() {
        return start(Clock.systemUTC());
    }

    public static FakeDiscord start(Clock clock) {
        try {
            return new FakeDiscord(clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Base URL for JDA's {@code RestConfig.setBaseUrl}. */
    public String restBase() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/api/v10/";
    }

    public String gatewayUrl() {
        return "ws://127.0.0.1:" + gateway.getPort() + "/";
    }

    /** The one text channel the fake starts with. */
    public String channel() {
        return channels.keySet().iterator().next();
    }

    /** Adds a text channel to the guild (before the bot connects) and returns its id. */
    public synchronized String addChannel(String name) {
        String id = nextId();
        channels.put(id, name);
        return id;
    }

    /** Creates a webhook and returns its execute URL. */
    public String createWebhook() {
        String id = nextId();
        String token = "wh-" + Long.toHexString(Long.parseLong(nextId())) + "-secret";
        webhooks.put(id, token);
        return restBase() + "webhooks/" + id + "/" + token;
    }

    /** Deletes a webhook: later executions get 404 Unknown Webhook. */
    public void deleteWebhook(String url) {
        Matcher m = WEBHOOK.matcher(url.substring(url.indexOf("/webhooks/")));
        if (m.find()) {
            webhooks.remove(m.group(1));
        }
    }

    /** Gives {@code routeKey} ({@link #CREATE_MESSAGE}, {@link #EXECUTE_WEBHOOK}) {@code limit} requests per {@code window}, per channel or webhook. */
    public FakeDiscord bucket(String routeKey, int limit, Duration window) {
        limits.put(routeKey, new Limit(limit, window));
        return this;
    }

    /** The next {@code count} message or webhook posts fail with {@code status} (500, 502, 503, ...). */
    public void failNext(int status, int count) {
        injectedStatus = status;
        injectedFailures.set(count);
    }

    /**
     * The next message or webhook post is refused with 400 and Discord's error response for one
     * field: {@code field} a dotted path such as {@code embeds.0.url}, {@code code} and
     * {@code message} as Discord words them (the shape of {@code ErrorResponse} in its API description).
     */
    public void refuseNext(String field, String code, String message) {
        ObjectNode body = error(50035, "Invalid Form Body");
        ObjectNode at = body.putObject("errors");
        for (String part : field.split("\\.")) {
            at = at.putObject(part);
        }
        at.putArray("_errors").addObject().put("code", code).put("message", message);
        injectedRefusal.set(body);
    }

    /**
     * Every message with an embed titled {@code title} is refused, as Discord refuses an embed whose
     * link it cannot parse: 400, naming {@code embeds.<i>.url}. Sending it again is refused again.
     */
    public void refuseEmbedTitled(String title) {
        badEmbedTitle = title;
    }

    /**
     * Every message whose content contains {@code text} is refused: 400, naming {@code content} with
     * {@code code} and {@code message} as Discord words them. Sending it again is refused again.
     */
    public void refuseContentContaining(String text, String code, String message) {
        badContent = new String[] {text, code, message};
    }

    /**
     * The next {@code count} message or webhook posts whose content contains {@code text} fail and
     * post nothing: with {@code status} (500, 502, 429 with {@code retry_after} 0, ...), or, when
     * {@code status} is 0, with no answer at all (the connection is closed, as a network failure
     * shows to the client). Posts whose content does not contain it go through meanwhile.
     */
    public void failNextContaining(String text, int status, int count) {
        contentFailures.add(new ContentFailure(text, status, new AtomicInteger(count)));
    }

    /** The next {@code count} message or webhook posts get 429 with {@code retryAfterSeconds}, whatever the bucket says. */
    public void tooManyNext(int count, double retryAfterSeconds) {
        injectedRetryAfter = retryAfterSeconds;
        injected429.set(count);
    }

    public List<Message> messages() {
        return List.copyOf(messages);
    }

    public List<Message> messages(String channelId) {
        return messages.stream().filter(m -> m.channelId().equals(channelId)).toList();
    }

    /** Every REST request, in arrival order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Requests made to {@code routeKey}, accepted or not. */
    public long calls(String routeKey) {
        return calls.stream().filter(c -> routeKey(c.method(), c.path()).equals(routeKey)).count();
    }

    public int status429() {
        return status429.get();
    }

    public int status400() {
        return status400.get();
    }

    /** Why the last 400 was given, or {@code null}. */
    public String lastRejection() {
        return rejectedBecause;
    }

    /** The callback posted for interaction {@code id}, if any. */
    public Optional<JsonNode> callback(String interactionId) {
        return Optional.ofNullable(callbacks.get(interactionId));
    }

    /**
     * Refuses an interaction's first response that comes more than {@link #INTERACTION_DEADLINE}
     * after it was sent, on this fake's clock, with Discord's 404 10062 "Unknown interaction".
     */
    public FakeDiscord enforceInteractionDeadline() {
        enforceDeadline = true;
        return this;
    }

    /**
     * What was sent for interaction {@code id} after its callback, in order: edits of the original
     * response ({@code PATCH .../messages/@original}) and followups ({@code POST /webhooks/{app}/{token}}).
     */
    public List<JsonNode> responses(String interactionId) {
        return List.copyOf(responses.getOrDefault(interactionId, List.of()));
    }

    /** Edits of deferred replies ({@code PATCH .../messages/@original}), in order. */
    public List<JsonNode> edits() {
        return List.copyOf(edits);
    }

    /**
     * A file sent with a message, an interaction answer or an edit (multipart {@code files[n]}).
     *
     * @param route the API route it came with, e.g. {@code /interactions/1/abc/callback}
     */
    public record Upload(String route, String field, String filename, String contentType, byte[] data) {}

    /** Every file received, in order. */
    public List<Upload> uploads() {
        return List.copyOf(uploads);
    }

    /** Slash commands registered, keyed {@code global} or the guild id. */
    public Optional<JsonNode> registeredCommands(String scope) {
        return Optional.ofNullable(registeredCommands.get(scope));
    }

    /** The intents the bot identified with, or -1 before IDENTIFY. */
    public int identifiedIntents() {
        return gateway.intents;
    }

    public boolean identified() {
        return gateway.intents >= 0;
    }

    // ---- gateway events a test can send ----

    /** Sends a slash command as {@code userId} holding {@code roleIds}; returns the interaction id. */
    public String slashCommand(String name, Map<String, Object> options, String userId, List<String> roleIds, String channelId) {
        ObjectNode data = JSON.createObjectNode().put("id", nextId()).put("name", name).put("type", 1);
        ArrayNode opts = data.putArray("options");
        options.forEach((k, v) -> opts.addObject().put("name", k).put("type", v instanceof Integer || v instanceof Long ? 4 : v instanceof Double ? 10 : 3).putPOJO("value", v));
        return interaction(2, data, userId, roleIds, channelId, null);
    }

    /** Sends an autocomplete request for {@code option} with {@code typed}; returns the interaction id. */
    public String autocomplete(String command, String option, String typed, String userId, String channelId) {
        ObjectNode data = JSON.createObjectNode().put("id", nextId()).put("name", command).put("type", 1);
        data.putArray("options").addObject().put("name", option).put("type", 3).put("value", typed).put("focused", true);
        return interaction(4, data, userId, List.of(), channelId, null);
    }

    /** Clicks the button {@code customId} on {@code message}; returns the interaction id. */
    public String clickButton(Message message, String customId, String userId) {
        ObjectNode data = JSON.createObjectNode().put("custom_id", customId).put("component_type", 2);
        return interaction(3, data, userId, List.of(), message.channelId(), messageObject(message));
    }

    /** Picks {@code values} in the string select {@code customId} on an ephemeral reply to {@code message}; returns the interaction id. */
    public String select(Message message, String customId, List<String> values, String userId) {
        ObjectNode data = JSON.createObjectNode().put("custom_id", customId).put("component_type", 3);
        ArrayNode v = data.putArray("values");
        values.forEach(v::add);
        return interaction(3, data, userId, List.of(), message.channelId(), messageObject(message));
    }

    /** A user reacts to {@code message} with the unicode {@code emoji}. */
    public void react(Message message, String userId, String emoji) {
        react(message, userId, emoji, false);
    }

    /** A user, or with {@code bot} another bot (its member's user flagged {@code bot}), reacts to {@code message} with the unicode {@code emoji}. */
    public void react(Message message, String userId, String emoji, boolean bot) {
        ObjectNode d = JSON.createObjectNode().put("user_id", userId).put("channel_id", message.channelId()).put("message_id", message.id())
                .put("guild_id", GUILD_ID).put("burst", false).put("type", 0).put("message_author_id", APP_ID);
        d.putObject("emoji").putNull("id").put("name", emoji);
        ObjectNode member = member(userId, List.of());
        if (bot) {
            ((ObjectNode) member.get("user")).put("bot", true);
        }
        d.set("member", member);
        gateway.dispatch("MESSAGE_REACTION_ADD", d);
    }

    /** A user removes their reaction {@code emoji} from {@code message} (Discord's event carries no member). */
    public void unreact(Message message, String userId, String emoji) {
        ObjectNode d = JSON.createObjectNode().put("user_id", userId).put("channel_id", message.channelId()).put("message_id", message.id())
                .put("guild_id", GUILD_ID).put("burst", false).put("type", 0);
        d.putObject("emoji").putNull("id").put("name", emoji);
        gateway.dispatch("MESSAGE_REACTION_REMOVE", d);
    }

    /**
     * Someone removes every reaction from {@code message}: MESSAGE_REACTION_REMOVE_ALL, whose fields are only
     * {@code channel_id}, {@code message_id} and {@code guild_id} (Discord's gateway events docs): it names no user or emoji.
     */
    public void clearReactions(Message message) {
        ObjectNode d = JSON.createObjectNode().put("channel_id", message.channelId()).put("message_id", message.id()).put("guild_id", GUILD_ID);
        gateway.dispatch("MESSAGE_REACTION_REMOVE_ALL", d);
    }

    /**
     * Every reaction of the unicode {@code emoji} is removed from {@code message}: MESSAGE_REACTION_REMOVE_EMOJI, with
     * {@code channel_id}, {@code guild_id}, {@code message_id} and the partial {@code emoji} (Discord's gateway events docs): no user.
     */
    public void clearReaction(Message message, String emoji) {
        ObjectNode d = JSON.createObjectNode().put("channel_id", message.channelId()).put("guild_id", GUILD_ID).put("message_id", message.id());
        d.putObject("emoji").putNull("id").put("name", emoji);
        gateway.dispatch("MESSAGE_REACTION_REMOVE_EMOJI", d);
    }

    /** A user posts {@code content} in {@code channelId} (what a prefix command arrives as); returns the message id. */
    public String userMessage(String content, String userId, String channelId) {
        String id = nextId();
        ObjectNode d = JSON.createObjectNode().put("id", id).put("channel_id", channelId).put("guild_id", GUILD_ID).put("content", content)
                .put("timestamp", clock.instant().toString()).putNull("edited_timestamp").put("tts", false).put("mention_everyone", false)
                .put("pinned", false).put("type", 0).put("flags", 0);
        d.set("author", user(userId, "user" + userId.substring(Math.max(0, userId.length() - 4)), false));
        ObjectNode member = member(userId, List.of());
        member.remove("user"); // a message's member object leaves the user out: it is the author
        d.set("member", member);
        d.putArray("mentions");
        d.putArray("mention_roles");
        d.putArray("attachments");
        d.putArray("embeds");
        d.putArray("components");
        gateway.dispatch("MESSAGE_CREATE", d);
        return id;
    }

    private void respondedTo(String token, JsonNode body) {
        if (token.startsWith("itoken-")) {
            responses.computeIfAbsent(token.substring("itoken-".length()), k -> new CopyOnWriteArrayList<>()).add(body);
        }
    }

    private String interaction(int type, ObjectNode data, String userId, List<String> roleIds, String channelId, ObjectNode message) {
        String id = nextId();
        interactionSent.put(id, clock.instant());
        ObjectNode d = JSON.createObjectNode().put("id", id).put("application_id", APP_ID).put("type", type).put("token", "itoken-" + id)
                .put("version", 1).put("guild_id", GUILD_ID).put("channel_id", channelId).put("locale", "en-US").put("guild_locale", "en-US")
                .put("app_permissions", "2248473465835073").put("context", 0).put("attachment_size_limit", 10485760);
        d.set("data", data);
        // Discord sends a partial guild with each guild interaction; JDA finds the cached guild by it.
        d.putObject("guild").put("id", GUILD_ID).put("locale", "en-US").putArray("features");
        d.set("channel", channelObject(channelId, channels.getOrDefault(channelId, "leads")));
        d.set("member", member(userId, roleIds));
        d.putArray("entitlements");
        d.putObject("authorizing_integration_owners").put("0", GUILD_ID);
        if (message != null) {
            d.set("message", message);
        }
        gateway.dispatch("INTERACTION_CREATE", d);
        return id;
    }

    private ObjectNode member(String userId, List<String> roleIds) {
        ObjectNode m = JSON.createObjectNode();
        m.set("user", user(userId, "user" + userId.substring(Math.max(0, userId.length() - 4)), false));
        ArrayNode roles = m.putArray("roles");
        roleIds.forEach(roles::add);
        m.put("joined_at", "2025-01-01T00:00:00.000000+00:00").put("deaf", false).put("mute", false).put("flags", 0).put("pending", false)
                .put("permissions", "2248473465835073").putNull("nick").putNull("avatar").putNull("premium_since").putNull("communication_disabled_until");
        return m;
    }

    private static ObjectNode user(String id, String name, boolean bot) {
        ObjectNode u = JSON.createObjectNode().put("id", id).put("username", name).put("discriminator", "0").putNull("global_name").putNull("avatar")
                .put("public_flags", 0).put("flags", 0);
        if (bot) {
            u.put("bot", true);
        }
        return u;
    }

    private static ObjectNode channelObject(String id, String name) {
        ObjectNode c = JSON.createObjectNode().put("id", id).put("type", 0).put("guild_id", GUILD_ID).put("name", name).put("position", 0)
                .put("nsfw", false).put("rate_limit_per_user", 0).putNull("parent_id").putNull("topic").putNull("last_message_id").put("flags", 0)
                .put("permissions", "2248473465835073");
        c.putArray("permission_overwrites");
        return c;
    }

    private ObjectNode messageObject(Message m) {
        ObjectNode o = ((ObjectNode) m.body()).deepCopy();
        o.put("id", m.id()).put("channel_id", m.channelId()).put("type", 0).put("timestamp", m.time().toString()).putNull("edited_timestamp")
                .put("tts", false).put("mention_everyone", false).put("pinned", false).put("flags", 0);
        if (!o.has("content")) o.put("content", "");
        if (!o.has("embeds")) o.putArray("embeds");
        if (!o.has("components")) o.putArray("components");
        o.putArray("mentions");
        o.putArray("mention_roles");
        o.putArray("attachments");
        o.set("author", user(APP_ID, "flywheel", true));
        o.remove("allowed_mentions");
        numberComponents(o.path("components"), new AtomicInteger());
        o.path("embeds").forEach(e -> ((ObjectNode) e).put("type", "rich"));
        return o;
    }

    private static void numberComponents(JsonNode components, AtomicInteger next) {
        for (JsonNode c : components) {
            if (c instanceof ObjectNode o && !o.has("id")) {
                o.put("id", next.incrementAndGet());
            }
            numberComponents(c.path("components"), next);
        }
    }

    // ---- REST ----

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        try (ex) {
            requestUploads.get().clear();
            byte[] in = ex.getRequestBody().readAllBytes();
            if (!path.startsWith("/api/v10/")) {
                respond(ex, method, path, 404, error(0, "404: Not Found"), Map.of());
                return;
            }
            String route = path.substring("/api/v10".length());
            String contentType = ex.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
                List<Upload> files = new ArrayList<>();
                String problem;
                try {
                    in = multipart(route, contentType, in, files);
                    problem = in == null ? "multipart body without a payload_json part" : null;
                } catch (IllegalArgumentException e) {
                    problem = e.getMessage();
                }
                if (problem != null) {
                    reject(ex, method, path, problem);
                    return;
                }
                requestUploads.get().addAll(files);
            }
            // Bot routes need the bot token; webhooks and interaction callbacks carry their own.
            boolean botRoute = !route.startsWith("/webhooks/") && !route.startsWith("/interactions/") && !route.equals("/gateway");
            if (botRoute && !("Bot " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                respond(ex, method, path, 401, error(0, "401: Unauthorized"), Map.of());
                return;
            }
            Matcher m;
            if (method.equals("GET") && route.equals("/users/@me")) {
                respond(ex, method, path, 200, user(APP_ID, "flywheel", true), Map.of());
            } else if (method.equals("GET") && route.startsWith("/gateway")) {
                ObjectNode g = JSON.createObjectNode().put("url", gatewayUrl()).put("shards", 1);
                g.putObject("session_start_limit").put("total", 1000).put("remaining", 1000).put("reset_after", 0).put("max_concurrency", 1);
                respond(ex, method, path, 200, g, Map.of());
            } else if (method.equals("PUT") && (m = COMMANDS.matcher(route)).matches()) {
                JsonNode commands = JSON.readTree(in);
                String schemaProblem = openApi("PUT", m.group(2) == null ? "/applications/{application_id}/commands" : "/applications/{application_id}/guilds/{guild_id}/commands",
                        numericStringsAsNumbers(commands));
                if (schemaProblem != null) {
                    reject(ex, method, path, schemaProblem);
                    return;
                }
                for (JsonNode c : commands) {
                    ((ObjectNode) c).put("id", nextId()).put("application_id", APP_ID).put("version", nextId()).put("type", c.path("type").asInt(1));
                    if (m.group(2) != null) ((ObjectNode) c).put("guild_id", m.group(2));
                }
                registeredCommands.put(m.group(2) == null ? "global" : m.group(2), commands);
                respond(ex, method, path, 200, commands, Map.of());
            } else if (method.equals("POST") && (m = MESSAGES.matcher(route)).matches()) {
                if (!channels.containsKey(m.group(1))) {
                    respond(ex, method, path, 404, error(10003, "Unknown Channel"), Map.of());
                    return;
                }
                post(ex, method, path, CREATE_MESSAGE, m.group(1), in);
            } else if (method.equals("POST") && (m = CALLBACK.matcher(route)).matches()) {
                JsonNode body = JSON.readTree(in);
                Instant sent = interactionSent.get(m.group(1));
                if (enforceDeadline && sent != null && clock.instant().isAfter(sent.plus(INTERACTION_DEADLINE))) {
                    // Discord invalidates the token of an interaction not answered within 3 s.
                    respond(ex, method, path, 404, error(10062, "Unknown interaction"), Map.of());
                    return;
                }
                if (callbacks.putIfAbsent(m.group(1), body) != null) {
                    respond(ex, method, path, 400, error(40060, "Interaction has already been acknowledged."), Map.of());
                    return;
                }
                int type = body.path("type").asInt();
                String problem = openApi("POST", "/interactions/{interaction_id}/{interaction_token}/callback", body);
                if (problem == null && (type == 4 || type == 7 || type == 8)) {
                    problem = problem(body.path("data"), type == 8);
                }
                if (problem != null) {
                    reject(ex, method, path, problem);
                    return;
                }
                respond(ex, method, path, 204, null, Map.of());
            } else if (method.equals("PATCH") && (m = WEBHOOK_ORIGINAL.matcher(route)).matches()) {
                JsonNode body = JSON.readTree(in);
                String problem = openApi("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original", body);
                if (problem == null) {
                    problem = problem(body, false);
                }
                if (problem != null) {
                    reject(ex, method, path, problem);
                    return;
                }
                edits.add(body);
                respondedTo(m.group(2), body);
                Message msg = new Message(nextId(), channel(), body, clock.instant());
                respond(ex, method, path, 200, messageObject(msg), Map.of());
            } else if (method.equals("POST") && (m = WEBHOOK.matcher(route)).matches()) {
                if (m.group(1).equals(APP_ID)) {
                    Message msg = new Message(nextId(), channel(), JSON.readTree(in), clock.instant());
                    edits.add(msg.body());
                    respondedTo(m.group(2), msg.body());
                    respond(ex, method, path, 200, messageObject(msg), Map.of());
                    return;
                }
                String token = webhooks.get(m.group(1));
                if (token == null || !token.equals(m.group(2))) {
                    respond(ex, method, path, token == null ? 404 : 401, token == null ? error(10015, "Unknown Webhook") : error(50027, "Invalid Webhook Token"), Map.of());
                    return;
                }
                post(ex, method, path, EXECUTE_WEBHOOK, m.group(1), in);
            } else {
                respond(ex, method, path, 404, error(0, "404: Not Found"), Map.of());
            }
        } catch (RuntimeException e) {
            respond(ex, method, path, 500, error(0, "fake discord failed: " + e), Map.of());
        }
    }

    /**
     * JDA numbers the attachments of a multipart payload with integers ({@code "id": 0}); Discord
     * takes them, but the OpenAPI description types every snowflake as a string.
     */
    private static byte[] attachmentIdsAsStrings(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            // a message body has them at the top, an interaction response under data
            for (JsonNode holder : List.of(node, node.path("data"))) {
                if (holder.path("attachments") instanceof ArrayNode list) {
                    for (JsonNode a : list) {
                        if (a instanceof ObjectNode o && o.path("id").isIntegralNumber()) {
                            o.put("id", o.path("id").asText());
                        }
                    }
                }
            }
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalArgumentException("payload_json is not JSON: " + e.getMessage());
        }
    }

    private static final Pattern FILE_FIELD = Pattern.compile("files\\[(\\d+)]");

    /**
     * Splits a {@code multipart/form-data} body as Discord reads it: {@code payload_json} is the
     * JSON body (returned), each {@code files[n]} part a file (added to {@code files}); anything
     * else is refused.
     */
    private static byte[] multipart(String route, String contentType, byte[] body, List<Upload> files) {
        Matcher b = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType);
        if (!b.find()) {
            throw new IllegalArgumentException("multipart Content-Type without a boundary: " + contentType);
        }
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String delimiter = "--" + b.group(1);
        byte[] payload = null;
        String[] parts = text.split(Pattern.quote(delimiter), -1);
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            if (part.startsWith("--")) {
                break;
            }
            int headerEnd = part.indexOf("\r\n\r\n");
            if (headerEnd < 0) {
                throw new IllegalArgumentException("multipart part " + i + " has no header end");
            }
            String headers = part.substring(0, headerEnd);
            String content = part.substring(headerEnd + 4);
            if (content.endsWith("\r\n")) {
                content = content.substring(0, content.length() - 2);
            }
            Matcher name = Pattern.compile("(?i)content-disposition:[^\r\n]*\\bname=\"([^\"]*)\"").matcher(headers);
            if (!name.find()) {
                throw new IllegalArgumentException("multipart part " + i + " has no Content-Disposition name");
            }
            Matcher filename = Pattern.compile("(?i)filename=\"([^\"]*)\"").matcher(headers);
            Matcher type = Pattern.compile("(?i)content-type:\\s*([^\r\n]+)").matcher(headers);
            byte[] bytes = content.getBytes(StandardCharsets.ISO_8859_1);
            if (name.group(1).equals("payload_json")) {
                payload = attachmentIdsAsStrings(new String(bytes, StandardCharsets.UTF_8));
            } else if (FILE_FIELD.matcher(name.group(1)).matches()) {
                if (!filename.find() || filename.group(1).isBlank()) {
                    throw new IllegalArgumentException("multipart part " + name.group(1) + " has no filename");
                }
                files.add(new Upload(route, name.group(1), filename.group(1), type.find() ? type.group(1).strip() : null, bytes));
            } else {
                throw new IllegalArgumentException("multipart part '" + name.group(1) + "' is neither payload_json nor files[n]");
            }
        }
        return payload;
    }

    /** A message post: injected failures, then the bucket, then the limits. */
    private void post(HttpExchange ex, String method, String path, String routeKey, String major, byte[] in) throws IOException {
        if (failByContent(ex, method, path, routeKey, in)) {
            return;
        }
        if (injectedFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            respond(ex, method, path, injectedStatus, error(0, "injected server error"), Map.of());
            return;
        }
        ObjectNode refusal = injectedRefusal.getAndSet(null);
        if (refusal != null) {
            status400.incrementAndGet();
            rejectedBecause = refusal.toString();
            respond(ex, method, path, 400, refusal, Map.of());
            return;
        }
        if (injected429.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            tooMany(ex, method, path, routeKey, injectedRetryAfter);
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Limit limit = limits.get(routeKey);
        if (limit != null) {
            double wait;
            synchronized (buckets) {
                Bucket b = buckets.computeIfAbsent(routeKey + ":" + major, k -> new Bucket());
                Instant now = clock.instant();
                if (b.start == null || !now.isBefore(b.start.plus(limit.window()))) {
                    b.start = now;
                    b.used = 0;
                }
                double resetAfter = Duration.between(now, b.start.plus(limit.window())).toNanos() / 1e9;
                if (b.used >= limit.limit()) {
                    wait = resetAfter;
                } else {
                    b.used++;
                    wait = -1;
                    headers.put("X-RateLimit-Limit", Integer.toString(limit.limit()));
                    headers.put("X-RateLimit-Remaining", Integer.toString(limit.limit() - b.used));
                    headers.put("X-RateLimit-Reset-After", String.format(Locale.ROOT, "%.3f", resetAfter));
                    headers.put("X-RateLimit-Reset", String.format(Locale.ROOT, "%.3f", b.start.plus(limit.window()).toEpochMilli() / 1000.0));
                    headers.put("X-RateLimit-Bucket", Integer.toHexString(routeKey.hashCode()));
                }
            }
            if (wait >= 0) {
                tooMany(ex, method, path, routeKey, wait);
                return;
            }
        }
        JsonNode body;
        try {
            body = JSON.readTree(in);
        } catch (IOException e) {
            reject(ex, method, path, "body is not JSON: " + e.getMessage());
            return;
        }
        String problem = openApi("POST", routeKey.equals(CREATE_MESSAGE) ? "/channels/{channel_id}/messages" : "/webhooks/{webhook_id}/{webhook_token}", body);
        if (problem == null) {
            problem = problem(body, false);
        }
        if (problem != null) {
            reject(ex, method, path, problem);
            return;
        }
        for (int i = 0; badEmbedTitle != null && i < body.path("embeds").size(); i++) {
            if (body.path("embeds").get(i).path("title").asText().equals(badEmbedTitle)) {
                ObjectNode badUrl = error(50035, "Invalid Form Body");
                badUrl.putObject("errors").putObject("embeds").putObject(Integer.toString(i)).putObject("url").putArray("_errors").addObject()
                        .put("code", "URL_TYPE_INVALID_URL").put("message", "Not a well formed URL.");
                status400.incrementAndGet();
                rejectedBecause = badUrl.toString();
                respond(ex, method, path, 400, badUrl, Map.of());
                return;
            }
        }
        String[] bad = badContent;
        if (bad != null && body.path("content").asText("").contains(bad[0])) {
            ObjectNode badText = error(50035, "Invalid Form Body");
            badText.putObject("errors").putObject("content").putArray("_errors").addObject().put("code", bad[1]).put("message", bad[2]);
            status400.incrementAndGet();
            rejectedBecause = badText.toString();
            respond(ex, method, path, 400, badText, Map.of());
            return;
        }
        // enforce_nonce: a message with a nonce seen before in this channel is returned, not created again.
        String nonce = body.path("enforce_nonce").asBoolean() && body.hasNonNull("nonce") ? major + "/" + body.path("nonce").asText() : null;
        Message msg;
        synchronized (nonces) {
            Message seen = nonce == null ? null : nonces.get(nonce);
            if (seen != null) {
                respond(ex, method, path, 200, messageObject(seen), headers);
                return;
            }
            msg = new Message(nextId(), major, body, clock.instant());
            messages.add(msg);
            if (nonce != null) {
                nonces.put(nonce, msg);
            }
        }
        boolean wait = ex.getRequestURI().getQuery() != null && ex.getRequestURI().getQuery().contains("wait=true");
        if (routeKey.equals(EXECUTE_WEBHOOK) && !wait) {
            respond(ex, method, path, 204, null, headers);
        } else {
            respond(ex, method, path, 200, messageObject(msg), headers);
        }
    }

    /** Answers a post whose content matches an injected failure; false when none applies. */
    private boolean failByContent(HttpExchange ex, String method, String path, String routeKey, byte[] in) throws IOException {
        if (contentFailures.isEmpty()) {
            return false;
        }
        String content;
        try {
            content = JSON.readTree(in).path("content").asText("");
        } catch (IOException e) {
            return false; // refused below as not JSON
        }
        for (ContentFailure f : contentFailures) {
            if (content.contains(f.text()) && f.left().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                if (f.status() == 0) {
                    calls.add(new Call(method, path, 0, clock.instant()));
                    requestUploads.get().clear();
                    // Closing the exchange before any response header is written drops the connection unanswered.
                    ex.close();
                } else if (f.status() == 429) {
                    tooMany(ex, method, path, routeKey, 0);
                } else {
                    respond(ex, method, path, f.status(), error(0, "injected failure"), Map.of());
                }
                return true;
            }
        }
        return false;
    }

    private void tooMany(HttpExchange ex, String method, String path, String routeKey, double retryAfter) throws IOException {
        status429.incrementAndGet();
        ObjectNode body = JSON.createObjectNode().put("message", "You are being rate limited.").put("retry_after", Math.round(retryAfter * 1000) / 1000.0).put("global", false);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Retry-After", Long.toString((long) Math.ceil(retryAfter)));
        headers.put("X-RateLimit-Scope", "user");
        headers.put("X-RateLimit-Limit", "1");
        headers.put("X-RateLimit-Remaining", "0");
        headers.put("X-RateLimit-Reset-After", String.format(Locale.ROOT, "%.3f", retryAfter));
        headers.put("X-RateLimit-Bucket", Integer.toHexString(routeKey.hashCode()));
        respond(ex, method, path, 429, body, headers);
    }

    private void reject(HttpExchange ex, String method, String path, String problem) throws IOException {
        status400.incrementAndGet();
        rejectedBecause = problem;
        respond(ex, method, path, 400, error(50035, "Invalid Form Body: " + problem), Map.of());
    }

    /**
     * Discord accepts numeric strings where its description says integer, and JDA sends command
     * {@code contexts} and {@code integration_types} that way; a copy with those as numbers.
     */
    private static JsonNode numericStringsAsNumbers(JsonNode commands) {
        JsonNode copy = commands.deepCopy();
        for (JsonNode c : copy) {
            for (String field : List.of("contexts", "integration_types")) {
                if (c.path(field) instanceof ArrayNode a) {
                    for (int i = 0; i < a.size(); i++) {
                        if (a.get(i).isTextual() && a.get(i).asText().matches("\\d+")) {
                            a.set(i, JSON.getNodeFactory().numberNode(Integer.parseInt(a.get(i).asText())));
                        }
                    }
                }
            }
        }
        return copy;
    }

    /** Where {@code body} breaks the route's schema in Discord's OpenAPI description, or {@code null}. */
    private static String openApi(String method, String route, JsonNode body) {
        List<String> problems = DiscordOpenApi.requestProblems(method, route, body);
        return problems.isEmpty() ? null : "does not match Discord's OpenAPI description: " + String.join("; ", problems);
    }

    /** What Discord would refuse in a message body beyond its schema (the 6,000-character total), or {@code null}. */
    static String problem(JsonNode body, boolean autocomplete) {
        if (autocomplete) {
            JsonNode choices = body.path("choices");
            if (choices.size() > 25) return "more than 25 autocomplete choices";
            for (JsonNode c : choices) {
                if (c.path("name").asText().isEmpty() || c.path("name").asText().length() > 100) return "choice name must be 1-100 characters";
                if (c.path("value").isTextual() && c.path("value").asText().length() > 100) return "choice value longer than 100";
            }
            return null;
        }
        String content = body.path("content").asText("");
        if (content.length() > 2000) return "content: must be 2000 or fewer in length (" + content.length() + ")";
        JsonNode embeds = body.path("embeds");
        if (embeds.size() > 10) return "embeds: must be 10 or fewer in length";
        int total = 0;
        for (JsonNode e : embeds) {
            int title = e.path("title").asText("").length();
            int description = e.path("description").asText("").length();
            if (title > 256) return "embeds.title: must be 256 or fewer in length";
            if (description > 4096) return "embeds.description: must be 4096 or fewer in length";
            if (e.path("fields").size() > 25) return "embeds.fields: must be 25 or fewer in length";
            if (e.has("url") && !e.path("url").asText().matches("https?://.+")) return "embeds.url: not a well formed URL";
            total += title + description + e.path("footer").path("text").asText("").length() + e.path("author").path("name").asText("").length();
            for (JsonNode f : e.path("fields")) {
                String name = f.path("name").asText("");
                String value = f.path("value").asText("");
                if (name.isEmpty() || name.length() > 256) return "embeds.fields.name: must be 1-256 in length";
                if (value.isEmpty() || value.length() > 1024) return "embeds.fields.value: must be 1-1024 in length";
                total += name.length() + value.length();
            }
        }
        if (total > 6000) return "embeds: embed size exceeds maximum size of 6000 (" + total + ")";
        JsonNode rows = body.path("components");
        if (rows.size() > 5) return "components: must be 5 or fewer in length";
        Set<String> customIds = new java.util.HashSet<>();
        for (JsonNode row : rows) {
            if (row.path("type").asInt() != 1 || row.path("components").isEmpty() || row.path("components").size() > 5) return "components: rows hold 1-5 components";
            for (JsonNode c : row.path("components")) {
                String id = c.path("custom_id").asText("");
                if (c.path("style").asInt() != 5 && (id.isEmpty() || id.length() > 100 || !customIds.add(id))) return "components.custom_id: 1-100 characters, unique";
                if (c.path("label").asText("").length() > 80) return "components.label: must be 80 or fewer in length";
            }
        }
        boolean flagsOnly = body.has("flags") && body.size() <= 2;
        if (content.isEmpty() && embeds.isEmpty() && rows.isEmpty() && !flagsOnly && !body.has("choices")) return "Cannot send an empty message";
        return null;
    }

    private void respond(HttpExchange ex, String method, String path, int status, JsonNode body, Map<String, String> headers) throws IOException {
        calls.add(new Call(method, path, status, clock.instant()));
        if (status < 300) {
            uploads.addAll(requestUploads.get());
        }
        requestUploads.get().clear();
        // Without a Via header JDA takes a 429 for a Cloudflare ban.
        ex.getResponseHeaders().add("Via", "1.1 google");
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        if (body == null) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("code", code).put("message", message);
    }

    static String routeKey(String method, String path) {
        String route = path.startsWith("/api/v10") ? path.substring("/api/v10".length()) : path;
        if (MESSAGES.matcher(route).matches()) return method + " /channels/{channel.id}/messages";
        if (WEBHOOK.matcher(route).matches()) return method + " /webhooks/{webhook.id}/{webhook.token}";
        return method + " " + route;
    }

    /** A snowflake carrying the current time, as Discord's do: JDA reads an interaction's age from its id. */
    private String nextId() {
        long now = (System.currentTimeMillis() - DISCORD_EPOCH) << 22;
        return Long.toString(ids.updateAndGet(last -> Math.max(last + 1, now)));
    }

    @Override
    public void close() {
        http.stop(0);
        try {
            gateway.stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- gateway ----

    private final class Gateway extends WebSocketServer {
        final CountDownLatch started = new CountDownLatch(1);
        final List<WebSocket> sessions = new CopyOnWriteArrayList<>();
        final AtomicInteger sequence = new AtomicInteger();
        volatile int intents = -1;

        Gateway(InetSocketAddress address) {
            super(address);
        }

        @Override
        public void onStart() {
            started.countDown();
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            sessions.add(conn);
            ObjectNode hello = JSON.createObjectNode().put("op", 10).putNull("s").putNull("t");
            hello.putObject("d").put("heartbeat_interval", 41250);
            conn.send(hello.toString());
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            JsonNode frame;
            try {
                frame = JSON.readTree(message);
            } catch (IOException e) {
                conn.close(4002, "Error while decoding payload.");
                return;
            }
            switch (frame.path("op").asInt(-1)) {
                case 1 -> conn.send("{\"op\":11,\"d\":null,\"s\":null,\"t\":null}");
                case 2 -> identify(conn, frame.path("d"));
                case 6 -> send(conn, "RESUMED", JSON.createObjectNode());
                case 8 -> {
                    ObjectNode chunk = JSON.createObjectNode().put("guild_id", GUILD_ID).put("chunk_index", 0).put("chunk_count", 1);
                    chunk.putArray("members");
                    if (frame.path("d").has("nonce")) chunk.put("nonce", frame.path("d").path("nonce").asText());
                    send(conn, "GUILD_MEMBERS_CHUNK", chunk);
                }
                default -> { }
            }
        }

        private void identify(WebSocket conn, JsonNode d) {
            if (!TOKEN.equals(d.path("token").asText())) {
                conn.close(4004, "Authentication failed.");
                return;
            }
            intents = d.path("intents").asInt();
            ObjectNode ready = JSON.createObjectNode().put("v", 10).put("session_id", "fake-session").put("resume_gateway_url", gatewayUrl());
            ready.set("user", user(APP_ID, "flywheel", true).put("verified", true).put("mfa_enabled", false));
            ready.putArray("guilds").addObject().put("id", GUILD_ID).put("unavailable", true);
            ready.putArray("private_channels");
            ready.putArray("relationships");
            ready.putArray("presences");
            ready.putArray("guild_join_requests");
            ready.putObject("application").put("id", APP_ID).put("flags", 0);
            ready.set("user_settings", JSON.createObjectNode());
            send(conn, "READY", ready);
            if ((intents & 1) != 0) {
                send(conn, "GUILD_CREATE", guild());
            }
        }

        private ObjectNode guild() {
            ObjectNode g = JSON.createObjectNode().put("id", GUILD_ID).put("name", "Flywheel test guild").put("owner_id", "1").putNull("icon")
                    .putNull("splash").putNull("banner").putNull("description").put("verification_level", 0).put("default_message_notifications", 0)
                    .put("explicit_content_filter", 0).put("mfa_level", 0).put("premium_tier", 0).put("premium_progress_bar_enabled", false)
                    .put("nsfw_level", 0).put("preferred_locale", "en-US").put("member_count", 3).put("large", false).put("unavailable", false)
                    .put("afk_timeout", 300).put("system_channel_flags", 0).put("joined_at", "2025-01-01T00:00:00.000000+00:00");
            g.putArray("features");
            ArrayNode roles = g.putArray("roles");
            roles.add(role(GUILD_ID, "@everyone", 0));
            roles.add(role(ADMIN_ROLE_ID, "flywheel-admin", 1));
            ArrayNode chans = g.putArray("channels");
            synchronized (FakeDiscord.this) {
                channels.forEach((id, name) -> {
                    ObjectNode c = channelObject(id, name);
                    c.remove("guild_id");
                    c.remove("permissions");
                    chans.add(c);
                });
            }
            // JDA needs the bot's own member in the guild.
            ObjectNode self = member(APP_ID, List.of());
            self.set("user", user(APP_ID, "flywheel", true));
            g.putArray("members").add(self);
            for (String empty : List.of("emojis", "stickers", "threads", "voice_states", "presences", "stage_instances", "guild_scheduled_events", "soundboard_sounds")) {
                g.putArray(empty);
            }
            return g;
        }

        private ObjectNode role(String id, String name, int position) {
            ObjectNode r = JSON.createObjectNode().put("id", id).put("name", name).put("color", 0).put("hoist", false).putNull("icon")
                    .putNull("unicode_emoji").put("position", position).put("permissions", "2248473465835073").put("managed", false)
                    .put("mentionable", false).put("flags", 0);
            // JDA 6 reads role colors from here; a role without it fails to load.
            r.putObject("colors").put("primary_color", 0).putNull("secondary_color").putNull("tertiary_color");
            return r;
        }

        /** Sends event {@code type} to every session; a payload that is not as Discord's gateway docs list its fields is a bug in this fake. */
        void dispatch(String type, JsonNode d) {
            List<String> problems = DiscordGatewayDocs.problems(type, d);
            if (!problems.isEmpty()) {
                throw new IllegalStateException("FakeDiscord: " + type + " is not as Discord's gateway docs list it: " + problems);
            }
            for (WebSocket s : sessions) {
                if (s.isOpen()) {
                    send(s, type, d);
                }
            }
        }

        private void send(WebSocket conn, String type, JsonNode d) {
            ObjectNode frame = JSON.createObjectNode().put("op", 0).put("s", sequence.incrementAndGet()).put("t", type);
            frame.set("d", d);
            conn.send(frame.toString());
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
            sessions.remove(conn);
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
            if (conn == null) {
                started.countDown();
            }
        }
    }
}
