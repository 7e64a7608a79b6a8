package io.flywheel.plugins.discord;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Which failures mean the message itself can never be sent (so its post is refused, not retried). */
class RefusalTest {
    @Test
    void jdaRefusingToBuildTheMessageIsARefusalAndANetworkErrorIsNot() {
        assertThat(DiscordBot.refusal(new CompletionException(new IllegalArgumentException("URL may not be longer than 2000 characters!"))))
                .isEqualTo("the message cannot be built: URL may not be longer than 2000 characters!");
        assertThat(DiscordBot.refusal(new CompletionException(new IOException("connection reset")))).isNull();
        assertThat(DiscordBot.refusal(new IllegalStateException("JDA is shutting down"))).isNull();
    }
}
