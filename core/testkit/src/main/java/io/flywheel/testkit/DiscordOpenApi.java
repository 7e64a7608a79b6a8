package io.flywheel.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks request bodies against Discord's official OpenAPI description (API v10, copied into the
 * testkit with its origin in {@code discord/README.md}): the request schema of a route, or a
 * named component schema.
 */
public final class DiscordOpenApi {
    private static final String RESOURCE = "io/flywheel/testkit/discord/openapi.json";
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();
    private static volatile JsonNode document;

    private DiscordOpenApi() {}

    /** What is wrong with {@code body} as component schema {@code name} (e.g. {@code MessageCreateRequest}); empty when it conforms. */
    public static List<String> problems(String name, JsonNode body) {
        Set<ValidationMessage> errors = schema(name).validate(body);
        return errors.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    /**
     * What is wrong with {@code body} as the request of {@code method} {@code path} (a path as the
     * description writes it, e.g. {@code /channels/{channel_id}/messages}); empty when it conforms
     * to the route's schema or, where the route accepts several, to any of them.
     */
    public static List<String> requestProblems(String method, String path, JsonNode body) {
        JsonNode schema = document().path("paths").path(path).path(method.toLowerCase(java.util.Locale.ROOT))
                .path("requestBody").path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            throw new IllegalArgumentException("Discord's OpenAPI description has no JSON request for " + method + " " + path);
        }
        if (schema.has("$ref")) {
            return problems(name(schema), body);
        }
        if (schema.has("anyOf") || schema.has("oneOf")) {
            List<String> all = new ArrayList<>();
            for (JsonNode option : schema.has("anyOf") ? schema.get("anyOf") : schema.get("oneOf")) {
                List<String> p = problems(name(option), body);
                if (p.isEmpty()) {
                    return List.of();
                }
                all.add(name(option) + ": " + String.join("; ", p));
            }
            return all;
        }
        if (schema.path("items").has("$ref") && body.isArray()) {
            List<String> all = new ArrayList<>();
            int max = schema.path("maxItems").asInt(Integer.MAX_VALUE);
            if (body.size() > max) {
                all.add("more than " + max + " items");
            }
            for (int i = 0; i < body.size(); i++) {
                for (String p : problems(name(schema.get("items")), body.get(i))) {
                    all.add("[" + i + "] " + p);
                }
            }
            return all;
        }
        throw new IllegalArgumentException("unsupported request schema shape for " + method + " " + path);
    }

    private static String name(JsonNode ref) {
        String r = ref.path("$ref").asText();
        return r.substring(r.lastIndexOf('/') + 1);
    }

    private static JsonSchema schema(String name) {
        return SCHEMAS.computeIfAbsent(name, n -> FACTORY.getSchema(SchemaLocation.of("classpath:" + RESOURCE + "#/components/schemas/" + n)));
    }

    private static JsonNode document() {
        if (document == null) {
            try (InputStream in = DiscordOpenApi.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the testkit");
                }
                document = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return document;
    }
}
