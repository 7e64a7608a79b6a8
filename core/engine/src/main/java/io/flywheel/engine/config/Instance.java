package io.flywheel.engine.config;

/**
 * One entry of a component section as the host read it, before the plugin's part is bound.
 *
 * @param host the host-owned keys, an instance of {@link ComponentKind#hostSettings()}
 * @param settings the rest of the entry, bound later to the plugin's config record
 * @param location where the entry starts
 */
public record Instance(ComponentKind kind, String id, String type, boolean enabled, Record host, ConfigNode.MapNode settings, Location location) {

    /** For messages: {@code sources[hn-jobs]}. */
    public String path() {
        return kind.section() + "[" + id + "]";
    }

    public <R extends Record> R host(Class<R> type) {
        return type.cast(host);
    }
}
