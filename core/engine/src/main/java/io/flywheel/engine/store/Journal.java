package io.flywheel.engine.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The store's redo journal: every change is appended here as one framed entry (length, sequence,
 * CRC-32C) before the call that made it returns. The MapDB file is committed less often (a
 * checkpoint); after a crash the entries past the last checkpoint are applied again. A torn last
 * entry, which a crash mid-write can leave, fails its checksum and is dropped with everything after
 * it: the call that wrote it never returned.
 */
final class Journal implements AutoCloseable {
    private static final int MAGIC = 0x464A_4E4C; // "FJNL"
    private static final int HEADER = 4 + 4 + 8 + 4;
    static final int MAX_ENTRY = 256 * 1024 * 1024;

    private final Path file;
    private final FileChannel channel;
    private long size;

    /** One entry read back. */
    record Entry(long seq, byte[] payload) {}

    private Journal(Path file, FileChannel channel, long size) {
        this.file = file;
        this.channel = channel;
        this.size = size;
    }

    /**
     * Opens the journal and reads the entries after {@code afterSeq} that follow it without a gap;
     * anything from the first bad or out-of-sequence entry on is cut off the file.
     */
    static Journal open(Path file, long afterSeq, List<Entry> into, long[] dropped) {
        try {
            boolean created = !java.nio.file.Files.exists(file);
            FileChannel ch = Durable.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (created) {
                // A forced append is only on disk for good once the folder knows the file.
                Durable.forceDirectory(file.toAbsolutePath().getParent());
            }
            long length = ch.size();
            long pos = 0;
            long expected = afterSeq + 1;
            ByteBuffer head = ByteBuffer.allocate(HEADER);
            while (pos + HEADER <= length) {
                head.clear();
                FileReads.readFully(ch, head, pos, file);
                head.flip();
                int magic = head.getInt();
                int len = head.getInt();
                long seq = head.getLong();
                int crc = head.getInt();
                if (magic != MAGIC || len < 0 || len > MAX_ENTRY || pos + HEADER + len > length) {
                    break;
                }
                ByteBuffer body = ByteBuffer.allocate(len);
                FileReads.readFully(ch, body, pos + HEADER, file);
                CRC32C c = new CRC32C();
                c.update(longBytes(seq));
                c.update(body.array());
                if ((int) c.getValue() != crc) {
                    break;
                }
                if (seq > afterSeq) {
                    if (seq != expected) {
                        break;
                    }
                    into.add(new Entry(seq, body.array()));
                    expected++;
                }
                pos += HEADER + len;
            }
            dropped[0] = length - pos;
            if (pos < length) {
                ch.truncate(pos);
            }
            return new Journal(file, ch, pos);
        } catch (IOException e) {
            throw new StoreException("cannot read the store journal " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    /** Appends one entry; with {@code force} it is on disk (not only in the OS cache) when this returns. */
    void append(long seq, byte[] payload, int length, boolean force) {
        if (length > MAX_ENTRY) {
            throw new StoreException("one store change of " + length + " bytes is larger than the journal allows (" + MAX_ENTRY + ")");
        }
        CRC32C c = new CRC32C();
        c.update(longBytes(seq));
        c.update(payload, 0, length);
        ByteBuffer b = ByteBuffer.allocate(HEADER + length);
        b.putInt(MAGIC).putInt(length).putLong(seq).putInt((int) c.getValue()).put(payload, 0, length).flip();
        try {
            long at = size;
            while (b.hasRemaining()) {
                at += channel.write(b, at);
            }
            size = at;
            if (force) {
                channel.force(false);
            }
        } catch (IOException e) {
            throw new StoreException("cannot write the store journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Empties the journal once a checkpoint made its entries redundant; with {@code force} the emptying is on disk when this returns. */
    void reset(boolean force) {
        try {
            channel.truncate(0);
            size = 0;
            if (force) {
                channel.force(false);
            }
        } catch (IOException e) {
            throw new StoreException("cannot truncate the store journal " + file + ": " + e.getMessage(), e);
        }
    }

    long size() {
        return size;
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new StoreException("cannot close the store journal " + file + ": " + e.getMessage(), e);
        }
    }
}
