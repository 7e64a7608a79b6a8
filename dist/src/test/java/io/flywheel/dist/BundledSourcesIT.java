package io.flywheel.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled config.yml's sources (rss, html, json, browser) run offline in the assembled distribution. */
class BundledSourcesIT {
    private static final Path HOME = Path.of(System.getProperty("flywheel.home"));
    private static final Path REPO = Path.of(System.getProperty("flywheel.repo"));

    record Run(int exit, String out, String err) {}

    private static Run flywheel(Path work, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-jar", HOME.resolve("flywheel.jar").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
        pb.environment().put("FLYWHEEL_PLUGINS", HOME.resolve("plugins").toString());
        pb.environment().remove("FLYWHEEL_BROWSER");
        pb.environment().putAll(env);
        Path out = work.resolve("out.txt");
        Path err = work.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("flywheel " + String.join(" ", args) + " did not finish within 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Path deployment(Path dir) throws IOException {
        Files.copy(REPO.resolve("config.yml"), dir.resolve("config.yml"));
        try (Stream<Path> files = Files.walk(REPO.resolve("demo"))) {
            for (Path f : files.sorted(Comparator.naturalOrder()).toList()) {
                Path target = dir.resolve(REPO.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        return dir;
    }

    @Test
    void everyDemoSourceTypeRunsOfflineAndStatusShowsThemHealthy(@TempDir Path dir) throws Exception {
        Path work = deployment(dir);

        Run run = flywheel(work, Map.of(), "run", "--once");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("hn-hiring: 9 found").contains("remote-digest: 5 found").contains("hn-thread: 9 found")
                .contains("hn-search: 9 found").doesNotContain("failed").doesNotContain("hn-app:");
        assertThat(run.out()).contains("https://news.ycombinator.com/item?id=44159535");

        Run status = flywheel(work, Map.of(), "status");
        assertThat(status.exit()).as(status.out() + status.err()).isZero();
        assertThat(status.out()).containsPattern("hn-thread\\s+ok").containsPattern("hn-search\\s+ok").containsPattern("hn-app\\s+disabled")
                .contains("4 source(s): 0 unhealthy, 0 possibly stale");
    }

    @Test
    void theBrowserSourceRunsWhenSwitchedOnAndChromiumIsInstalled(@TempDir Path dir) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/chromium")) || !Files.isExecutable(Path.of("/usr/bin/chromedriver"))) {
            org.junit.jupiter.api.Assumptions.abort("no Chromium here (CI installs chromium chromium-driver)");
        }
        Path work = deployment(dir);

        Run run = flywheel(work, Map.of("FLYWHEEL_BROWSER", "true"), "run", "--once");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("hn-app: 9 found").doesNotContain("failed");
    }
}
