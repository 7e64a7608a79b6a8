package io.flywheel.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void aReplacedFileIsReadableAsAnyNewFileIsNotOwnerOnly() throws IOException {
        // flywheel status and flywheel rules freeze may run as another user than flywheel run: the files stay as readable as the umask makes any file
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
        assumeTrue(Files.getPosixFilePermissions(plain).contains(PosixFilePermission.GROUP_READ), "a umask that lets the group read new files");
        Path file = dir.resolve("status/sources.json");

        AtomicFile.write(file, "{}");
        assertThat(Files.getPosixFilePermissions(file)).as("a new file").isEqualTo(Files.getPosixFilePermissions(plain));
        AtomicFile.write(file, "{\"again\":true}");
        assertThat(Files.getPosixFilePermissions(file)).as("replaced").isEqualTo(Files.getPosixFilePermissions(plain));
        assertThat(Files.readString(file)).isEqualTo("{\"again\":true}");
        assertThat(names(file.getParent())).containsExactly("sources.json");
    }

    @Test
    void aFileThatCannotBeReplacedIsAnErrorNamingItAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("status/sources.json");
        Files.createDirectories(file.resolve("in-the-way"));

        assertThatThrownBy(() -> AtomicFile.write(file, "{}")).isInstanceOf(UncheckedIOException.class).hasMessage("cannot write " + file);
        assertThat(names(file.getParent())).containsExactly("sources.json");
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
