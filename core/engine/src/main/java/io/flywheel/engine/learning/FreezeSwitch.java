package io.flywheel.engine.learning;

import io.flywheel.engine.store.AtomicFile;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;

/**
 * Whether learning is frozen: no keyword or strategy update applies. {@code learning.freeze: true}
 * in config.yml freezes for good; {@code /rules freeze} and {@code flywheel rules freeze} set a
 * switch kept in {@code <data>/learning/freeze.properties}, so it survives a restart. The file is
 * read at every check, so the CLI can flip it while {@code flywheel run} holds the store.
 */
public final class FreezeSwitch {
    private final boolean configured;
    private final Path file;

    /** What the switch says now and why. */
    public record State(boolean frozen, String reason) {}

    public FreezeSwitch(boolean configured, Path file) {
        this.configured = configured;
        this.file = file;
    }

    /** The switch file beside the store whose folder is {@code dataDir}. */
    public static Path file(Path dataDir) {
        return dataDir.resolve("learning").resolve("freeze.properties");
    }

    public boolean frozen() {
        return state().frozen();
    }

    public State state() {
        if (configured) {
            return new State(true, "learning.freeze: true in config.yml");
        }
        Properties p = read();
        if (Boolean.parseBoolean(p.getProperty("frozen"))) {
            return new State(true, "frozen by " + p.getProperty("by", "an operator") + " at " + p.getProperty("since", "?"));
        }
        return new State(false, "not frozen");
    }

    /** Freezes (or unfreezes) learning; returns what to tell the operator. */
    public String set(boolean frozen, String by, Instant now) {
        if (!frozen && configured) {
            return "Learning stays frozen: learning.freeze is true in config.yml, which wins. Set it to false (or remove it) and restart.";
        }
        State before = state();
        Properties p = new Properties();
        p.setProperty("frozen", Boolean.toString(frozen));
        p.setProperty("by", by == null || by.isBlank() ? "an operator" : by);
        p.setProperty("since", now.toString());
        write(p);
        if (frozen) {
            return before.frozen() ? "Learning was already frozen; it stays frozen (no keyword or strategy weight changes)."
                    : "Learning frozen: no keyword or strategy weight update applies until `flywheel rules unfreeze` (or /rules unfreeze in Discord);"
                            + " kept across restarts.";
        }
        return before.frozen() ? "Learning unfrozen: the next update applies again." : "Learning was not frozen.";
    }

    private Properties read() {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the learning freeze switch " + file, e);
            }
        }
        return p;
    }

    private void write(Properties p) {
        try {
            AtomicFile.writeProperties(file, p, "Flywheel learning freeze switch (/rules freeze, flywheel rules freeze); learning.freeze: true in config.yml wins");
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot write the learning freeze switch " + file, e.getCause());
        }
    }
}
