package io.flywheel.engine.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads YAML into {@link ConfigNode}s that remember their line and column. */
final class YamlTreeReader {
    private final YAMLFactory factory = YAMLFactory.builder().build();

    /** Returns the document's root, or {@code null} (with a problem recorded) when it cannot be parsed. */
    ConfigNode read(Path file, Reader reader, Problems problems) {
        String text;
        try {
            java.io.StringWriter all = new java.io.StringWriter();
            reader.transferTo(all);
            text = all.toString();
        } catch (IOException e) {
            problems.error(Location.of(file), "cannot read: " + e.getMessage());
            return null;
        }
        try (JsonParser parser = factory.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new ConfigNode.MapNode(Map.of(), new Location(file, 1, 1));
            }
            ConfigNode root = node(file, parser, problems);
            JsonToken next = parser.nextToken();
            while (next == JsonToken.VALUE_NULL || next == JsonToken.VALUE_STRING && parser.getText().isEmpty()) {
                next = parser.nextToken(); // a '---' with nothing after it: an empty document loses nothing
            }
            if (next != null) {
                // the parser reads one document; all after a second '---' would be dropped without a word
                int line = documentStart(text, parser.currentTokenLocation().getLineNr());
                problems.error(new Location(file, line, 1), "a second YAML document starts here ('---'); config.yml is one document and"
                        + " everything from this line on would be ignored: remove the '---' line or merge the two");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            Location where = at == null ? Location.of(file) : new Location(file, at.getLineNr(), at.getColumnNr());
            // the parser's own mark of the problem is where the mistake is; the exception's location is the end of the last good token
            where = yamlMark(e.getOriginalMessage()).map(m -> new Location(file, m[0], m[1])).orElse(where);
            problems.error(where, "not valid YAML: " + yamlProblem(e.getOriginalMessage()));
            return null;
        } catch (IOException e) {
            problems.error(Location.of(file), "cannot read: " + e.getMessage());
            return null;
        }
    }

    /** Only SnakeYAML's own " in 'reader', line N, column M:" lines: the excerpt lines under them are the operator's text. */
    private static final java.util.regex.Pattern MARK = java.util.regex.Pattern.compile("^ in '[^']*', line (\\d+), column (\\d+):?$", java.util.regex.Pattern.MULTILINE);

    /**
     * Where the parser places the problem: its last mark, but at an end of stream (an unclosed quote or bracket)
     * the mark before, where the unclosed thing begins, as the end of stream is past the file's last line.
     */
    static java.util.Optional<int[]> yamlMark(String message) {
        List<int[]> marks = new ArrayList<>();
        java.util.regex.Matcher m = MARK.matcher(message == null ? "" : message);
        while (m.find()) {
            marks.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
        }
        if (marks.isEmpty()) {
            return java.util.Optional.empty();
        }
        boolean endOfStream = marks.size() > 1
                && message.lines().anyMatch(l -> !l.isEmpty() && !Character.isWhitespace(l.charAt(0)) && l.contains("end of stream"));
        return java.util.Optional.of(endOfStream ? marks.getFirst() : marks.getLast());
    }

    /**
     * The parser's message without its "in 'reader', line N" lines and source excerpts (the location is
     * given apart): what it found first, then what it was doing ("expected <block end>, but found ...
     * (while parsing a block collection)"), as the first line alone said only the latter.
     */
    static String yamlProblem(String message) {
        java.util.List<String> said = message == null ? java.util.List.of()
                : message.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0))).toList();
        if (said.isEmpty()) {
            return "parse error";
        }
        String text = said.size() == 1 ? said.getFirst()
                : String.join("; ", said.subList(1, said.size())) + " (" + said.getFirst() + ")";
        return text.contains("<block end>") || text.contains("<block mapping start>") ? text + "; check the indentation of this line and the one above" : text;
    }

    private ConfigNode node(Path file, JsonParser parser, Problems problems) throws IOException {
        Location here = location(file, parser.currentTokenLocation());
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, ConfigNode.Entry> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    Location keyAt = location(file, parser.currentTokenLocation());
                    parser.nextToken();
                    ConfigNode value = node(file, parser, problems);
                    if (entries.containsKey(key)) {
                        problems.error(keyAt, "duplicate key '" + key + "' (first at line " + entries.get(key).keyLocation().line() + ")");
                    } else {
                        entries.put(key, new ConfigNode.Entry(keyAt, value));
                    }
                }
                return new ConfigNode.MapNode(entries, here);
            }
            case START_ARRAY -> {
                List<ConfigNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(node(file, parser, problems));
                }
                return new ConfigNode.ListNode(items, here);
            }
            case VALUE_NULL -> {
                return new ConfigNode.ScalarNode(null, here);
            }
            default -> {
                return new ConfigNode.ScalarNode(parser.getText(), here);
            }
        }
    }

    /** The line of the {@code ---} that opens the document whose first token is on {@code tokenLine}. */
    private static int documentStart(String text, int tokenLine) {
        List<String> lines = text.lines().toList();
        for (int i = Math.min(tokenLine, lines.size()) - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("---")) {
                return i + 1;
            }
        }
        return tokenLine;
    }

    private static Location location(Path file, JsonLocation at) {
        return new Location(file, at.getLineNr(), at.getColumnNr());
    }
}
