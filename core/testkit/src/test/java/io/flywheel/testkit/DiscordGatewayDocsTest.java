package io.flywheel.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiscordGatewayDocsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsTheFieldTablesOfTheReactionClearEventsFromDiscordsDocs() {
        assertThat(DiscordGatewayDocs.fields("MESSAGE_REACTION_REMOVE_ALL"))
                .hasValue(Map.of("channel_id", true, "message_id", true, "guild_id", false));
        assertThat(DiscordGatewayDocs.fields("MESSAGE_REACTION_REMOVE_EMOJI"))
                .hasValue(Map.of("channel_id", true, "guild_id", false, "message_id", true, "emoji", true));
        assertThat(DiscordGatewayDocs.fields("MESSAGE_REACTION_REMOVE")).hasValueSatisfying(f -> assertThat(f).containsEntry("user_id", true));
        assertThat(DiscordGatewayDocs.fields("INTERACTION_CREATE")).as("no field table: the payload is an interaction").isEmpty();
    }

    @Test
    void aPayloadMissingARequiredFieldOrCarryingAnUndocumentedOneIsNamed() {
        ObjectNode d = JSON.createObjectNode().put("channel_id", "1").put("user_id", "2");
        assertThat(DiscordGatewayDocs.problems("MESSAGE_REACTION_REMOVE_ALL", d)).containsExactlyInAnyOrder(
                "MESSAGE_REACTION_REMOVE_ALL: required field message_id is missing",
                "MESSAGE_REACTION_REMOVE_ALL: field user_id is not one the docs list");
        d.remove("user_id");
        d.put("message_id", "3");
        assertThat(DiscordGatewayDocs.problems("MESSAGE_REACTION_REMOVE_ALL", d)).isEmpty();
    }
}
