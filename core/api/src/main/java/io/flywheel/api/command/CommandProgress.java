package io.flywheel.api.command;

/**
 * Where a long-running command reports how far it got. The Discord adapter shows each update by
 * editing its deferred reply; other adapters may ignore updates.
 */
@FunctionalInterface
public interface CommandProgress {

    /** Ignores every update. */
    CommandProgress NONE = text -> {};

    /** Replaces the progress shown so far with {@code text}. Cheap to call; adapters throttle. */
    void update(String text);
}
