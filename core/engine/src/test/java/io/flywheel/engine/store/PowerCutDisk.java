package io.flywheel.engine.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.mapdb.DataInput2;
import org.mapdb.volume.Volume;

/**
 * A disk that can lose power. While installed it records, in order, every creation, write,
 * size change and force of the store's files in one folder (through {@link Durable#opener},
 * {@link MapDbFiles#mainVolume} and {@link Durable#onDirectoryForced}); {@link #cut} then builds
 * the files a power cut after any prefix of those events could leave.
 *
 * <p>The model: a file's content as of its last force survives; what was written, extended or
 * truncated after that may survive in any part, in any order, at sector (512 B) or page (4 KiB)
 * granularity, or not at all. A file created since its folder was last forced may be missing
 * altogether, whatever was forced into it. A force makes a file's whole content and size durable
 * (fdatasync and msync on Linux write the size when it changed).
 *
 * <p>The recording checks itself: at every force and at {@link #finish} the recorded image of each
 * file must equal the file on disk, so a write that bypasses the seams fails the test instead of
 * being silently left out of the model.
 */
final class PowerCutDisk {
    sealed interface Event permits Create, Write, Resize, Force, DirForce, Mark {}

    record Create(String file) implements Event {}

    record Write(String file, long offset, byte[] data) implements Event {}

    record Resize(String file, long size) implements Event {}

    record Force(String file) implements Event {}

    record DirForce() implements Event {}

    enum MarkKind { BEGIN, ACK, CHECKPOINTED }

    /** A point of the workload: change {@code change} began, returned, or is covered by a completed checkpoint. */
    record Mark(MarkKind kind, int change) implements Event {}

    /** Which unforced writes survive. */
    enum Policy {
        /** Only what was forced (and files whose folder entry was forced). */
        FORCED_ONLY,
        /** Everything written, as after a killed process. */
        EVERYTHING,
        /**
         * Per file one of: nothing, everything, a prefix of the writes, a prefix and a torn write, a random set of sectors, of
         * pages, or of whole writes and size changes, or everything but one sector.
         */
        MIXED
    }

    private final Path dir;
    private final Map<String, byte[]> baseline;
    private final List<Event> events = new ArrayList<>();
    private final Map<String, Image> live = new HashMap<>();
    private final boolean recording;

    /** Starts recording the store files in {@code dir}; what is there now counts as durable. */
    PowerCutDisk(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        this.baseline = read(this.dir);
        this.recording = true;
        baseline.forEach((name, bytes) -> live.put(name, Image.of(bytes)));
    }

    private PowerCutDisk() {
        this.dir = null;
        this.baseline = Map.of();
        this.recording = false;
    }

    /**
     * Lets the store skip forcing its files (not its folders) until {@link #uninstall}: for opening the stores a cut
     * left, whose own durability no test looks at, without an fsync per commit.
     */
    static void installWithoutForces() {
        new PowerCutDisk().install();
    }

    static Map<String, byte[]> read(Path dir) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (!name.endsWith(".lock")) {
                    files.put(name, Files.readAllBytes(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    void install() {
        Durable.opener = this::open;
        MapDbFiles.mainVolume = this::wrap;
        Durable.onDirectoryForced = d -> {
            if (recording && d.toAbsolutePath().normalize().equals(dir)) {
                add(new DirForce());
            }
        };
    }

    static void uninstall() {
        Durable.opener = FileChannel::open;
        MapDbFiles.mainVolume = v -> v;
        Durable.onDirectoryForced = d -> {};
    }

    List<Event> events() {
        return events;
    }

    int size() {
        return events.size();
    }

    void mark(MarkKind kind, int change) {
        add(new Mark(kind, change));
    }

    /** Stops recording and checks the recorded images against the files on disk one last time. */
    void finish() {
        uninstall();
        verify("the end of the run");
    }

    private synchronized void add(Event e) {
        if (!recording) {
            return;
        }
        switch (e) {
            case Create c -> live.put(c.file(), new Image());
            case Write w -> image(w.file()).write(w.offset(), w.data());
            case Resize r -> image(r.file()).resize(r.size());
            case Force f -> verify("a force of " + f.file());
            case DirForce d -> {}
            case Mark m -> {}
        }
        events.add(e);
    }

    private Image image(String name) {
        Image i = live.get(name);
        if (i == null) {
            throw new AssertionError("the store wrote " + name + " without creating it through a recorded seam");
        }
        return i;
    }

    /** The recorded image of every file must be what is on disk: otherwise something wrote past the seams. */
    private void verify(String when) {
        Map<String, byte[]> disk = read(dir);
        if (!disk.keySet().equals(live.keySet())) {
            throw new AssertionError("at " + when + " the folder holds " + disk.keySet() + " but the recording knows " + live.keySet());
        }
        disk.forEach((name, bytes) -> {
            byte[] recorded = live.get(name).bytes();
            if (!Arrays.equals(bytes, recorded)) {
                throw new AssertionError("at " + when + " " + name + " on disk (" + bytes.length + " bytes) differs from its recording ("
                        + recorded.length + " bytes) at offset " + Arrays.mismatch(bytes, recorded) + ": a write bypassed the recording");
            }
        });
    }

    /**
     * The files (name to content; a missing name is a missing file) a power cut could leave after
     * the first {@code k} events.
     */
    Map<String, byte[]> cut(int k, Policy policy, Random r) {
        return cut(k, policy, r, null);
    }

    /** A cut that keeps exactly the unforced writes and size changes {@code keep} accepts, and every file. */
    Map<String, byte[]> cut(int k, java.util.function.Predicate<Event> keep) {
        return cut(k, Policy.EVERYTHING, new Random(0), keep);
    }

    private Map<String, byte[]> cut(int k, Policy policy, Random r, java.util.function.Predicate<Event> keep) {
        Map<String, Integer> lastForce = new HashMap<>();
        Map<String, Integer> created = new HashMap<>();
        int lastDirForce = -1;
        for (int i = 0; i < k; i++) {
            switch (events.get(i)) {
                case Force f -> lastForce.put(f.file(), i);
                case Create c -> created.put(c.file(), i);
                case DirForce d -> lastDirForce = i;
                default -> {}
            }
        }
        Map<String, Image> durable = new LinkedHashMap<>();
        baseline.forEach((name, bytes) -> durable.put(name, Image.of(bytes)));
        Map<String, List<Event>> pending = new LinkedHashMap<>();
        for (int i = 0; i < k; i++) {
            Event e = events.get(i);
            String file = switch (e) {
                case Create c -> {
                    durable.put(c.file(), new Image());
                    yield null;
                }
                case Write w -> w.file();
                case Resize z -> z.file();
                default -> null;
            };
            if (file == null) {
                continue;
            }
            if (i < lastForce.getOrDefault(file, -1)) {
                apply(durable.get(file), e);
            } else {
                pending.computeIfAbsent(file, f -> new ArrayList<>()).add(e);
            }
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (var entry : durable.entrySet()) {
            String name = entry.getKey();
            Image img = entry.getValue();
            Integer c = created.get(name);
            boolean entryDurable = c == null || c < lastDirForce;
            boolean exists = entryDurable || switch (policy) {
                case FORCED_ONLY -> false;
                case EVERYTHING -> true;
                case MIXED -> r.nextBoolean();
            };
            if (!exists) {
                continue;
            }
            List<Event> ops = pending.getOrDefault(name, List.of());
            switch (policy) {
                case FORCED_ONLY -> {}
                case EVERYTHING -> ops.stream().filter(e -> keep == null || keep.test(e)).forEach(e -> apply(img, e));
                case MIXED -> mixed(img, ops, r);
            }
            out.put(name, img.bytes());
        }
        return out;
    }

    private static void mixed(Image img, List<Event> ops, Random r) {
        int n = ops.size();
        switch (r.nextInt(8)) {
            case 0 -> {} // nothing after the last force
            case 1 -> ops.forEach(e -> apply(img, e));
            case 2 -> ops.subList(0, r.nextInt(n + 1)).forEach(e -> apply(img, e));
            case 3 -> { // a prefix, then one write torn at sector granularity (most often the last one)
                if (n == 0) {
                    return;
                }
                int j = r.nextBoolean() ? n - 1 : r.nextInt(n);
                ops.subList(0, j).forEach(e -> apply(img, e));
                scattered(img, List.of(ops.get(j)), 512, r);
            }
            case 4 -> scattered(img, ops, 512, r);
            case 5 -> scattered(img, ops, 4096, r);
            case 6 -> ops.stream().filter(e -> r.nextBoolean()).forEach(e -> apply(img, e)); // whole writes and size changes, any subset
            default -> hole(img, ops, r);
        }
    }

    /** Everything but one sector of one write. */
    private static void hole(Image img, List<Event> ops, Random r) {
        long sectors = 0;
        for (Event e : ops) {
            if (e instanceof Write w) {
                sectors += sectorsOf(w);
            }
        }
        long lost = sectors == 0 ? -1 : (long) (r.nextDouble() * sectors);
        for (Event e : ops) {
            if (e instanceof Write w && lost >= 0 && lost < sectorsOf(w)) {
                long from = Math.max(w.offset(), (w.offset() / 512 + lost) * 512);
                long to = Math.min(w.offset() + w.data().length, (w.offset() / 512 + lost + 1) * 512);
                img.write(w.offset(), Arrays.copyOfRange(w.data(), 0, (int) (from - w.offset())));
                img.write(to, Arrays.copyOfRange(w.data(), (int) (to - w.offset()), w.data().length));
                lost = -1;
            } else {
                if (e instanceof Write w) {
                    lost -= sectorsOf(w);
                }
                apply(img, e);
            }
        }
    }

    private static long sectorsOf(Write w) {
        return w.data().length == 0 ? 0 : (w.offset() + w.data().length - 1) / 512 - w.offset() / 512 + 1;
    }

    /** Each size change kept or not, each aligned {@code unit} of each write kept or not, independently. */
    private static void scattered(Image img, List<Event> ops, int unit, Random r) {
        for (Event e : ops) {
            if (e instanceof Write w) {
                long at = w.offset();
                long end = w.offset() + w.data().length;
                while (at < end) {
                    long next = Math.min(end, (at / unit + 1) * unit);
                    if (r.nextBoolean()) {
                        img.write(at, Arrays.copyOfRange(w.data(), (int) (at - w.offset()), (int) (next - w.offset())));
                    }
                    at = next;
                }
            } else if (r.nextBoolean()) {
                apply(img, e);
            }
        }
    }

    private static void apply(Image img, Event e) {
        switch (e) {
            case Write w -> img.write(w.offset(), w.data());
            case Resize z -> img.resize(z.size());
            default -> throw new IllegalArgumentException(e.toString());
        }
    }

    /** A file's bytes; bytes past the size are kept zero, so growing it shows zeros. */
    static final class Image {
        private byte[] b = new byte[0];
        private int size;

        static Image of(byte[] bytes) {
            Image i = new Image();
            i.write(0, bytes);
            return i;
        }

        void write(long offset, byte[] data) {
            long end = offset + data.length;
            grow(end);
            System.arraycopy(data, 0, b, (int) offset, data.length);
            size = (int) Math.max(size, end);
        }

        void resize(long n) {
            if (n < size) {
                Arrays.fill(b, (int) n, size, (byte) 0);
            } else {
                grow(n);
            }
            size = (int) n;
        }

        private void grow(long n) {
            if (n > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("file too large for the model: " + n);
            }
            if (n > b.length) {
                b = Arrays.copyOf(b, (int) Math.max(n, b.length * 2L));
            }
        }

        byte[] bytes() {
            return Arrays.copyOf(b, size);
        }

        long size() {
            return size;
        }
    }

    // ---- the seams ----

    private String tracked(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        if (!recording) {
            return abs.getFileName().toString();
        }
        return dir.equals(abs.getParent()) ? abs.getFileName().toString() : null;
    }

    private FileChannel open(Path p, OpenOption... options) throws IOException {
        String name = tracked(p);
        if (name == null) {
            return FileChannel.open(p, options);
        }
        boolean existed = Files.exists(p);
        FileChannel ch = FileChannel.open(p, options);
        if (!recording) {
            return new Channel(ch, name);
        }
        if (!existed) {
            add(new Create(name));
        } else if (Arrays.asList(options).contains(StandardOpenOption.TRUNCATE_EXISTING) && image(name).size() > 0) {
            add(new Resize(name, 0));
        }
        return new Channel(ch, name);
    }

    private Volume wrap(Volume v) {
        String name = v.getFile() == null ? null : tracked(v.getFile().toPath());
        if (name == null) {
            return v;
        }
        if (!recording) {
            return new RecordingVolume(v, name);
        }
        if (!live.containsKey(name)) {
            add(new Create(name));
        }
        sizeChanged(name);
        return new RecordingVolume(v, name);
    }

    private void sizeChanged(String name) {
        if (!recording) {
            return;
        }
        try {
            long now = Files.size(dir.resolve(name));
            if (now != image(name).size()) {
                add(new Resize(name, now));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records positional and relative writes, truncations and forces; refuses what the store does not use. */
    private final class Channel extends FileChannel {
        private final FileChannel d;
        private final String name;

        Channel(FileChannel d, String name) {
            this.d = d;
            this.name = name;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            ByteBuffer copy = src.duplicate();
            int n = d.write(src, position);
            record(copy, position, n);
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            long position = d.position();
            ByteBuffer copy = src.duplicate();
            int n = d.write(src);
            record(copy, position, n);
            return n;
        }

        private void record(ByteBuffer copy, long position, int n) {
            byte[] data = new byte[n];
            copy.get(data);
            add(new Write(name, position, data));
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            long before = d.size();
            d.truncate(size);
            if (size < before) {
                add(new Resize(name, size));
            }
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (recording) {
                d.force(metaData);
                add(new Force(name));
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return d.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return d.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return d.read(dst, position);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException("gathering write is not recorded");
        }

        @Override
        public long position() throws IOException {
            return d.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            d.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return d.size();
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            throw new UnsupportedOperationException("transferTo is not recorded");
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException("transferFrom is not recorded");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException("map is not recorded");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return d.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return d.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            d.close();
        }
    }

    /** The main file's mapped volume: records every write, size change and force MapDB makes through it. */
    private final class RecordingVolume extends Volume {
        private final Volume d;
        private final String name;

        RecordingVolume(Volume d, String name) {
            this.d = d;
            this.name = name;
        }

        private void written(long offset, byte[] data) {
            add(new Write(name, offset, data));
        }

        @Override
        public void ensureAvailable(long offset) {
            d.ensureAvailable(offset);
            sizeChanged(name);
        }

        @Override
        public void truncate(long size) {
            d.truncate(size);
            sizeChanged(name);
        }

        @Override
        public void putLong(long offset, long value) {
            d.putLong(offset, value);
            written(offset, ByteBuffer.allocate(8).putLong(value).array());
        }

        @Override
        public void putInt(long offset, int value) {
            d.putInt(offset, value);
            written(offset, ByteBuffer.allocate(4).putInt(value).array());
        }

        @Override
        public void putByte(long offset, byte value) {
            d.putByte(offset, value);
            written(offset, new byte[] {value});
        }

        @Override
        public void putData(long offset, byte[] src, int srcPos, int srcSize) {
            d.putData(offset, src, srcPos, srcSize);
            written(offset, Arrays.copyOfRange(src, srcPos, srcPos + srcSize));
        }

        @Override
        public void putData(long offset, ByteBuffer buf) {
            byte[] data = new byte[buf.remaining()];
            buf.duplicate().get(data);
            d.putData(offset, buf);
            written(offset, data);
        }

        @Override
        public void clear(long startOffset, long endOffset) {
            d.clear(startOffset, endOffset);
            written(startOffset, new byte[(int) (endOffset - startOffset)]);
        }

        @Override
        public void sync() {
            if (recording) {
                d.sync();
                add(new Force(name));
            }
        }

        @Override
        public long getLong(long offset) {
            return d.getLong(offset);
        }

        @Override
        public int getInt(long offset) {
            return d.getInt(offset);
        }

        @Override
        public byte getByte(long offset) {
            return d.getByte(offset);
        }

        @Override
        public DataInput2 getDataInput(long offset, int size) {
            return d.getDataInput(offset, size);
        }

        @Override
        public void getData(long offset, byte[] bytes, int bytesPos, int size) {
            d.getData(offset, bytes, bytesPos, size);
        }

        @Override
        public void close() {
            closed.set(true);
            d.close();
        }

        @Override
        public int sliceSize() {
            return d.sliceSize();
        }

        @Override
        public boolean isSliced() {
            return d.isSliced();
        }

        @Override
        public long length() {
            return d.length();
        }

        @Override
        public boolean isReadOnly() {
            return d.isReadOnly();
        }

        @Override
        public java.io.File getFile() {
            return d.getFile();
        }

        @Override
        public boolean getFileLocked() {
            return d.getFileLocked();
        }
    }
}
