package io.flywheel.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the assembled distribution (dist/target/flywheel) in a child JVM, as an operator would. */
final class Distribution {
    static final Path HOME = Path.of(System.getProperty("flywheel.home", "target/flywheel")).toAbsolutePath();
    static final Path REPO = Path.of(System.getProperty("flywheel.repo", "..")).toAbsolutePath().normalize();

    private Distribution() {}

    record Result(int exit, String out, String err) {}

    /** A deployment folder with the bundled config.yml and demo/, using the built plugins. */
    static Path deployment(Path dir) {
        try {
            Files.copy(REPO.resolve("config.yml"), dir.resolve("config.yml"));
            copyTree(REPO.resolve("demo"), dir.resolve("demo"));
            return dir.resolve("config.yml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-jar", HOME.resolve("flywheel.jar").toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static ProcessBuilder builder(Path workDir, Map<String, String> env, String... args) {
        ProcessBuilder pb = new ProcessBuilder(command(args)).directory(workDir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("FLYWHEEL_") || k.startsWith("DISCORD_"));
        pb.environment().put("FLYWHEEL_PLUGINS", HOME.resolve("plugins").toString());
        pb.environment().putAll(env);
        return pb;
    }

    /** Starts a process whose stderr goes to {@code errFile}; read stdout from the process. */
    static Process start(Path workDir, Map<String, String> env, Path errFile, String... args) {
        try {
            return builder(workDir, env, args).redirectError(errFile.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs to completion; output goes through files, which avoids races with the pipes closing at exit. */
    static Result run(Path workDir, Map<String, String> env, String... args) {
        try {
            Path out = Files.createTempFile("flywheel-out", ".txt");
            Path err = Files.createTempFile("flywheel-err", ".txt");
            ProcessBuilder pb = builder(workDir, env, args).redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("flywheel " + String.join(" ", args) + " did not finish within 120 s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Reads lines until the end of the stream; completes {@code first} with the first line matching {@code pattern}. */
    static CompletableFuture<String> firstLine(InputStream in, String pattern) {
        CompletableFuture<String> first = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!first.isDone() && line.matches(pattern)) {
                        first.complete(line);
                    }
                }
            } catch (IOException e) {
                // the process ended while reading
            }
            first.complete(null);
        });
        return first;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
