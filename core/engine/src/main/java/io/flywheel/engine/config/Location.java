package io.flywheel.engine.config;

import java.nio.file.Path;

/** Where something is in a config file: file, 1-based line and column. */
public record Location(Path file, int line, int column) {
    public static Location of(Path file) {
        return new Location(file, 0, 0);
    }

    @Override
    public String toString() {
        String name = file == null ? "<config>" : file.getFileName().toString();
        return line <= 0 ? name : name + ":" + line + ":" + column;
    }
}
