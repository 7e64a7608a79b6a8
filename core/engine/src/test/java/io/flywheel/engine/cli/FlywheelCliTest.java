package io.flywheel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.ManualScheduler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class FlywheelCliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        ManualClock clock = ManualClock.atDefaultStart();
        FlywheelCli.Io io = new FlywheelCli.Io(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, clock, () -> new ManualScheduler(clock), new SplittableRandom(1));
        return FlywheelCli.commandLine(io).execute(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void versionNamesFlywheelTheApiAndTheJvm() {
        assertThat(run(Map.of(), "--version")).isZero();
        assertThat(out()).contains("flywheel ").contains("plugin API 1.3.0").contains("Java 25");
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "check", "plugins", "stats", "weights"})
    void everyCommandHasHelp(String command) {
        assertThat(run(Map.of(), command, "--help")).isZero();
        assertThat(out()).contains("Usage: flywheel " + command);
    }

    @Test
    void checkListsEveryMistakeAndEveryMissingVariableAtOnce() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yml"), """
                keywords:
                  java: lots
                sources:
                  - id: hn
                    type: rsss
                    url: https://example.org/feed?key=${FEED_KEY}
                outputs:
                  - id: console
                    type: console
                    colour: true
                  - id: hook
                    type: console
                    body-chars: ${BODY_CHARS}
                """);
        int exit = run(Map.of(), "check", "--config", config.toString());
        assertThat(exit).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err().lines().filter(l -> l.contains(": error: "))).containsExactly(
                "config.yml:2:9: error: keywords.java: expected a number, found 'lots'",
                "config.yml:4:5: error: sources[hn]: no loaded plugin provides lead source type 'rsss'; available: none"
                        + " (plugins folder " + dir.resolve("plugins").toAbsolutePath().normalize() + " does not exist: no plugin loaded).",
                "config.yml:6:10: error: environment variable FEED_KEY is not set (put it in the environment or in .env; .env.example documents it)",
                "config.yml:10:5: error: outputs[console]: unknown key 'colour'; did you mean 'color'?",
                "config.yml:13:17: error: environment variable BODY_CHARS is not set (put it in the environment or in .env; .env.example documents it)");
        assertThat(out()).contains("5 error(s)");
    }

    @Test
    void checkPassesAValidConfigAndSaysSo() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yml"), "keywords: {java: 1}\noutputs:\n  - id: console\n    type: console\n");
        assertThat(run(Map.of(), "check", "-c", config.toString())).isZero();
        assertThat(out()).contains("OK");
    }

    @Test
    void checkFailsAConfigWithoutKeywordsThatRunWouldFailOn() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yml"), "outputs:\n  - id: console\n    type: console\n");
        assertThat(run(Map.of(), "check", "-c", config.toString())).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("config.yml: error: keywords: none configured;").contains("e.g. keywords: {backend: 3, remote: 2}");
        assertThat(out()).doesNotContain("OK");
    }

    @Test
    void runRefusesToStartWithProblemsAndSaysWhy() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yml"), "sources:\n  - id: x\n    type: nothing\n");
        assertThat(run(Map.of(), "run", "--once", "-c", config.toString())).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("no loaded plugin provides lead source type 'nothing'").contains("not started");
    }

    @Test
    void theConfigFileCanComeFromTheEnvironment() throws Exception {
        Path config = Files.writeString(dir.resolve("other.yml"), "keywords: {java: 1}\noutputs:\n  - id: console\n    type: console\n");
        assertThat(run(Map.of("FLYWHEEL_CONFIG", config.toString()), "check")).isZero();
        assertThat(out()).contains(config.toString());
    }

    @Test
    void pluginsListsTheBuiltInTypes() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yml"), "plugins: {dir: empty}\n");
        Files.createDirectories(dir.resolve("empty"));
        assertThat(run(Map.of(), "plugins", "-c", config.toString())).isZero();
        assertThat(out()).contains("flywheel-core").contains("output 'console'");
    }

    @Test
    void everyCommandsSummaryInTheHelpIsAWholeSentence() {
        // picocli lists a command by its description's first line: one cut mid-sentence read "... Sortino," in `flywheel --help`
        java.util.List<String> cut = new java.util.ArrayList<>();
        java.util.ArrayDeque<picocli.CommandLine> todo = new java.util.ArrayDeque<>(java.util.List.of(FlywheelCli.commandLine(new CliRun(ManualClock.atDefaultStart()).io(Map.of()))));
        while (!todo.isEmpty()) {
            picocli.CommandLine c = todo.pop();
            String[] description = c.getCommandSpec().usageMessage().description();
            if (description.length > 0 && !description[0].strip().endsWith(".")) {
                cut.add(c.getCommandSpec().qualifiedName() + ": " + description[0]);
            }
            c.getSubcommands().values().stream().filter(s -> !s.getCommandName().equals("help")).forEach(todo::add);
        }
        assertThat(cut).isEmpty();
    }

    @Test
    void aPluginThatFailsToLoadIsNamedByItsPathNotJustItsName() throws Exception {
        // before, `check` said "plugin broken.jar not loaded" and `plugins` "file: broken.jar": which folder?
        Path config = Files.writeString(dir.resolve("config.yml"), "keywords: {java: 1}\nplugins: {dir: plugs}\n");
        io.flywheel.testkit.PluginJarBuilder.writeCorrupt(Files.createDirectories(dir.resolve("plugs")), "broken.jar");
        String path = dir.resolve("plugs").resolve("broken.jar").toAbsolutePath().normalize().toString();   // outside the working folder: absolute
        assertThat(run(Map.of(), "plugins", "-c", config.toString())).isEqualTo(FlywheelCli.FAILED);
        assertThat(out()).contains("file: " + path);
        out.reset();
        err.reset();
        run(Map.of(), "check", "-c", config.toString());
        assertThat(out() + err()).contains("warning: plugin " + path + " not loaded: ");
        assertThat(io.flywheel.engine.plugin.PluginReport.shown(Path.of("plugins", "x.jar").toAbsolutePath())).isEqualTo(Path.of("plugins", "x.jar").toString());
    }

    @Test
    void pluginsFailsNamingAPluginsFolderThatDoesNotExist() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yml"), "plugins: {dir: plugnis}\n");
        assertThat(run(Map.of(), "plugins", "-c", config.toString())).isEqualTo(FlywheelCli.FAILED);
        assertThat(err()).contains("flywheel plugins: plugins folder " + dir.resolve("plugnis").toAbsolutePath().normalize() + " does not exist");
    }

    @Test
    void checkNamesADurationTooLargeWhereItIs() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yml"), "keywords: {java: 1}\nsources:\n  - id: x\n    type: rss\n    every: 99999999999999999d\n");
        assertThat(run(Map.of(), "check", "-c", config.toString())).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("config.yml:5:12: error: sources[x].every: too large: '99999999999999999d'").doesNotContain("long overflow");
    }

    @Test
    void aFileErrorWithoutAReasonIsDescribedByWhatItIs() {
        // a NoSuchFileException's message is only the path: alone it does not say what went wrong
        assertThat(FlywheelCli.describe(new java.nio.file.NoSuchFileException("/nope/x.png"))).isEqualTo("/nope/x.png: no such file or directory (NoSuchFileException)");
        assertThat(FlywheelCli.describe(new java.nio.file.AccessDeniedException("/root/x"))).isEqualTo("/root/x: permission denied (AccessDeniedException)");
        assertThat(FlywheelCli.describe(new java.nio.file.FileSystemException("/a/b", null, "Not a directory"))).isEqualTo("/a/b: Not a directory");
        assertThat(FlywheelCli.describe(new IllegalStateException("store is closed"))).isEqualTo("store is closed");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertThat(run(Map.of(), "fly")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err()).contains("Unmatched argument");
    }

    @Test
    void checkReportsEveryProblemOfAnEntryItDropsHostKeysPluginKeysAndType() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yml"), """
                keywords: {java: 1}
                sources:
                  - id: hn
                    type: rsss
                    every: soon
                outputs:
                  - id: console
                    type: console
                    kinds: [nope]
                    colour: true
                """);
        assertThat(run(Map.of(), "check", "-c", config.toString())).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        // before, a bad host key dropped the entry and hid the unknown type and the plugin's unknown key
        assertThat(err().lines().filter(l -> l.contains(": error: "))).containsExactly(
                "config.yml:3:5: error: sources[hn]: no loaded plugin provides lead source type 'rsss'; available: none"
                        + " (plugins folder " + dir.resolve("plugins").toAbsolutePath().normalize() + " does not exist: no plugin loaded).",
                "config.yml:5:12: error: sources[hn].every: not a duration: 'soon' (write e.g. 90s, 15m, 1h30m, 7d or PT15M)",
                "config.yml:9:13: error: outputs[console].kinds[0]: 'nope' is not one of lead, signal, notice",
                "config.yml:10:5: error: outputs[console]: unknown key 'colour'; did you mean 'color'?");
    }
}
