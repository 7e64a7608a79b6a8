package io.flywheel.plugins.discord;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.testkit.FakeDiscord;
import io.flywheel.testkit.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fake holds bots to Discord's 3 s deadline for an interaction's first response, on its own clock. */
class InteractionDeadlineTest {

    private static HttpResponse<String> deferredReply(FakeDiscord fake, String interaction) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(fake.restBase() + "interactions/" + interaction + "/itoken-" + interaction + "/callback"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"type\":5,\"data\":{\"flags\":64}}")).build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void aFirstResponseAfterThreeSecondsIsRefusedAsAnUnknownInteraction() throws Exception {
        ManualClock clock = ManualClock.atDefaultStart();
        try (FakeDiscord fake = FakeDiscord.start(clock).enforceInteractionDeadline()) {
            String inTime = fake.slashCommand("stats", Map.of(), "1700000000000000002", List.of(), fake.channel());
            clock.advance(FakeDiscord.INTERACTION_DEADLINE);
            assertThat(deferredReply(fake, inTime).statusCode()).isEqualTo(204);
            assertThat(fake.callback(inTime)).isPresent();

            String late = fake.slashCommand("stats", Map.of(), "1700000000000000002", List.of(), fake.channel());
            clock.advance(FakeDiscord.INTERACTION_DEADLINE.plus(Duration.ofMillis(1)));
            HttpResponse<String> refused = deferredReply(fake, late);
            assertThat(refused.statusCode()).isEqualTo(404);
            assertThat(refused.body()).contains("10062", "Unknown interaction");
            assertThat(fake.callback(late)).isEmpty();
        }
    }
}
