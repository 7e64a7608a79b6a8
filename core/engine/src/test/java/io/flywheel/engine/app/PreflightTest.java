package io.flywheel.engine.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.PluginContext;
import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.lead.LeadSourceFactory;
import io.flywheel.api.lead.SourceResult;
import io.flywheel.engine.config.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `flywheel check` and `run` say about mistakes an operator makes around plugins. */
class PreflightTest {
    @TempDir
    Path dir;

    /** A source type that reads files, as the csv market feed does. */
    static final class FileSource implements LeadSourceFactory<FileSource.Config> {
        public record Config(Path file, Map<String, Path> files) {}

        @Override
        public String type() {
            return "file-reader";
        }

        @Override
        public Class<Config> configType() {
            return Config.class;
        }

        @Override
        public LeadSource create(Config config, PluginContext context) {
            return query -> SourceResult.of(List.of());
        }
    }

    /** A source type with paths below its top level and keys meant as folders. */
    static final class NestedPaths implements LeadSourceFactory<NestedPaths.Config> {
        public record Part(Path file, Path workDir) {}

        public record Config(Path file, Path cacheDir, Part part, List<Part> parts) {}

        @Override
        public String type() {
            return "nested-paths";
        }

        @Override
        public Class<Config> configType() {
            return Config.class;
        }

        @Override
        public LeadSource create(Config config, PluginContext context) {
            return query -> SourceResult.of(List.of());
        }
    }

    private Preflight.Result preflight(String config) throws Exception {
        Files.writeString(dir.resolve("config.yml"), config);
        return Preflight.run(dir.resolve("config.yml"), Map.of(), host -> {
            host.registerBuiltIn(new ScriptedSource());
            host.registerBuiltIn(new FileSource());
            host.registerBuiltIn(new NestedPaths());
        });
    }

    @Test
    void aFileAnEntryReadsThatDoesNotExistIsAWarningAtItsLine() throws Exception {
        // before, `flywheel check` said OK for `file: demo/markets/nope.csv`; the paper book then failed at its first poll
        Files.writeString(dir.resolve("there.csv"), "time,open\n");
        Preflight.Result pre = preflight("""
                keywords: {backend: 2}
                sources:
                  - id: a
                    type: file-reader
                    file: nope.csv
                  - id: b
                    type: file-reader
                    file: there.csv
                    files: {BTC: there.csv, ETH: eth.csv}
                """);
        try (var plugins = pre.plugins()) {
            assertThat(pre.problems().all()).extracting(Problem::toString).containsExactly(
                    "config.yml:5:11: warning: sources[a].file: " + dir.resolve("nope.csv") + " does not exist",
                    "config.yml:9:34: warning: sources[b].files.ETH: " + dir.resolve("eth.csv") + " does not exist");
            assertThat(pre.instances()).hasSize(2);
        }
    }

    @Test
    void aFolderWhereAFileIsMeantAFileWhereAFolderIsMeantAndNestedPathsAreWarningsAtTheirLines() throws Exception {
        // before, `flywheel check` said OK for all of these but the missing top-level file
        Files.writeString(dir.resolve("there.csv"), "time,open\n");
        Files.createDirectories(dir.resolve("data"));
        Preflight.Result pre = preflight("""
                keywords: {backend: 2}
                sources:
                  - id: a
                    type: nested-paths
                    file: data
                    cache-dir: there.csv
                    part: {file: nope.csv, work-dir: data}
                    parts:
                      - file: there.csv
                      - {file: data, work-dir: gone}
                """);
        try (var plugins = pre.plugins()) {
            assertThat(pre.problems().all()).extracting(Problem::toString).containsExactly(
                    "config.yml:5:11: warning: sources[a].file: " + dir.resolve("data") + " is a folder, not a file",
                    "config.yml:6:16: warning: sources[a].cache-dir: " + dir.resolve("there.csv") + " is a file, not a folder",
                    "config.yml:7:18: warning: sources[a].part.file: " + dir.resolve("nope.csv") + " does not exist",
                    "config.yml:10:16: warning: sources[a].parts[1].file: " + dir.resolve("data") + " is a folder, not a file",
                    "config.yml:10:32: warning: sources[a].parts[1].work-dir: " + dir.resolve("gone") + " does not exist");
            assertThat(pre.instances()).hasSize(1);
        }
    }

    @Test
    void aTypeNotProvidedBecauseThePluginsFolderDoesNotExistSaysSo() throws Exception {
        Preflight.Result pre = preflight("""
                plugins:
                  dir: plugnis
                keywords: {backend: 2}
                sources:
                  - id: jobs
                    type: rss
                    url: https://example.org/jobs.rss
                """);
        try (var plugins = pre.plugins()) {
            Path folder = dir.resolve("plugnis").toAbsolutePath().normalize();
            assertThat(pre.problems().all()).extracting(Problem::toString).containsExactly(
                    "config.yml:5:5: error: sources[jobs]: no loaded plugin provides lead source type 'rss'; available: file-reader, nested-paths, scripted"
                            + " (plugins folder " + folder + " does not exist: no plugin loaded).");
        }
    }

    @Test
    void aPluginsFolderThatIsAFileIsSaidToBeNoFolder() throws Exception {
        Files.writeString(dir.resolve("plugins.jar"), "not a folder");
        Preflight.Result pre = preflight("""
                plugins: {dir: plugins.jar}
                keywords: {backend: 2}
                """);
        try (var plugins = pre.plugins()) {
            // nothing configured needs a plugin: no problem, but the folder's is known
            assertThat(pre.problems().all()).isEmpty();
            assertThat(plugins.folderProblem()).hasValue(
                    "plugins folder " + dir.resolve("plugins.jar").toAbsolutePath().normalize() + " is not a folder: no plugin loaded");
        }
    }

    @Test
    void aMisspeltHostKeyOfAnEntryGetsTheNearestKeyAndTheValidOnesIncludeTheHostKeys() throws Exception {
        Preflight.Result pre = preflight("""
                keywords: {backend: 2}
                sources:
                  - id: jobs
                    type: scripted
                    evry: 15m
                    platfrom: hackernews
                    zzz: 1
                """);
        try (var plugins = pre.plugins()) {
            assertThat(pre.problems().all()).extracting(Problem::toString).containsExactly(
                    "config.yml:5:5: error: sources[jobs]: unknown key 'evry'; did you mean 'every'?",
                    "config.yml:6:5: error: sources[jobs]: unknown key 'platfrom'; did you mean 'platform'?",
                    "config.yml:7:5: error: sources[jobs]: unknown key 'zzz'; valid keys: label, id, type, enabled, every, jitter, platform, focus");
        }
    }
}
