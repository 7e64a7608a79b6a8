package io.flywheel.engine.store;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.mapdb.CC;
import org.mapdb.DB;
import org.mapdb.DBException;
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
    /** Wraps the main file's memory-mapped volume; the power-cut test records what is written to it and when it is forced. */
    static volatile UnaryOperator<Volume> mainVolume = v -> v;

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
        checkHeader(main);
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
                return new RedoVolume(mainVolume.apply(mapped.makeVolume(f, readOnly, fileLockWait, sliceShift, initSize, fixedSize)), redo);
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
        boolean newMain = !Files.exists(main);
        Path folder = main.toAbsolutePath().getParent();
        if (createIfMissing(redo)) {
            // MapDB's first commit to a new main file (inside StoreWAL.make) already relies on the redo file: its name must
            // be durable before then, or a power cut can keep a half-written main file and lose the redo file that completes it.
            Durable.forceDirectory(folder);
        }
        try {
            StoreWAL store = StoreWAL.make(file, factory, 0L, true, CC.STORE_DIRECT_CONC_SHIFT, CC.PAGE_SIZE, 0L, false, false, false, true, false);
            // MapDB commits a new file's header before DB adds its first record (the name catalog), so a crash between the
            // two leaves a file with a header and no record: DB must then create the catalog as for a new file, not read it.
            // (A damaged file that once held records is still refused: DB insists its catalog gets recid 1, a fresh file's first.)
            boolean existed = store.getAllRecids().hasNext();
            if (newMain) {
                // A new main file's name must be durable before a change is journaled against it.
                Durable.forceDirectory(folder);
            }
            return new DB(store, existed, true, MapDbFiles.class.getClassLoader(), 0);
        } catch (DBException.FileLocked | java.nio.channels.OverlappingFileLockException e) {
            throw new StoreException(StoreLock.inUse(main), e);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the store " + main + ": " + (e.getMessage() == null ? e.toString() : e.getMessage())
                    + " (if the file is damaged, move it away to start a new store; its leads will be found again)", e);
        }
    }

    /** Creates {@code p} empty when it does not exist; returns whether it did that. */
    private static boolean createIfMissing(Path p) {
        try {
            Durable.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new StoreException("cannot create " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a file that is not a MapDB store before MapDB maps (and so extends) it; removes one
     * whose creation never completed (zeros only: nothing was ever written to it). A file with no
     * header but data after it is damaged, not new, and is refused: deleting it would lose every
     * lead and dedup key in it.
     */
    private static void checkHeader(Path main) {
        try {
            if (!Files.exists(main) || Files.size(main) == 0) {
                return;
            }
            byte[] head = new byte[8];
            boolean zerosOnly;
            try (var in = Files.newInputStream(main)) {
                int n = in.readNBytes(head, 0, 8);
                if (n == 8 && java.util.Arrays.equals(head, new byte[8])) {
                    zerosOnly = zerosOnly(in);
                } else if (n < 8 || (head[0] & 0xFF) != CC.FILE_HEADER || (head[1] & 0xFF) != CC.FILE_TYPE_STOREDIRECT) {
                    throw new StoreException("the file " + main + " is not a Flywheel store (not a MapDB file); point store.path at another file");
                } else {
                    return;
                }
            }
            if (!zerosOnly) {
                throw new StoreException("the store " + main + " is damaged: its header is zeros but it holds data. Restore it from a backup, or move it"
                        + " (and " + main.getFileName() + ".*) away to start a new store; its leads will be found again, and posted again");
            }
            Files.delete(main);
        } catch (IOException e) {
            throw new StoreException("cannot read the store " + main + ": " + e.getMessage(), e);
        }
    }

    private static boolean zerosOnly(java.io.InputStream in) throws IOException {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
            for (int i = 0; i < n; i++) {
                if (buf[i] != 0) {
                    return false;
                }
            }
        }
        return true;
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
