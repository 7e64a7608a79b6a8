package io.flywheel.plugins.web;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One configured JSON field: a pointer ({@code /a/b}) or a template with {@code {/pointer}} parts. */
record JsonField(String spec, List<Object> parts) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(/[^}]*)}");

    /** Parses {@code spec}; {@code null} for an absent field. */
    static JsonField parse(String name, String spec) {
        if (spec == null || spec.isBlank()) {
            return null;
        }
        String s = spec.strip();
        List<Object> parts = new ArrayList<>();
        try {
            if (s.startsWith("/")) {
                parts.add(JsonPointer.compile(s));
            } else {
                Matcher m = PLACEHOLDER.matcher(s);
                int last = 0;
                while (m.find()) {
                    if (m.start() > last) {
                        parts.add(s.substring(last, m.start()));
                    }
                    parts.add(JsonPointer.compile(m.group(1)));
                    last = m.end();
                }
                if (last < s.length()) {
                    parts.add(s.substring(last));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fields." + name + ": '" + s + "' is not a valid JSON Pointer: " + e.getMessage());
        }
        if (parts.stream().noneMatch(p -> p instanceof JsonPointer)) {
            throw new IllegalArgumentException("fields." + name + ": '" + s + "' is neither a JSON Pointer (like /" + s
                    + ") nor a template with {/pointer} parts");
        }
        return new JsonField(s, List.copyOf(parts));
    }

    /** The pointer when the field is a single pointer, for reading non-text values (numbers, arrays). */
    JsonPointer pointer() {
        return parts.size() == 1 && parts.getFirst() instanceof JsonPointer p ? p : null;
    }

    /** The field's text in {@code item}, or {@code null} when every pointer in it is missing or empty. */
    String text(JsonNode item) {
        StringBuilder b = new StringBuilder();
        boolean any = false;
        for (Object part : parts) {
            if (part instanceof JsonPointer p) {
                String v = scalar(item.at(p));
                if (v != null) {
                    b.append(v);
                    any = true;
                }
            } else {
                b.append(part);
            }
        }
        String s = b.toString().strip();
        return any && !s.isEmpty() ? s : null;
    }

    /** The node at a single-pointer field, or a missing node. */
    JsonNode node(JsonNode item) {
        JsonPointer p = pointer();
        return p == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : item.at(p);
    }

    static String scalar(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (n.isArray()) {
            List<String> values = new ArrayList<>();
            n.forEach(e -> {
                String v = scalar(e);
                if (v != null && !v.isBlank()) {
                    values.add(v.strip());
                }
            });
            return values.isEmpty() ? null : String.join(", ", values);
        }
        if (n.isObject()) {
            return null;
        }
        String v = n.asText();
        return v == null || v.isBlank() ? null : v;
    }
}
