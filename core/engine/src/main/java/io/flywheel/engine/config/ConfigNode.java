package io.flywheel.engine.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A YAML value with the place it was written, so every problem can name file, line and column. */
public sealed interface ConfigNode permits ConfigNode.MapNode, ConfigNode.ListNode, ConfigNode.ScalarNode {

    Location location();

    /** A short word for error messages: "a map", "a list", "a value". */
    String kind();

    /** A mapping; keys keep their own location. */
    record MapNode(Map<String, Entry> entries, Location location) implements ConfigNode {
        public MapNode {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        public ConfigNode get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        /** This map without {@code keys}. */
        public MapNode without(java.util.Collection<String> keys) {
            Map<String, Entry> rest = new LinkedHashMap<>(entries);
            rest.keySet().removeAll(keys);
            return new MapNode(rest, location);
        }

        @Override
        public String kind() {
            return "a map";
        }
    }

    record Entry(Location keyLocation, ConfigNode value) {}

    record ListNode(List<ConfigNode> items, Location location) implements ConfigNode {
        public ListNode {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /**
     * A scalar as written (before environment substitution); {@code text} is {@code null} for YAML null.
     */
    record ScalarNode(String text, Location location) implements ConfigNode {
        @Override
        public String kind() {
            return text == null ? "null" : "a value";
        }
    }
}
