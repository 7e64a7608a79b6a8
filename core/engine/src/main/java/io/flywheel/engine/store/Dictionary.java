package io.flywheel.engine.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.mapdb.BTreeMap;

/** Small ids for repeated names (platforms, keywords, outputs), so index keys pack into one long. */
final class Dictionary {
    private final String what;
    private final BTreeMap<String, Integer> stored;
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<String> names = new CopyOnWriteArrayList<>();

    Dictionary(String what, BTreeMap<String, Integer> stored) {
        this.what = what;
        this.stored = stored;
        String[] byId = new String[stored.size()];
        stored.forEach((name, id) -> {
            if (id < 0 || id >= byId.length || byId[id] != null) {
                throw new StoreException("the " + what + " dictionary in the store is damaged at '" + name + "' -> " + id);
            }
            byId[id] = name;
        });
        for (int i = 0; i < byId.length; i++) {
            ids.put(byId[i], i);
            names.add(byId[i]);
        }
    }

    /** The id of {@code name}, or -1 when it was never stored. */
    int find(String name) {
        Integer id = ids.get(name);
        return id == null ? -1 : id;
    }

    /** The id of {@code name}, assigning the next one if new (writer only). */
    int id(String name) {
        Integer id = ids.get(name);
        if (id != null) {
            return id;
        }
        int next = names.size();
        if (next > Buckets.MAX_PREFIX) {
            throw new StoreException("too many distinct " + what + "s (" + next + "); the store indexes at most " + Buckets.MAX_PREFIX);
        }
        stored.put(name, next);
        names.add(name);
        ids.put(name, next);
        return next;
    }

    String name(int id) {
        return names.get(id);
    }

    int size() {
        return names.size();
    }
}
