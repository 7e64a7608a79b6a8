package io.flywheel.engine.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
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

    private Durable() {}

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
