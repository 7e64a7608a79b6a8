package io.flywheel.engine.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreezeSwitchTest {
    private static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void theSwitchIsKeptInItsFileForTheNextCheck() {
        FreezeSwitch freeze = new FreezeSwitch(false, FreezeSwitch.file(dir));
        assertThat(freeze.set(true, "@ops", NOW)).startsWith("Learning frozen");
        assertThat(new FreezeSwitch(false, FreezeSwitch.file(dir)).state()).isEqualTo(new FreezeSwitch.State(true, "frozen by @ops at " + NOW));
    }

    @Test
    void freezingNamesTheCommandLineWayToUnfreezeNotOnlyTheDiscordOne() {
        // `flywheel rules freeze` prints this; an operator without the Discord bot has no /rules.
        String said = new FreezeSwitch(false, FreezeSwitch.file(dir)).set(true, "flywheel rules freeze", NOW);
        assertThat(said).startsWith("Learning frozen").contains("`flywheel rules unfreeze`").contains("/rules unfreeze");
    }

    @Test
    void aSwitchThatCannotBeWrittenIsAnErrorNamingTheSwitchAndItsFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = FreezeSwitch.file(dir);
        Files.createDirectories(file.resolve("in-the-way"));
        FreezeSwitch freeze = new FreezeSwitch(false, file);

        assertThatThrownBy(() -> freeze.set(true, "@ops", NOW)).isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot write the learning freeze switch " + file).hasCauseInstanceOf(FileSystemException.class);
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("freeze.properties");
        }
    }
}
