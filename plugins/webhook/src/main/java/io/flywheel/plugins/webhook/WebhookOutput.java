package io.flywheel.plugins.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flywheel.api.PluginContext;
import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Output;
import io.flywheel.api.output.Partial;
import io.flywheel.api.output.Post;
import io.flywheel.api.output.Receipts;
import io.flywheel.discord.Backoff;
import io.flywheel.discord.DiscordJson;
import io.flywheel.discord.DiscordLimits;
import io.flywheel.discord.InOrder;
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
    private static final Pattern WEBHOOK_ID = Pattern.compile("/webhooks/(\\d+)/");
    /** A partial mark as this output keeps it: {@code at:<webhook id>[/<thread id>] <Shown mark>}. */
    private static final String AT = "at:";

    private final WebhookOutputFactory.Config config;
    private final PluginContext ctx;
    private final Logger log;
    private final Packer packer;
    private final Backoff backoff;
    private final HttpClient http;
    private final URI endpoint;
    private final String masked;
    /**
     * Where this output posts, for partial marks: the webhook's id (a new token for the same webhook
     * is the same place) and thread; the masked URL when it names no webhook id.
     */
    private final String destination;
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
        java.util.regex.Matcher id = WEBHOOK_ID.matcher(base);
        this.destination = (id.find() ? id.group(1) : masked.replace(' ', '+')) + (config.threadId().isEmpty() ? "" : "/" + config.threadId());
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
        return send(posts, Receipts.of(onDelivered));
    }

    @Override
    public CompletableFuture<List<Delivery>> send(List<Post> posts, Receipts receipts) {
        CompletableFuture<List<Delivery>> result = new CompletableFuture<>();
        Thread.ofVirtual().name("webhook-" + ctx.instanceId()).start(() -> {
            sending.lock();
            try {
                result.complete(sendAll(posts, receipts));
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

    private List<Delivery> sendAll(List<Post> posts, Receipts receipts) throws InterruptedException {
        InOrder.Sender sender = (m, batch) -> {
            if (gone != null) {
                return CompletableFuture.completedFuture(new InOrder.Outcome.NotSent());
            }
            try {
                Sent sent = post(m);
                return CompletableFuture.completedFuture(sent.refusal() != null ? new InOrder.Outcome.Refused(sent.refusal())
                        : sent.messageId() != null ? new InOrder.Outcome.Sent(sent.messageId()) : new InOrder.Outcome.NotSent());
            } catch (InterruptedException e) {
                return CompletableFuture.failedFuture(e);
            }
        };
        try {
            // The sender answers at once (this thread waits on Discord), so the whole batch runs here.
            return InOrder.send(posts, packer, sender, new Receipts() {
                @Override
                public void accepted(List<Delivery> deliveries, List<Partial> partials) {
                    // A webhook takes no engagement: the message each post showed in is not worth the host's record (no messageRef).
                    try {
                        receipts.accepted(deliveries, partials.stream().map(p -> new Partial(p.postId(), AT + destination + " " + p.mark())).toList());
                    } catch (RuntimeException e) {
                        log.warn("Webhook {}: the host could not record {} delivery(ies) and {} partly posted post(s) yet: {}", masked, deliveries.size(),
                                partials.size(), e.getMessage());
                    }
                }

                @Override
                public Optional<String> partial(String postId) {
                    Optional<String> mark = receipts.partial(postId);
                    if (mark.isEmpty() || !mark.get().startsWith(AT)) {
                        return mark; // none, or written before marks said where
                    }
                    int space = mark.get().indexOf(' ');
                    String where = space < 0 ? "" : mark.get().substring(AT.length(), space);
                    if (!where.equals(destination)) {
                        // Its head is where the webhook posted then: the rest alone would start mid-post in another channel or thread.
                        log.warn("Webhook {}: post {} was partly posted through another webhook or thread before ({}); it is sent whole here", masked, postId,
                                where);
                        return Optional.empty();
                    }
                    return Optional.of(mark.get().substring(space + 1));
                }
            }, (n, why) -> log.warn("Webhook {}: a message of {} posts was refused ({}); sending them one at a time", masked, n, why),
                    why -> log.warn("Webhook {}: {}", masked, why)).join();
        } catch (java.util.concurrent.CompletionException e) {
            switch (e.getCause()) {
                case InterruptedException ie -> throw ie;
                case RuntimeException re -> throw re; // as it was thrown, not wrapped
                case null, default -> throw e;
            }
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
