package io.flywheel.api;

/**
 * Makes configured instances of one type of component. Each entry under {@code sources:},
 * {@code markets:}, {@code strategies:} or {@code outputs:} in {@code config.yml} names a
 * {@link #type()}; the host binds the rest of that entry to {@link #configType()} and calls
 * {@link #create}. One factory can back many instances, each with its own config.
 *
 * <p>Config records are validated in their compact constructor: throw
 * {@link IllegalArgumentException} with a message naming the field, and the host reports it
 * with file, line and column. Reference-typed components missing from the YAML arrive as
 * {@code null} (so the constructor can default them); {@code java.nio.file.Path} components are
 * resolved against the config file's folder; {@code java.time.Duration} accepts {@code 15m},
 * {@code 1h30m}, {@code 500ms} or ISO-8601.
 *
 * @param <C> the record this type's config section binds to
 * @param <T> what it makes
 */
public interface ComponentFactory<C extends Record, T> {

    /** Kebab-case name used as {@code type:} in config.yml, unique across loaded plugins. */
    String type();

    /** The record the instance's config section binds to; {@link NoConfig} when there is none. */
    Class<C> configType();

    /** Makes one instance. Called once per configured instance, after validation succeeded. */
    T create(C config, PluginContext context);

    /** One line shown by {@code flywheel plugins}. */
    default String description() {
        return "";
    }
}
