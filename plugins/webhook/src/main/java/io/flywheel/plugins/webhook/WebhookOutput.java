package io.flywheel.plugins.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flywheel.api.PluginContext;
import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Output;
import io.flywheel.api.output.Post;
import io.flywheel.discord.Backoff;
import io.flywheel.discord.DiscordJson;
import io.flywheel.discord.DiscordLimits;
import io.flywheel.discord.PackedMessage;
import io.flywheel.discord.Packer;
import io.flywheel.discord.PostRenderer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * Posts packed messages to one Discord webhook ({@code POST /webhooks/{id}/{token}?wait=true}),
 * in order, with its own rate-limit handling: it waits out an exhausted bucket
 * ({@code X-RateLimit-Remaining: 0} until {@code X-RateLimit-Reset-After}), honours a 429's
 * {@code retry_after}, retries 5xx and network errors with backoff, and treats 404 (or 401) as a
 * deleted webhook: it stops, reports it, and leaves the posts in the outbox. Every wait goes
 * through the host scheduler. The URL's token never reaches a log line.
 */
final class WebhookOutput implements Output {
    static final int MAX_RATE_LIMITED = 20;
    private static final Pattern TOKEN = Pattern.compile("(/webhooks/\\d+/)[\\w-]+");

    private final WebhookOutputFactory.Config config;
    private final PluginContext ctx;
    private final Logger log;
    private final Packer packer;
    private final Backoff backoff;
    private final HttpClient http;
    private final URI endpoint;
    private final String masked;
    private final ReentrantLock sending = new ReentrantLock();
    private volatile String gone;
    private volatile String problem;
    private int remaining = -1;
    private Instant resetAt = Instant.MIN;

    WebhookOutput(WebhookOutputFactory.Config config, PluginContext ctx, Backoff backoff) {
        this.config = config;
        this.ctx = ctx;
        this.log = ctx.log();
        this.packer = new Packer(DiscordLimits.DISCORD, new PostRenderer(DiscordLimits.DISCORD, config.bodyChars()), config.mode());
        this.backoff = backoff;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        String base = config.url().toString().replaceAll("/$", "");
        this.endpoint = URI.create(base + "?wait=true" + (config.threadId().isEmpty() ? "" : "&thread_id=" + config.threadId()));
        this.masked = mask(base);
    }

    /** {@code url} with the webhook token replaced by {@code ****}. */
    static String mask(String url) {
        return TOKEN.matcher(url).replaceAll("$1****");
    }

    @Override
    public boolean ready() {
        return gone == null;
    }

    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(gone != null ? gone : problem);
    }

    @Override
    public CompletableFuture<List<Delivery>> send(List<Post> posts) {
        return send(posts, delivered -> {});
    }

    @Override
    public CompletableFuture<List<Delivery>> send(List<Post> posts, java.util.function.Consumer<List<Delivery>> onDelivered) {
        CompletableFuture<List<Delivery>> result = new CompletableFuture<>();
        Thread.ofVirtual().name("webhook-" + ctx.instanceId()).start(() -> {
            sending.lock();
            try {
                result.complete(sendAll(posts, onDelivered));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.completeExceptionally(e);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            } finally {
                sending.unlock();
            }
        });
        return result;
    }

    private List<Delivery> sendAll(List<Post> posts, java.util.function.Consumer<List<Delivery>> onDelivered) throws InterruptedException {
        List<Delivery> delivered = new ArrayList<>();
        java.util.Set<Integer> handled = new java.util.HashSet<>(); // sent or refused on their own, out of the packed order
        List<PackedMessage> messages = packer.pack(posts);
        for (int i = 0; i < messages.size(); i++) {
            if (gone != null) {
                break;
            }
            PackedMessage m = messages.get(i);
            if (handled.containsAll(m.posts())) {
                continue; // the rest of a post refused, or sent alone, with an earlier message
            }
            Sent sent = post(m);
            if (sent.refusal() != null && m.posts().size() == 1) {
                handled.add(m.posts().getFirst());
                report(List.of(Delivery.refused(posts.get(m.posts().getFirst()).id(), sent.refusal())), delivered, onDelivered);
                continue;
            }
            if (sent.refusal() != null) {
                // One of the posts is at fault: each goes again on its own, so only that one is refused.
                log.warn("Webhook {}: a message of {} posts was refused ({}); sending them one at a time", masked, m.posts().size(), sent.refusal());
                boolean stopped = false;
                for (int p : m.posts()) {
                    if (handled.contains(p)) {
                        continue;
                    }
                    Optional<Delivery> alone = alone(posts.get(p));
                    if (alone.isEmpty()) {
                        stopped = true;
                        break;
                    }
                    handled.add(p);
                    report(List.of(alone.get()), delivered, onDelivered);
                }
                if (stopped) {
                    break;
                }
                continue;
            }
            if (sent.messageId() == null) {
                log.warn("Webhook {}: {} message(s) not sent; their posts stay queued", masked, messages.size() - i);
                break;
            }
            report(m.completed().stream().map(p -> new Delivery(posts.get(p).id(), sent.messageId())).toList(), delivered, onDelivered);
        }
        return delivered;
    }

    /** Sends one post in messages of its own; empty when a message was not sent for a reason other than the post. */
    private Optional<Delivery> alone(Post post) throws InterruptedException {
        String last = null;
        for (PackedMessage part : packer.pack(List.of(post))) {
            Sent sent = post(part);
            if (sent.refusal() != null) {
                return Optional.of(Delivery.refused(post.id(), sent.refusal()));
            }
            if (sent.messageId() == null) {
                return Optional.empty();
            }
            last = sent.messageId();
        }
        return last == null ? Optional.empty() : Optional.of(new Delivery(post.id(), last));
    }

    private void report(List<Delivery> now, List<Delivery> delivered, java.util.function.Consumer<List<Delivery>> onDelivered) {
        delivered.addAll(now);
        try {
            onDelivered.accept(now);
        } catch (RuntimeException e) {
            log.warn("Webhook {}: the host could not record {} delivery(ies) yet: {}", masked, now.size(), e.getMessage());
        }
    }

    /** What became of one message: accepted ({@code messageId}), refused for what it says ({@code refusal}), or neither (not sent now). */
    private record Sent(String messageId, String refusal) {
        static final Sent NOT_SENT = new Sent(null, null);
    }

    /** Posts one message, waiting and retrying as Discord asks. */
    private Sent post(PackedMessage m) throws InterruptedException {
        ObjectNode body = DiscordJson.message(m);
        if (!config.username().isEmpty()) {
            body.put("username", config.username());
        }
        byte[] bytes = DiscordJson.bytes(body);
        int serverErrors = 0;
        int rateLimited = 0;
        while (true) {
            waitForBucket();
            HttpResponse<byte[]> response;
            try {
                response = http.send(HttpRequest.newBuilder(endpoint).timeout(config.timeout())
                        .header("Content-Type", "application/json").header("User-Agent", "Flywheel (webhook output)")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (++serverErrors > backoff.attempts()) {
                    problem = "cannot reach Discord: " + e.getMessage();
                    log.warn("Webhook {}: {} (gave up after {} attempts)", masked, problem, serverErrors);
                    return Sent.NOT_SENT;
                }
                Duration wait = backoff.delay(serverErrors);
                log.info("Webhook {}: {}; retry {} of {} in {} ms", masked, e.getMessage(), serverErrors, backoff.attempts(), wait.toMillis());
                ctx.scheduler().sleep(wait);
                continue;
            }
            updateBucket(response);
            int status = response.statusCode();
            if (status == 200 || status == 204) {
                problem = null;
                JsonNode json = DiscordJson.parse(response.body());
                return new Sent(json.path("id").asText("webhook-" + ctx.clock().millis()), null);
            }
            JsonNode json = DiscordJson.parse(response.body());
            if (status == 429) {
                double retryAfter = json.path("retry_after").asDouble(header(response, "Retry-After").map(Double::parseDouble).orElse(1.0));
                if (++rateLimited > MAX_RATE_LIMITED) {
                    problem = "rate limited " + rateLimited + " times in a row";
                    log.warn("Webhook {}: {}; trying again later", masked, problem);
                    return Sent.NOT_SENT;
                }
                Duration wait = Duration.ofMillis((long) Math.ceil(retryAfter * 1000));
                log.info("Webhook {}: rate limited{}; waiting {} ms as Discord asks", masked, json.path("global").asBoolean() ? " (global)" : "", wait.toMillis());
                ctx.scheduler().sleep(wait);
                continue;
            }
            if (status >= 500) {
                if (++serverErrors > backoff.attempts()) {
                    problem = "Discord answered " + status + " " + backoff.attempts() + " times in a row";
                    log.warn("Webhook {}: {}; trying again later", masked, problem);
                    return Sent.NOT_SENT;
                }
                Duration wait = backoff.delay(serverErrors);
                log.info("Webhook {}: HTTP {}; retry {} of {} in {} ms", masked, status, serverErrors, backoff.attempts(), wait.toMillis());
                ctx.scheduler().sleep(wait);
                continue;
            }
            String message = json.path("message").asText("HTTP " + status);
            if (status == 404 || status == 401) {
                gone = "the webhook " + masked + " is gone (" + status + " " + message + "): create a new one in the channel's Integrations settings and update its URL; posts wait in the outbox";
                log.error("Webhook {}: {}", masked, gone);
                return Sent.NOT_SENT;
            }
            String why = status + " " + DiscordJson.describeError(json, "HTTP " + status);
            if (status == 413 || status == 400 && DiscordJson.blamesTheMessage(json)) {
                return new Sent(null, "Discord refused the message (" + why + ")");
            }
            problem = "Discord refused a message (" + why + ")";
            log.error("Webhook {}: {}", masked, problem);
            return Sent.NOT_SENT;
        }
    }

    /** Waits until the bucket has room, as the last response said. */
    private void waitForBucket() throws InterruptedException {
        Instant now = ctx.clock().instant();
        if (remaining == 0 && now.isBefore(resetAt)) {
            Duration wait = Duration.between(now, resetAt);
            log.debug("Webhook {}: bucket empty; waiting {} ms", masked, wait.toMillis());
            ctx.scheduler().sleep(wait);
        }
    }

    private void updateBucket(HttpResponse<?> response) {
        Optional<String> left = header(response, "X-RateLimit-Remaining");
        Optional<String> resetAfter = header(response, "X-RateLimit-Reset-After");
        if (left.isPresent() && resetAfter.isPresent()) {
            try {
                remaining = Integer.parseInt(left.get().strip());
                resetAt = ctx.clock().instant().plusMillis((long) Math.ceil(Double.parseDouble(resetAfter.get().strip()) * 1000));
            } catch (NumberFormatException e) {
                log.debug("Webhook {}: unreadable rate-limit headers {} / {}", masked, left.get(), resetAfter.get());
            }
        }
    }

    private static Optional<String> header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name);
    }

    @Override
    public void close() {
        http.close();
    }
}
