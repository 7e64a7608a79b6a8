package io.flywheel.engine.cli;

import io.flywheel.api.Scheduler;
import io.flywheel.engine.app.Flywheel;
import io.flywheel.engine.app.Preflight;
import io.flywheel.engine.config.ConfigLoader;
import io.flywheel.engine.config.FlywheelConfig;
import io.flywheel.engine.config.Problem;
import io.flywheel.engine.log.Logging;
import io.flywheel.engine.log.SecretMasker;
import io.flywheel.engine.output.ConsoleOutputFactory;
import io.flywheel.engine.schedule.SystemScheduler;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.store.StoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flywheel}: the command line. Everything it touches from outside comes in through {@link Io}. */
@Command(
        name = "flywheel",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Finds leads, runs trading strategies, posts to Discord and learns from what happens next.",
        subcommands = {RunCommand.class, CheckCommand.class, PluginsCommand.class, StatusCommand.class, LeadsCommand.class, ImportCommand.class,
                StatsCommand.class, WeightsCommand.class, RulesCommand.class, BacktestCommand.class, SimulateCommand.class, CommandLine.HelpCommand.class})
public final class FlywheelCli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int CONFIG_PROBLEMS = 2;

    /** The process's outside world, replaceable in tests. */
    public record Io(PrintStream out, PrintStream err, Map<String, String> env, Clock clock, java.util.function.Supplier<Scheduler> scheduler, RandomGenerator random) {
        public static Io system() {
            return new Io(System.out, System.err, System.getenv(), Clock.systemUTC(), SystemScheduler::new, RandomGenerator.getDefault());
        }
    }

    private final Io io;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "The deployment's config file (default: $FLYWHEEL_CONFIG or ./config.yml).")
    Path config;

    @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT, description = "Log debug detail.")
    void verbose(boolean on) {
        Logging.verbose(on);
    }

    public FlywheelCli(Io io) {
        this.io = io;
    }

    Io io() {
        return io;
    }

    Path configFile() {
        if (config != null) {
            return config;
        }
        String fromEnv = io.env().get("FLYWHEEL_CONFIG");
        return Path.of(fromEnv == null || fromEnv.isBlank() ? "config.yml" : fromEnv);
    }

    /** Loads config, environment and plugins, with the host's built-in types registered. */
    Preflight.Result preflight() {
        SecretMasker.registerSecretsFrom(io.env());
        Preflight.Result result = Preflight.run(configFile(), io.env(), host -> host.registerBuiltIn(new ConsoleOutputFactory(io.out())));
        SecretMasker.registerSecretsFrom(result.environment().dotEnvValues());
        return result;
    }

    /** Loads config.yml and the environment without plugins; prints its problems; empty when any is an error. */
    Optional<FlywheelConfig> configOnly() {
        SecretMasker.registerSecretsFrom(io.env());
        ConfigLoader.Result loaded = new ConfigLoader().load(configFile(), io.env());
        SecretMasker.registerSecretsFrom(loaded.environment().dotEnvValues());
        int errors = 0;
        for (Problem p : loaded.problems().all()) {
            if (p.isError()) {
                io.err().println(SecretMasker.mask(p.toString()));
                errors++;
            }
        }
        return errors > 0 ? Optional.empty() : loaded.config();
    }

    /** Opens the deployment's store as config.yml configures it. */
    MapDbStore openStore(FlywheelConfig config) {
        return MapDbStore.open(config.store().path(), Flywheel.storeOptions(config.store()), io.clock());
    }

    /** What a command does with the config and the open store; returns the exit code. */
    @FunctionalInterface
    interface StoreWork {
        int run(FlywheelConfig config, MapDbStore store) throws Exception;
    }

    /**
     * For commands on the store of a deployment that is not running: loads config.yml (errors
     * printed, exit 2), opens its store (a store that will not open, for one because
     * {@code flywheel run} holds it, is printed after {@code "flywheel COMMAND: "}, exit 1), runs
     * {@code work} and closes the store.
     *
     * @param insteadWhileRunning the Discord command that does the same through a running Flywheel, or {@code null}
     */
    int withStore(String command, String insteadWhileRunning, StoreWork work) throws Exception {
        Optional<FlywheelConfig> config = configOnly();
        if (config.isEmpty()) {
            return CONFIG_PROBLEMS;
        }
        MapDbStore store;
        try {
            store = openStore(config.get());
        } catch (StoreException e) {
            io.err().println(SecretMasker.mask("flywheel " + command + ": " + e.getMessage()
                    + (insteadWhileRunning == null ? "" : " (while `flywheel run` holds the store, use " + insteadWhileRunning + " instead)")));
            return FAILED;
        }
        try (store) {
            return work.run(config.get(), store);
        }
    }

    /** Prints problems to stderr; returns the number of errors. */
    int report(Preflight.Result result) {
        int errors = 0;
        for (Problem p : result.problems().all()) {
            io.err().println(SecretMasker.mask(p.toString()));
            if (p.isError()) {
                errors++;
            }
        }
        return errors;
    }

    public static CommandLine commandLine(Io io) {
        CommandLine cl = new CommandLine(new FlywheelCli(io), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return CommandLine.defaultFactory().create(cls);
            }
        });
        // picocli's own java.time converters answer with the exception's class and Java's wording
        cl.registerConverter(java.time.LocalDate.class, v -> {
            try {
                return java.time.LocalDate.parse(v);
            } catch (java.time.format.DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + v + "' is not a date YYYY-MM-DD (e.g. 2024-06-01)");
            }
        });
        cl.registerConverter(java.time.Instant.class, v -> {
            try {
                return java.time.Instant.parse(v);
            } catch (java.time.format.DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + v + "' is not an ISO-8601 UTC time (e.g. 2026-03-01T00:00:00Z)");
            }
        });
        cl.setOut(new java.io.PrintWriter(io.out(), true));
        cl.setErr(new java.io.PrintWriter(io.err(), true));
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("flywheel: " + SecretMasker.mask(describe(e)));
            if (e.getCause() != null && e.getCause().getMessage() != null) {
                line.getErr().println("  caused by: " + SecretMasker.mask(describe(e.getCause())));
            }
            return FAILED;
        });
        return cl;
    }

    /**
     * What went wrong, for the operator. The message of a {@code java.nio.file} exception is often
     * only the path, so its kind is said too (e.g. {@code /x.png: no such file or directory (NoSuchFileException)}).
     */
    static String describe(Throwable e) {
        if (e instanceof FileSystemException f) {
            String what = f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile());
            return what + ": " + why(f);
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static String why(FileSystemException f) {
        if (f.getReason() != null) {
            return f.getReason();
        }
        String kind = switch (f) {
            case NoSuchFileException n -> "no such file or directory";
            case AccessDeniedException a -> "permission denied";
            case FileAlreadyExistsException x -> "already exists";
            case NotDirectoryException n -> "not a directory";
            case DirectoryNotEmptyException d -> "directory not empty";
            default -> null;
        };
        String name = f.getClass().getSimpleName();
        return kind == null ? name : kind + " (" + name + ")";
    }

    /** Writes a file a command was asked for; a failure names the file and why (a missing folder by name). */
    static void write(Path file, byte[] bytes) throws IOException {
        try {
            Files.write(file, bytes);
        } catch (NoSuchFileException e) {
            Path folder = file.toAbsolutePath().getParent();
            throw new IOException("cannot write " + file + ": " + (folder != null && !Files.isDirectory(folder) ? "no such directory " + folder : why(e)), e);
        } catch (FileSystemException e) {
            throw new IOException("cannot write " + file + ": " + why(e), e);
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine(Io.system()).execute(args));
    }
}
