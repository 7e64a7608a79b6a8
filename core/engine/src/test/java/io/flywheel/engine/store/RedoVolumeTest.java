package io.flywheel.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.volume.ByteArrayVol;

class RedoVolumeTest {
    @TempDir
    Path dir;

    /** A commit that wrote its redo file and then died before touching the main file. */
    private Path interruptedCommit(Path redo) throws Exception {
        RedoVolume v = new RedoVolume(new ByteArrayVol(), redo);
        v.putLong(16, 0x0102030405060708L);
        v.putData(4096, "hello".getBytes(), 0, 5);
        v.putInt(20, 42);
        v.clear(8000, 8010);
        v.writeRedo();
        return redo;
    }

    @Test
    void aCommitInterruptedAfterItsRedoFileIsCompletedWhenTheStoreOpens() throws Exception {
        Path main = dir.resolve("m.db");
        Files.write(main, new byte[10_000]);
        try (FileChannel ch = FileChannel.open(main, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9}), 8000);
        }
        Path redo = interruptedCommit(dir.resolve("m.db.redo"));
        assertThat(RedoVolume.recover(main, redo)).isEqualTo(4);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(main));
        assertThat(b.getLong(16) >>> 32).isEqualTo(0x01020304L);
        assertThat(b.getInt(20)).isEqualTo(42);
        assertThat(new String(Files.readAllBytes(main), 4096, 5)).isEqualTo("hello");
        assertThat(b.get(8005)).isZero();
        assertThat(Files.size(redo)).isZero();
        // Applying twice is harmless (a crash during recovery): nothing left to apply.
        assertThat(RedoVolume.recover(main, redo)).isZero();
    }

    @Test
    void aTornRedoFileMeansTheCommitNeverHappenedAndIsDropped() throws Exception {
        Path main = dir.resolve("m.db");
        byte[] before = new byte[10_000];
        before[16] = 7;
        Files.write(main, before);
        Path redo = interruptedCommit(dir.resolve("m.db.redo"));
        byte[] full = Files.readAllBytes(redo);
        for (int cut : new int[] {full.length - 1, full.length - 9, full.length / 2, 3}) {
            Files.write(redo, java.util.Arrays.copyOf(full, cut));
            assertThat(RedoVolume.recover(main, redo)).isZero();
            assertThat(Files.readAllBytes(main)).isEqualTo(before);
        }
        full[40] ^= 1; // a flipped bit
        Files.write(redo, full);
        assertThat(RedoVolume.recover(main, redo)).isZero();
        assertThat(Files.readAllBytes(main)).isEqualTo(before);
    }

    @Test
    void readsDuringACommitSeeTheHeldWrites() {
        ByteArrayVol main = new ByteArrayVol();
        main.ensureAvailable(1 << 20);
        main.putLong(0, 5);
        RedoVolume v = new RedoVolume(main, dir.resolve("x.redo"));
        assertThat(v.getLong(0)).isEqualTo(5);
        v.putLong(0, 6);
        v.putByte(3, (byte) 1);
        assertThat(v.getLong(0)).isEqualTo(6 | (1L << 32));
        assertThat(main.getLong(0)).isEqualTo(5);
        v.sync();
        assertThat(main.getLong(0)).isEqualTo(6 | (1L << 32));
    }
}
