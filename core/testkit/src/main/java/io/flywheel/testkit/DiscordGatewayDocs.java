package io.flywheel.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fields of gateway events as Discord's developer docs list them (the "Event Fields" tables of
 * {@code gateway-events.mdx}, copied into the testkit with its origin in {@code discord/README.md}),
 * so the fake's payloads are the documented ones, not ones written from memory.
 */
public final class DiscordGatewayDocs {
    private static final String RESOURCE = "io/flywheel/testkit/discord/gateway-events.mdx";
    private static final Map<String, Optional<Map<String, Boolean>>> TABLES = new ConcurrentHashMap<>();
    private static volatile String text;

    private DiscordGatewayDocs() {}

    /**
     * The documented fields of gateway event {@code type} (e.g. {@code MESSAGE_REACTION_REMOVE_ALL}),
     * each with whether it is required (no {@code ?} after its name); empty when the docs give no field table for it.
     */
    public static Optional<Map<String, Boolean>> fields(String type) {
        return TABLES.computeIfAbsent(type, DiscordGatewayDocs::parse);
    }

    /** What is wrong with {@code payload} as event {@code type}: a required field missing, a field the docs do not list. */
    public static List<String> problems(String type, JsonNode payload) {
        Optional<Map<String, Boolean>> table = fields(type);
        if (table.isEmpty()) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        table.get().forEach((name, required) -> {
            if (required && !payload.has(name)) {
                problems.add(type + ": required field " + name + " is missing");
            }
        });
        payload.fieldNames().forEachRemaining(name -> {
            if (!table.get().containsKey(name)) {
                problems.add(type + ": field " + name + " is not one the docs list");
            }
        });
        return problems;
    }

    /** MESSAGE_REACTION_REMOVE_ALL -> the table under "###### Message Reaction Remove All Event Fields". */
    private static Optional<Map<String, Boolean>> parse(String type) {
        StringBuilder title = new StringBuilder("###### ");
        for (String word : type.toLowerCase(Locale.ROOT).split("_")) {
            title.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1)).append(' ');
        }
        String heading = title.append("Event Fields").toString();
        String[] lines = text().split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].strip().equals(heading)) {
                continue;
            }
            Map<String, Boolean> fields = new LinkedHashMap<>();
            int row = i + 1;
            while (row < lines.length && !lines[row].startsWith("|")) {
                row++;
            }
            for (row += 2; row < lines.length && lines[row].startsWith("|"); row++) { // past the header and its rule
                String name = lines[row].split("\\|")[1].strip();
                boolean optional = name.endsWith("?");
                fields.put(optional ? name.substring(0, name.length() - 1) : name, !optional);
            }
            return Optional.of(Map.copyOf(fields));
        }
        return Optional.empty();
    }

    private static String text() {
        String t = text;
        if (t == null) {
            try (InputStream in = DiscordGatewayDocs.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from flywheel-testkit");
                }
                t = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                text = t;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
        }
        return t;
    }
}
