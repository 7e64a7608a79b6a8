package io.flywheel.engine.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process per store: an exclusive lock on {@code <store>.lock}, taken before anything reads or
 * repairs the store's files (completing an interrupted commit, migrating) and held until the store
 * closes. MapDB locks the main file too, but only once it opens it, after those steps: a second
 * process would otherwise truncate the redo file of a commit the first one is in the middle of.
 */
final class StoreLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private StoreLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static Path file(Path main) {
        return main.resolveSibling(main.getFileName() + ".lock");
    }

    /** Takes the lock of the store {@code main}, or throws naming the store when another process (or this one) holds it. */
    static StoreLock acquire(Path main) {
        Path file = file(main);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreException("cannot create the lock file " + file + ": " + e.getMessage(), e);
        }
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new StoreException("cannot lock " + file + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            closeQuietly(ch);
            throw new StoreException(inUse(main));
        }
        return new StoreLock(ch, lock);
    }

    static String inUse(Path main) {
        return "the store " + main + " is in use by another Flywheel process (one process per store); stop it first";
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was locked
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }
}
