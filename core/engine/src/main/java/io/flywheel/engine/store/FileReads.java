package io.flywheel.engine.store;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Positional reads that fill their buffer (a channel read may return fewer bytes than asked). */
public final class FileReads {
    private FileReads() {}

    /** Fills {@code b} from {@code file}'s channel {@code ch} at {@code at}; a file that ends first is an {@link EOFException} naming it. */
    public static void readFully(FileChannel ch, ByteBuffer b, long at, Path file) throws IOException {
        long start = at;
        int want = b.remaining();
        while (b.hasRemaining()) {
            int n = ch.read(b, at);
            if (n < 0) {
                throw new EOFException(file + " ended at " + at + " while reading " + want + " byte(s) from " + start);
            }
            at += n;
        }
    }
}
