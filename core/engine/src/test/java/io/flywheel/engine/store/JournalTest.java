package io.flywheel.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir
    Path dir;

    private Path write(int entries) {
        Path file = dir.resolve("j");
        Journal j = Journal.open(file, 0, new ArrayList<>(), new long[1]);
        for (int i = 1; i <= entries; i++) {
            byte[] p = ("entry " + i).repeat(i).getBytes();
            j.append(i, p, p.length, i % 2 == 0);
        }
        j.close();
        return file;
    }

    private List<Long> read(Path file, long after) {
        List<Journal.Entry> out = new ArrayList<>();
        Journal.open(file, after, out, new long[1]).close();
        return out.stream().map(Journal.Entry::seq).toList();
    }

    @Test
    void readsBackEveryEntryAfterTheCheckpoint() {
        Path file = write(5);
        assertThat(read(file, 0)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(read(file, 3)).containsExactly(4L, 5L);
    }

    @Test
    void aTornLastEntryIsDroppedAndCutOff() throws Exception {
        Path file = write(5);
        long size = Files.size(file);
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size - 3);
        }
        assertThat(read(file, 0)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(Files.size(file)).isLessThan(size - 3);
        // Appending after the cut continues the sequence cleanly.
        Journal j = Journal.open(file, 0, new ArrayList<>(), new long[1]);
        j.append(5, new byte[] {1}, 1, true);
        j.close();
        assertThat(read(file, 0)).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void aDamagedEntryEndsTheReplayThere() throws Exception {
        Path file = write(5);
        byte[] bytes = Files.readAllBytes(file);
        int entry3 = (20 + 7) + (20 + 14);
        bytes[entry3 + 20 + 5] ^= 0x40; // inside entry 3's payload
        Files.write(file, bytes);
        assertThat(read(file, 0)).containsExactly(1L, 2L);
    }

    @Test
    void aGapInTheSequenceEndsTheReplay() {
        Path file = dir.resolve("gap");
        Journal j = Journal.open(file, 0, new ArrayList<>(), new long[1]);
        j.append(1, new byte[] {1}, 1, false);
        j.append(3, new byte[] {3}, 1, false);
        j.close();
        assertThat(read(file, 0)).containsExactly(1L);
    }
}
