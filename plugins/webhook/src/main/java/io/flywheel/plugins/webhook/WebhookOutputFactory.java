package io.flywheel.plugins.webhook;

import io.flywheel.api.PluginContext;
import io.flywheel.api.output.Output;
import io.flywheel.api.output.OutputFactory;
import io.flywheel.discord.Backoff;
import io.flywheel.discord.Packer;
import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/** The {@code webhook} output: posts to a Discord webhook URL, no bot needed. */
@Extension
public final class WebhookOutputFactory implements OutputFactory<WebhookOutputFactory.Config> {
    static final Pattern WEBHOOK_PATH = Pattern.compile(".*/webhooks/(\\d+)/([\\w-]+)/?");

    /**
     * @param url the webhook URL (a secret: write {@code ${DISCORD_WEBHOOK_URL}})
     * @param mode {@code embeds} (default) or {@code text}
     * @param bodyChars how much of each post's body to show (default 280)
     * @param username overrides the webhook's name, or empty
     * @param threadId post into this thread of the webhook's channel, or empty
     * @param timeout one request's limit (default 15 s)
     */
    public record Config(URI url, Packer.Mode mode, Integer bodyChars, String username, String threadId, Duration timeout) {
        public Config {
            if (url == null) {
                throw new IllegalArgumentException("url: required (write url: ${DISCORD_WEBHOOK_URL} and set it in .env)");
            }
            if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme()) || url.getPath() == null || !WEBHOOK_PATH.matcher(url.getPath()).matches()) {
                throw new IllegalArgumentException("url: expected a Discord webhook URL like https://discord.com/api/webhooks/<id>/<token>, found "
                        + WebhookOutput.mask(url.toString()));
            }
            if (url.getQuery() != null) {
                throw new IllegalArgumentException("url: leave the query out (use thread-id for threads)");
            }
            mode = mode == null ? Packer.Mode.EMBEDS : mode;
            bodyChars = bodyChars == null ? 280 : bodyChars;
            if (bodyChars < 0 || bodyChars > 4096) {
                throw new IllegalArgumentException("body-chars: must be 0-4096, found " + bodyChars);
            }
            username = username == null ? "" : username.strip();
            if (username.length() > 80) {
                throw new IllegalArgumentException("username: at most 80 characters");
            }
            threadId = threadId == null ? "" : threadId.strip();
            if (!threadId.isEmpty() && !threadId.matches("\\d{1,20}")) {
                throw new IllegalArgumentException("thread-id: a Discord id is digits, found '" + threadId + "'");
            }
            timeout = timeout == null ? Duration.ofSeconds(15) : timeout;
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout: must be positive, found " + timeout);
            }
        }
    }

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public String description() {
        return "posts packed messages to a Discord webhook URL";
    }

    @Override
    public Output create(Config config, PluginContext context) {
        return new WebhookOutput(config, context, Backoff.DEFAULT);
    }
}
