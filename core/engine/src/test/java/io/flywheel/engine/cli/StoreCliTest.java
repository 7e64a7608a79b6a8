package io.flywheel.engine.cli;

import io.flywheel.testkit.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A CLI command on a store in a temporary folder: each test's {@code config.yml} written first, what the command prints captured. */
abstract class StoreCliTest {
    @TempDir
    Path dir;

    Path config;
    final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
    final CliRun terminal = new CliRun(clock);
    final ByteArrayOutputStream out = terminal.out;
    final ByteArrayOutputStream err = terminal.err;

    /** The {@code config.yml} of every test (its store: {@code data/flywheel.db}); by default one keyword and a console output. */
    String configYaml() {
        return """
                store:
                  path: data/flywheel.db
                keywords:
                  go: 2
                outputs:
                  - id: console
                    type: console
                """;
    }

    @BeforeEach
    void writeConfig() throws IOException {
        config = CliRun.config(dir, configYaml());
    }

    /** Runs {@code flywheel ARGS[0] --config=CONFIG ARGS[1..]}. */
    int run(String... args) {
        return terminal.run(config, Map.of(), args[0], Arrays.copyOfRange(args, 1, args.length));
    }
}
