package io.flywheel.engine.cli;

import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.random.RandomGenerator;

/** The CLI as an operator runs it, on a manual clock, with what it prints captured. */
final class CliRun {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ManualClock clock;

    CliRun(ManualClock clock) {
        this.clock = clock;
    }

    /** Writes {@code yaml} as {@code dir/config.yml}, with the {@code data} folder beside it; returns the config's path. */
    static Path config(Path dir, String yaml) throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir.resolve("data"));
        return java.nio.file.Files.writeString(dir.resolve("config.yml"), yaml);
    }

    /** The terminal the CLI writes to, with {@code env} as its environment. */
    FlywheelCli.Io io(Map<String, String> env) {
        return new FlywheelCli.Io(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, clock, () -> new ManualScheduler(clock), RandomGenerator.of("L64X128MixRandom"));
    }

    /** Runs {@code flywheel COMMAND --config=CONFIG ARGS...}; {@link #out} and {@link #err} then hold what this run printed. */
    int run(Path config, Map<String, String> env, String command, String... args) {
        out.reset();
        err.reset();
        String[] full = new String[args.length + 2];
        full[0] = command;
        full[1] = "--config=" + config;
        System.arraycopy(args, 0, full, 2, args.length);
        return FlywheelCli.commandLine(io(env)).execute(full);
    }
}
