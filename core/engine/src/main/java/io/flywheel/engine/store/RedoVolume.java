package io.flywheel.engine.store;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.mapdb.DataInput2;
import org.mapdb.volume.Volume;

/**
 * Makes MapDB's commit atomic on the main file.
 *
 * <p>MapDB 3.1's {@code StoreWAL} keeps a transaction's changes aside and, on commit, copies them
 * into the main file; it never replays its write-ahead log when it opens, so a process killed
 * during that copy leaves a half-updated file. This volume wraps the main file: every write
 * StoreWAL makes is held back until it calls {@link #sync()} at the end of the commit, then all of
 * them are written to a redo file and forced to disk, applied to the main file, the main file is
 * forced, and the redo file is emptied. {@link #recover} re-applies a complete redo file left by a
 * crash (the writes are idempotent) and ignores an incomplete one, whose commit never happened.
 */
final class RedoVolume extends Volume {
    private static final long MAGIC = 0x4657_5245_444F_3031L; // "FWREDO01"
    private static final long DONE = 0x4657_5245_444F_4F4BL; // "FWREDOOK"
    private static final int ZERO_FILL = 0x8000_0000;

    private final Volume main;
    private final Path redo;
    private final List<Write> pending = new ArrayList<>();

    private record Write(long offset, byte[] data, int zeros) {
        int length() {
            return data == null ? zeros : data.length;
        }
    }

    RedoVolume(Volume main, Path redo) {
        this.main = main;
        this.redo = redo;
    }

    /** Applies a complete redo file left by a crash to {@code mainFile}; deletes an incomplete one. Returns writes applied. */
    static int recover(Path mainFile, Path redo) {
        if (!Files.exists(redo)) {
            return 0;
        }
        try {
            byte[] bytes = Files.readAllBytes(redo);
            List<Write> writes = parse(bytes);
            if (writes != null && !writes.isEmpty()) {
                // The main file is missing when a cut lost its unforced name after the first commit (the header) reached the
                // redo file. Recreated here, its name must be durable before the redo file is emptied: later commits write
                // only their changes to the redo file, and a cut that lost the name again would leave those alone, no header.
                boolean created = !Files.exists(mainFile);
                try (FileChannel ch = Durable.open(mainFile, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
                    for (Write w : writes) {
                        ByteBuffer b = w.data == null ? ByteBuffer.allocate(w.zeros) : ByteBuffer.wrap(w.data);
                        long at = w.offset;
                        while (b.hasRemaining()) {
                            at += ch.write(b, at);
                        }
                    }
                    ch.force(true);
                }
                if (created) {
                    Durable.forceDirectory(mainFile.toAbsolutePath().getParent());
                }
            }
            try (FileChannel ch = Durable.open(redo, StandardOpenOption.WRITE)) {
                ch.truncate(0);
                ch.force(true);
            }
            return writes == null ? 0 : writes.size();
        } catch (IOException e) {
            throw new StoreException("cannot recover the interrupted commit recorded in " + redo + ": " + e.getMessage(), e);
        }
    }

    /** The writes of a complete redo file, or {@code null} when it is empty, torn or not one. */
    private static List<Write> parse(byte[] bytes) {
        if (bytes.length < 8 + 8 + 4 + 8 + 8) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.getLong(0) != MAGIC || b.getLong(bytes.length - 8) != DONE || b.getLong(bytes.length - 16) != bytes.length) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 8, bytes.length - 8 - 20);
        if ((int) crc.getValue() != b.getInt(bytes.length - 20)) {
            return null;
        }
        b.position(8);
        long count = b.getLong();
        List<Write> writes = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            long offset = b.getLong();
            int len = b.getInt();
            if ((len & ZERO_FILL) != 0) {
                writes.add(new Write(offset, null, len & ~ZERO_FILL));
            } else {
                byte[] data = new byte[len];
                b.get(data);
                writes.add(new Write(offset, data, 0));
            }
        }
        return writes;
    }

    @Override
    public void sync() {
        if (pending.isEmpty()) {
            main.sync();
            return;
        }
        try {
            writeRedo();
            for (Write w : pending) {
                main.ensureAvailable(w.offset + w.length());
                if (w.data == null) {
                    main.clear(w.offset, w.offset + w.zeros);
                } else {
                    main.putData(w.offset, w.data, 0, w.data.length);
                }
            }
            pending.clear();
            main.sync();
            try (FileChannel ch = Durable.open(redo, StandardOpenOption.WRITE)) {
                ch.truncate(0);
                ch.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the redo file " + redo + ": " + e.getMessage(), e);
        }
    }

    /** Writes the held writes to the redo file and forces it to disk (the first half of {@link #sync}). */
    void writeRedo() throws IOException {
        long size = 8 + 8 + 20;
        for (Write w : pending) {
            size += 12 + (w.data == null ? 0 : w.data.length);
        }
        if (size > Integer.MAX_VALUE - 64) {
            throw new StoreException("one commit of " + size + " bytes is too large for the redo file");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size);
        b.putLong(MAGIC).putLong(pending.size());
        for (Write w : pending) {
            b.putLong(w.offset);
            if (w.data == null) {
                b.putInt(w.zeros | ZERO_FILL);
            } else {
                b.putInt(w.data.length).put(w.data);
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 8, b.position() - 8);
        b.putInt((int) crc.getValue()).putLong(size).putLong(DONE);
        b.flip();
        try (FileChannel ch = Durable.open(redo, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long at = 0;
            while (b.hasRemaining()) {
                at += ch.write(b, at);
            }
            ch.force(true);
        }
    }

    private void hold(long offset, byte[] data) {
        pending.add(new Write(offset, data, 0));
    }

    @Override
    public void putLong(long offset, long value) {
        hold(offset, ByteBuffer.allocate(8).putLong(value).array());
    }

    @Override
    public void putInt(long offset, int value) {
        hold(offset, ByteBuffer.allocate(4).putInt(value).array());
    }

    @Override
    public void putByte(long offset, byte value) {
        hold(offset, new byte[] {value});
    }

    @Override
    public void putData(long offset, byte[] src, int srcPos, int srcSize) {
        byte[] copy = new byte[srcSize];
        System.arraycopy(src, srcPos, copy, 0, srcSize);
        hold(offset, copy);
    }

    @Override
    public void putData(long offset, ByteBuffer buf) {
        byte[] copy = new byte[buf.remaining()];
        buf.duplicate().get(copy);
        hold(offset, copy);
    }

    @Override
    public void clear(long startOffset, long endOffset) {
        long at = startOffset;
        while (at < endOffset) {
            int n = (int) Math.min(endOffset - at, 1 << 30);
            pending.add(new Write(at, null, n));
            at += n;
        }
    }

    // Reads see held writes (StoreWAL does not read the main file while committing, but be exact).

    @Override
    public long getLong(long offset) {
        return pending.isEmpty() ? main.getLong(offset) : ByteBuffer.wrap(read(offset, 8)).getLong();
    }

    @Override
    public int getInt(long offset) {
        return pending.isEmpty() ? main.getInt(offset) : ByteBuffer.wrap(read(offset, 4)).getInt();
    }

    @Override
    public byte getByte(long offset) {
        return pending.isEmpty() ? main.getByte(offset) : read(offset, 1)[0];
    }

    @Override
    public DataInput2 getDataInput(long offset, int size) {
        return pending.isEmpty() ? main.getDataInput(offset, size) : new DataInput2.ByteArray(read(offset, size));
    }

    @Override
    public void getData(long offset, byte[] bytes, int bytesPos, int size) {
        if (pending.isEmpty()) {
            main.getData(offset, bytes, bytesPos, size);
        } else {
            System.arraycopy(read(offset, size), 0, bytes, bytesPos, size);
        }
    }

    private byte[] read(long offset, int size) {
        byte[] out = new byte[size];
        if (offset + size <= main.length()) {
            main.getData(offset, out, 0, size);
        }
        for (Write w : pending) {
            long from = Math.max(offset, w.offset);
            long to = Math.min(offset + size, w.offset + w.length());
            if (from < to) {
                if (w.data == null) {
                    java.util.Arrays.fill(out, (int) (from - offset), (int) (to - offset), (byte) 0);
                } else {
                    System.arraycopy(w.data, (int) (from - w.offset), out, (int) (from - offset), (int) (to - from));
                }
            }
        }
        return out;
    }

    @Override
    public void ensureAvailable(long offset) {
        main.ensureAvailable(offset);
    }

    @Override
    public void truncate(long size) {
        main.truncate(size);
    }

    @Override
    public void close() {
        closed.set(true);
        pending.clear();
        main.close();
    }

    @Override
    public int sliceSize() {
        return main.sliceSize();
    }

    @Override
    public boolean isSliced() {
        return main.isSliced();
    }

    @Override
    public long length() {
        return main.length();
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public File getFile() {
        return main.getFile();
    }

    @Override
    public boolean getFileLocked() {
        return main.getFileLocked();
    }
}
