package io.flywheel.engine.rules;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Names numbered in order of first use. The array behind {@link #names()} only grows: entries
 * below a count once read never change, so a batch can carry the array and the count it saw to
 * another thread while later batches add names.
 */
final class NameTable {
    private final Map<String, Integer> ids = new HashMap<>();
    private String[] names = new String[8];
    private int count;
    private String last;
    private int lastId;

    /** The id of {@code name}, numbering it if it is new. */
    int id(String name) {
        if (name == last) { // leads of one source come in runs
            return lastId;
        }
        Integer id = ids.get(name);
        int known = id != null ? id : add(name);
        last = name;
        lastId = known;
        return known;
    }

    /** The id of {@code name}, or -1 when it has none. */
    int find(String name) {
        Integer id = ids.get(name);
        return id == null ? -1 : id;
    }

    int add(String name) {
        if (count == names.length) {
            names = Arrays.copyOf(names, count * 2);
        }
        names[count] = name;
        ids.put(name, count);
        return count++;
    }

    int count() {
        return count;
    }

    String[] names() {
        return names;
    }
}
