package io.flywheel.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source-checkout launcher {@code ./flywheel}, run as it is against a copy of its checkout
 * whose {@code mvnw} and JDK are fakes: the fake build logs each call and can be held until the
 * test writes its outcome into a gate file, and the fake {@code java} logs what it was asked to
 * run. What is checked: when it builds, that two launches build once, that a lock left by a
 * killed build is taken over, and that a failed or stopped build leaves no lock and no stamp.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LauncherTest {
    @TempDir
    Path tmp;

    private Path root;
    private Path log;
    private Path jdk;
    private Path gate;
    private final List<Process> started = new java.util.ArrayList<>();

    @BeforeEach
    void checkout() throws Exception {
        root = Files.createDirectories(tmp.resolve("checkout"));
        log = Files.createDirectories(tmp.resolve("log"));
        jdk = Files.createDirectories(tmp.resolve("jdk/bin"));
        copyExecutable(Distribution.REPO.resolve("flywheel"), root.resolve("flywheel"));
        Files.createDirectories(root.resolve(".mvn"));
        Files.copy(Distribution.REPO.resolve(".mvn/jdk.sh"), root.resolve(".mvn/jdk.sh"));
        for (String file : List.of("pom.xml", "dist/pom.xml", "config.yml", "core/api/src/main/java/A.java",
                "plugins/p/src/main/java/B.java", "plugins/p/src/main/resources/plugin.properties",
                "plugins/p/src/test/java/BTest.java", "scripts/lead-score.js")) {
            Files.createDirectories(root.resolve(file).getParent());
            Files.writeString(root.resolve(file), "");
        }
        script(root.resolve("mvnw"), """
                #!/bin/sh
                echo "$*" >> "$FAKE_LOG/builds"
                if [ -n "${FAKE_GATE-}" ]; then
                  echo $$ > "$FAKE_LOG/build.pid"
                  while [ ! -s "$FAKE_GATE" ]; do sleep 0.02; done
                  read outcome < "$FAKE_GATE"
                  [ "$outcome" = ok ] || exit "$outcome"
                fi
                mkdir -p dist/target/flywheel && : > dist/target/flywheel/flywheel.jar
                """);
        script(jdk.resolve("javac"), "#!/bin/sh\n");
        script(jdk.resolve("java"), """
                #!/bin/sh
                case "$*" in *-XshowSettings:properties*) echo '    java.specification.version = 25' >&2; exit 0 ;; esac
                echo "$FLYWHEEL_CONFIG $*" >> "$FAKE_LOG/java"
                """);
        gate = tmp.resolve("gate");
    }

    @AfterEach
    void stopAll() throws IOException {
        started.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        started.forEach(Process::destroyForcibly);
        Path build = log.resolve("build.pid"); // a build its launcher left behind is no longer its descendant
        if (Files.exists(build)) {
            ProcessHandle.of(Long.parseLong(Files.readString(build).strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Lets the held build finish: {@code ok}, or the exit code it fails with. */
    private void open(String outcome) throws IOException {
        Path next = tmp.resolve("gate.next");
        Files.writeString(next, outcome + "\n");
        Files.move(next, gate, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void theFirstLaunchBuildsAndTheNextRunsWhatWasBuilt() throws Exception {
        assertThat(launchAndWait("status", "--verbose")).isZero();
        assertThat(launchAndWait("check")).isZero();

        assertThat(lines("builds")).containsExactly("-q -B -DskipTests package");
        Path jar = root.resolve("dist/target/flywheel/flywheel.jar");
        assertThat(lines("java")).hasSize(2);
        assertThat(lines("java").get(0))
                .startsWith(root.resolve("config.yml") + " ")
                .contains("-jar " + jar + " status --verbose");
        assertThat(lines("java").get(1)).endsWith("-jar " + jar + " check");
        assertThat(root.resolve("dist/target/.building")).doesNotExist();
    }

    @Test
    void aChangedMainSourceRebuildsButATestOrALiveRuleDoesNot() throws Exception {
        assertThat(launchAndWait("check")).isZero();
        FileTime later = later(Files.getLastModifiedTime(root.resolve("dist/target/flywheel/.built")));

        Files.setLastModifiedTime(root.resolve("plugins/p/src/test/java/BTest.java"), later);
        Files.setLastModifiedTime(root.resolve("scripts/lead-score.js"), later);
        assertThat(launchAndWait("check")).isZero();
        assertThat(lines("builds")).hasSize(1);

        Files.setLastModifiedTime(root.resolve("plugins/p/src/main/resources/plugin.properties"), later);
        assertThat(launchAndWait("check")).isZero();
        assertThat(lines("builds")).hasSize(2);
        assertThat(lines("java")).hasSize(3);
    }

    @Test
    void aSourceSavedDuringTheBuildIsBuiltByTheNextLaunch() throws Exception {
        Process first = launch(Map.of("FAKE_GATE", gate.toString()), "check");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(log.resolve("build.pid")));
        Path next = root.resolve("dist/target/flywheel/.built.next");
        // Saved 1 ms after the build began, well before it ends (starting the fake build alone takes longer).
        FileTime saved = FileTime.from(Files.getLastModifiedTime(next).toInstant().plusMillis(1));
        Files.setLastModifiedTime(root.resolve("core/api/src/main/java/A.java"), saved);
        open("ok");
        assertThat(exitOf(first)).isZero();

        assertThat(launchAndWait("check")).isZero();
        assertThat(lines("builds")).hasSize(2);
    }

    @Test
    void aSecondLaunchWaitsForTheFirstsBuildInsteadOfBuildingAgain() throws Exception {
        Path secondErr = tmp.resolve("second.err");
        Process first = launch(Map.of("FAKE_GATE", gate.toString()), "check");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(log.resolve("build.pid")));
        Process second = launch(Map.of(), secondErr, "status");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(secondErr).contains("waiting for another launch"));

        open("ok");

        assertThat(exitOf(first)).isZero();
        assertThat(exitOf(second)).isZero();
        assertThat(lines("builds")).hasSize(1);
        assertThat(lines("java")).hasSize(2);
        assertThat(root.resolve("dist/target/.building")).doesNotExist();
    }

    @Test
    void aLockLeftByAKilledBuildIsTakenOver() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path lock = Files.createDirectories(root.resolve("dist/target/.building"));
        Files.writeString(lock.resolve("pid"), gone.pid() + "\n");

        assertThat(launchAndWait("check")).isZero();

        assertThat(lines("builds")).hasSize(1);
        assertThat(lines("java")).hasSize(1);
        assertThat(lock).doesNotExist();
    }

    @Test
    void aFailedBuildExitsWithItsCodeAndLeavesNoLockAndNoStamp() throws Exception {
        Process launcher = launch(Map.of("FAKE_GATE", gate.toString()), "check");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(log.resolve("build.pid")));
        open("3");

        assertThat(exitOf(launcher)).isEqualTo(3);
        assertThat(log.resolve("java")).doesNotExist();
        assertThat(root.resolve("dist/target/.building")).doesNotExist();
        assertThat(root.resolve("dist/target/flywheel/.built")).doesNotExist();
    }

    @Test
    void stoppingTheLauncherDuringTheBuildStopsTheBuildToo() throws Exception {
        Process launcher = launch(Map.of("FAKE_GATE", gate.toString()), "check");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(log.resolve("build.pid")));
        long build = Long.parseLong(Files.readString(log.resolve("build.pid")).strip());

        launcher.destroy(); // SIGTERM

        assertThat(exitOf(launcher)).isEqualTo(143);
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(build).map(h -> !h.isAlive()).orElse(true));
        assertThat(root.resolve("dist/target/.building")).doesNotExist();
        assertThat(root.resolve("dist/target/flywheel/.built")).doesNotExist();
        assertThat(log.resolve("java")).doesNotExist();
    }

    private int launchAndWait(String... args) throws Exception {
        return exitOf(launch(Map.of(), args));
    }

    private Process launch(Map<String, String> env, String... args) throws IOException {
        return launch(env, tmp.resolve("launcher-" + started.size() + ".err"), args);
    }

    private Process launch(Map<String, String> env, Path err, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(root.resolve("flywheel").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
        Map<String, String> environment = pb.environment();
        environment.keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
        environment.put("JAVA_HOME", jdk.getParent().toString());
        environment.put("FAKE_LOG", log.toString());
        environment.putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static int exitOf(Process p) throws InterruptedException {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the launcher finished").isTrue();
        return p.exitValue();
    }

    private List<String> lines(String name) throws IOException {
        Path file = log.resolve(name);
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    private static FileTime later(FileTime t) {
        return FileTime.fromMillis(t.toMillis() + 10_000);
    }

    private static void script(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void copyExecutable(Path from, Path to) {
        try {
            Files.copy(from, to);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
