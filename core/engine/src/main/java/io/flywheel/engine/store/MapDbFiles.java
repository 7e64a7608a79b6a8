package io.flywheel.engine.store;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.mapdb.CC;
import org.mapdb.DB;
import org.mapdb.StoreWAL;
import org.mapdb.volume.ByteArrayVol;
import org.mapdb.volume.MappedFileVol;
import org.mapdb.volume.Volume;
import org.mapdb.volume.VolumeFactory;

/**
 * Opens a MapDB file the way the store needs it: transactions on ({@code StoreWAL}), the main file
 * memory-mapped and written atomically per commit through a {@link RedoVolume}, and the
 * transaction's scratch log in memory (MapDB 3.1 never replays it from disk, so a file copy of it
 * would only cost a second fsync per commit).
 */
final class MapDbFiles {
    private MapDbFiles() {}

    static Path redoFile(Path main) {
        return main.resolveSibling(main.getFileName() + ".redo");
    }

    /** Files beside {@code main} that belong to it: the redo file and any MapDB log files of older versions. */
    static List<Path> companions(Path main) throws IOException {
        String prefix = main.getFileName() + ".";
        try (Stream<Path> s = Files.list(main.toAbsolutePath().getParent())) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    /** Opens or creates the MapDB file {@code main}; a commit interrupted by a crash is completed first. */
    static DB open(Path main) {
        Path redo = redoFile(main);
        RedoVolume.recover(main, redo);
        deleteStaleWalFiles(main);
        String file = main.toString();
        String walPrefix = file + ".wal.";
        VolumeFactory mapped = new MappedFileVol.MappedFileFactory(false, false);
        VolumeFactory factory = new VolumeFactory() {
            @Override
            public Volume makeVolume(String f, boolean readOnly, long fileLockWait, int sliceShift, long initSize, boolean fixedSize) {
                if (f != null && f.startsWith(walPrefix)) {
                    return new ByteArrayVol(sliceShift, initSize);
                }
                return new RedoVolume(mapped.makeVolume(f, readOnly, fileLockWait, sliceShift, initSize, fixedSize), redo);
            }

            @Override
            public boolean exists(String f) {
                return f != null && new File(f).exists() && new File(f).length() > 0;
            }

            @Override
            public boolean handlesReadonly() {
                return false;
            }
        };
        boolean existed = factory.exists(file);
        StoreWAL store = StoreWAL.make(file, factory, 0L, true, CC.STORE_DIRECT_CONC_SHIFT, CC.PAGE_SIZE, 0L, false, false, false, true, false);
        return new DB(store, existed, true, MapDbFiles.class.getClassLoader(), 0);
    }

    private static void deleteStaleWalFiles(Path main) {
        try {
            for (Path p : companions(main)) {
                if (p.getFileName().toString().matches(".*\\.wal\\.\\d+")) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot clean up old log files beside " + main + ": " + e.getMessage(), e);
        }
    }
}
