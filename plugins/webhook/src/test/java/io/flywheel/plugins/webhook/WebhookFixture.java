package io.flywheel.plugins.webhook;

import io.flywheel.discord.Backoff;
import io.flywheel.discord.Packer;
import io.flywheel.testkit.FakeDiscord;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import io.flywheel.testkit.TestPluginContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the webhook tests start from (register it with {@code @RegisterExtension}): a fake Discord
 * on a manual clock with one webhook, started before each test and closed after it, and outputs
 * made as the plugin makes them, posting to that webhook (output id {@code hook}).
 */
final class WebhookFixture implements BeforeEachCallback, AfterEachCallback {
    /** The outputs' retries: 1 s, 2 s, 4 s, at most 8 s, on the manual scheduler. */
    static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), 3);

    final ManualClock clock = ManualClock.atDefaultStart();
    final ManualScheduler scheduler = new ManualScheduler(clock);
    private FakeDiscord fake;
    private String url;

    @Override
    public void beforeEach(ExtensionContext context) {
        fake = FakeDiscord.start(clock);
        url = fake.createWebhook();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        fake.close();
    }

    FakeDiscord fake() {
        return fake;
    }

    /** The webhook outputs post to. */
    String url() {
        return url;
    }

    /** Creates another webhook, which outputs made from now on post to (as an operator replacing the webhook does). */
    String replaceWebhook() {
        url = fake.createWebhook();
        return url;
    }

    /** An output posting to {@link #url()}, shown in {@code mode} with {@code bodyChars} of each body, its work folder {@code workDir}. */
    WebhookOutput output(Packer.Mode mode, int bodyChars, Path workDir) {
        WebhookOutputFactory.Config config = new WebhookOutputFactory.Config(URI.create(url), mode, bodyChars, "Flywheel", null, null);
        return new WebhookOutput(config, TestPluginContext.of("hook", clock, scheduler, workDir), BACKOFF);
    }
}
