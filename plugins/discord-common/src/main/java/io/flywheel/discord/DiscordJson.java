package io.flywheel.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;

/** The JSON Discord's REST API takes for a packed message (create message, execute webhook). */
public final class DiscordJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DiscordJson() {}

    /**
     * The body of a message: content or embeds, and {@code allowed_mentions} empty so nothing in
     * a scraped title can ping {@code @everyone} or a role.
     */
    public static ObjectNode message(PackedMessage m) {
        ObjectNode body = JSON.createObjectNode();
        if (m.content() != null) {
            body.put("content", m.content());
        }
        if (!m.embeds().isEmpty()) {
            ArrayNode embeds = body.putArray("embeds");
            m.embeds().forEach(e -> embeds.add(embed(e)));
        }
        body.putObject("allowed_mentions").putArray("parse");
        return body;
    }

    public static ObjectNode embed(Embed e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("title", e.title());
        if (e.url() != null) {
            o.put("url", e.url());
        }
        if (e.description() != null) {
            o.put("description", e.description());
        }
        if (e.color() != null) {
            o.put("color", e.color());
        }
        if (e.timestamp() != null) {
            o.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(e.timestamp()));
        }
        if (e.footer() != null) {
            o.putObject("footer").put("text", e.footer());
        }
        if (!e.fields().isEmpty()) {
            ArrayNode fields = o.putArray("fields");
            for (Embed.Field f : e.fields()) {
                fields.addObject().put("name", f.name()).put("value", f.value()).put("inline", f.inline());
            }
        }
        return o;
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a response body; an unreadable body reads as an empty object. */
    public static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /**
     * Discord's error response as one line: its message, its code, and each field it refused with
     * why, e.g. {@code Invalid Form Body (code 50035): embeds.0.url: Not a well formed URL.}
     */
    public static String describeError(JsonNode response, String fallback) {
        StringBuilder b = new StringBuilder(response.path("message").asText(fallback));
        if (response.path("code").asInt(0) != 0) {
            b.append(" (code ").append(response.path("code").asInt()).append(')');
        }
        java.util.List<String> fields = new java.util.ArrayList<>();
        fieldErrors(response.path("errors"), "", fields);
        if (!fields.isEmpty()) {
            b.append(": ").append(String.join("; ", fields.subList(0, Math.min(fields.size(), 5))));
            if (fields.size() > 5) {
                b.append("; and ").append(fields.size() - 5).append(" more");
            }
        }
        return b.toString();
    }

    /** Parts of a message Discord can name in an error: a refusal naming only these is about what the message says, not about the sender. */
    private static final java.util.Set<String> MESSAGE_FIELDS = java.util.Set.of("content", "embeds", "components", "attachments", "allowed_mentions",
            "poll", "flags", "message_reference", "sticker_ids");

    /**
     * Whether Discord's error response names only fields of the message (an embed's link, the
     * content): sending the same message again would be refused again. A refusal of anything else
     * (the webhook's username, no field at all) is about the sender's settings.
     */
    public static boolean blamesTheMessage(JsonNode response) {
        JsonNode errors = response.path("errors");
        if (!errors.isObject() || errors.isEmpty()) {
            return false;
        }
        for (var names = errors.fieldNames(); names.hasNext();) {
            if (!isMessageField(names.next())) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code name} is a part of a message (its content, an embed, ...), not a setting of the sender. */
    public static boolean isMessageField(String name) {
        return MESSAGE_FIELDS.contains(name);
    }

    private static void fieldErrors(JsonNode node, String path, java.util.List<String> out) {
        if (!node.isObject()) {
            return;
        }
        for (JsonNode e : node.path("_errors")) {
            out.add((path.isEmpty() ? "(body)" : path) + ": " + e.path("message").asText(e.path("code").asText("refused")));
        }
        node.properties().forEach(f -> {
            if (!f.getKey().equals("_errors")) {
                fieldErrors(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), out);
            }
        });
    }
}
