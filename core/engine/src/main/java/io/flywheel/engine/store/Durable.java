package io.flywheel.engine.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Makes a folder's entries durable: a file just created or renamed survives a power cut only once
 * its folder is forced too (forcing the file itself does not write the folder's entry for it).
 */
final class Durable {
    /** Told of every folder forced; tests check what the folder held at that moment. */
    static volatile Consumer<Path> onDirectoryForced = dir -> {};

    /** Opens a file the store writes (journal, redo file, a recovery's main file). */
    @FunctionalInterface
    interface Opener {
        FileChannel open(Path file, OpenOption... options) throws IOException;
    }

    /** How {@link #open} opens files; the power-cut test records every write, truncation and force through it. */
    static volatile Opener opener = FileChannel::open;

    private Durable() {}

    static FileChannel open(Path file, OpenOption... options) throws IOException {
        return opener.open(file, options);
    }

    /** Forces {@code dir}'s entries to disk. Where the system cannot open a folder for that (Windows), does nothing. */
    static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw new StoreException("cannot force the folder " + dir + " to disk: " + e.getMessage(), e);
            }
            return;
        }
        onDirectoryForced.accept(dir);
    }
}
