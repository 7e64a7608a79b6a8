package io.flywheel.engine.store;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/** Small files other processes read (status, the learning freeze switch, archived rules): replaced whole, so a reader never sees half of one. */
public final class AtomicFile {
    private AtomicFile() {}

    /** Replaces {@code file} with {@code text} (UTF-8), creating its folder. */
    public static void write(Path file, String text) {
        try {
            Path folder = Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = newTemporary(folder, file.getFileName().toString());
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * A new, unique file in {@code folder}, made as any file is (readable as the umask lets it be): not
     * {@link Files#createTempFile}, whose owner-only permissions the moved file would keep, and then
     * {@code flywheel status} or {@code flywheel rules freeze} run as another user could not read it.
     */
    private static Path newTemporary(Path folder, String name) throws IOException {
        while (true) {
            Path tmp = folder.resolve("." + name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                // another writer's: try another name
            }
        }
    }

    /** Replaces {@code file} with {@code properties}, headed by {@code comment}. */
    public static void writeProperties(Path file, Properties properties, String comment) {
        StringWriter text = new StringWriter();
        try {
            properties.store(text, comment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(file, text.toString());
    }

    /**
     * The properties in {@code file}, or empty when there is no such file.
     *
     * @throws IllegalStateException naming the file, when it cannot be read
     */
    public static Optional<Properties> readProperties(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException(file + ": cannot be read: " + e.getMessage(), e);
        }
        return Optional.of(p);
    }
}
