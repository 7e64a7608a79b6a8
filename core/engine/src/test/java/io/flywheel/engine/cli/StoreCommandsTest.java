package io.flywheel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.imports.SqliteImportFixture;
import io.flywheel.engine.store.MapDbStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code flywheel import} and {@code flywheel leads} as an operator runs them. */
class StoreCommandsTest extends StoreCliTest {
    @Override
    String configYaml() {
        return """
                store:
                  path: data/flywheel.db
                  tracking-params: [bot]
                keywords:
                  go: 2
                  rust: 1
                outputs:
                  - id: console
                    type: console
                """;
    }

    private FlywheelCli.Io io(Map<String, String> env) {
        return terminal.io(env);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void commandsReadingTheStoreOpenItAsConfigYmlSays() throws Exception {
        Files.writeString(config, Files.readString(config).replace("  tracking-params: [bot]\n", "  tracking-params: [bot]\n  fsync: batch\n  checkpoint: 5s\n"));
        FlywheelCli cli = new FlywheelCli(io(Map.of("FLYWHEEL_CONFIG", config.toString())));
        try (MapDbStore store = cli.openStore(cli.configOnly().orElseThrow())) {
            assertThat(store.options().sync()).isEqualTo(MapDbStore.Sync.BATCH);
            assertThat(store.options().checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
        }
    }

    @Test
    void importsThePrototypesTableThenListsAndShowsTheLeads() throws Exception {
        Path db = SqliteImportFixture.prototype(dir, SqliteImportFixture.sample());
        assertThat(run("import", "--sqlite", db.toString(), "--map", "title=job_title,url=link,platform=site,timestamp=created_at,body=description"))
                .as(err()).isZero();
        assertThat(out()).contains("imported 3, duplicate 2 (1 linked as cross-posts), rejected 3 of 8 row(s)")
                .contains("rejected row 3: no title").contains("rejected row 4: timestamp 'yesterday'");
        assertThat(err()).contains("100%").contains("8/8 rows");

        assertThat(run("leads")).isZero();
        assertThat(out()).contains("Backend Engineer (Go)").contains("Rust Engineer").contains("Founding Engineer").doesNotContain("linkedin");
        assertThat(err()).contains("3 lead(s) shown of 3 stored");

        assertThat(run("leads", "--platform", "reddit", "--format", "tsv")).isZero();
        assertThat(out().lines()).hasSize(2);
        assertThat(out()).contains("https://jobs.example.org/4");

        assertThat(run("leads", "--keyword", "go", "--min-score", "1", "--format", "json")).isZero();
        assertThat(out().lines()).singleElement().asString().contains("\"key\":\"https://jobs.example.org/1\"").contains("\"keywords\":[\"go\"]");

        assertThat(run("leads", "--from", "2024-05-02T00:00:00Z", "--to", "2024-05-04T00:00:00Z")).isZero();
        assertThat(out()).contains("Founding Engineer").doesNotContain("Rust Engineer");

        assertThat(run("leads", "--show", "https://jobs.example.org/1")).isZero();
        assertThat(out()).contains("title:        Backend Engineer (Go)").contains("cross-post:   https://linkedin.example/jobs/99 on linkedin");
        assertThat(run("leads", "--show", "https://linkedin.example/jobs/99")).isZero();
        assertThat(out()).contains("was judged a duplicate of https://jobs.example.org/1").contains("why:");
        assertThat(run("leads", "--show", "https://nowhere.example")).isEqualTo(FlywheelCli.FAILED);
        assertThat(err()).contains("no lead with key https://nowhere.example");

        assertThat(run("leads", "--stats")).isZero();
        assertThat(out()).contains("leads:        3").contains("known keys:   4").contains("dedup front:");
    }

    @Test
    void showingALeadSaysWhereEachOutputPostedItOrWhyItWasRefused() throws Exception {
        Path db = SqliteImportFixture.prototype(dir, SqliteImportFixture.sample());
        assertThat(run("import", "--sqlite", db.toString(), "--map", "title=job_title,url=link,platform=site,timestamp=created_at", "--post")).isZero();
        FlywheelCli cli = new FlywheelCli(io(Map.of("FLYWHEEL_CONFIG", config.toString())));
        try (MapDbStore store = cli.openStore(cli.configOnly().orElseThrow())) {
            String post = io.flywheel.engine.lead.LeadPosts.postId("https://jobs.example.org/1");
            store.delivered("console", java.util.List.of(new io.flywheel.api.output.Delivery(post, "refused: Discord refused the message (400 ...)")));
        }
        assertThat(run("leads", "--show", "https://jobs.example.org/1")).isZero();
        assertThat(out()).contains("console:      refused: Discord refused the message (400 ...)");
        assertThat(run("leads", "--show", "https://jobs.example.org/4")).isZero();
        assertThat(out()).doesNotContain("console:");
    }

    @Test
    void badArgumentsAreNamed() throws Exception {
        Path db = SqliteImportFixture.prototype(dir, SqliteImportFixture.sample());
        assertThat(run("import", "--sqlite", db.toString(), "--map", "title=job_title,salary=pay")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("unknown field 'salary'");
        // Arguments naming something that is not there are usage problems (2), like --map's own syntax.
        assertThat(run("import", "--sqlite", db.toString(), "--map", "title=job_title,url=href")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("--map url=href: table 'jobs'").contains("has no such column")
                .contains("its columns are id, job_title, link, site, created_at, description");
        assertThat(run("import", "--sqlite", db.toString(), "--map", "title=titel")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("--map title=titel: table 'jobs'");
        assertThat(run("import", "--sqlite", db.toString(), "--table", "offers", "--map", "title=job_title")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("--table offers: no such table in").contains("it has jobs");
        Path missing = dir.resolve("missing.db");
        assertThat(run("import", "--sqlite", missing.toString(), "--map", "title=t")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("--sqlite " + missing + ": no such file");
        assertThat(run("import", "--sqlite", dir.toString(), "--map", "title=t")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("--sqlite " + dir + ": not a file");
        // A file that is there but cannot be read as SQLite is a failed run (1), not a usage problem.
        Path garbage = Files.writeString(dir.resolve("garbage.db"), "this is not a SQLite database, just some text to read".repeat(100));
        assertThat(run("import", "--sqlite", garbage.toString(), "--map", "title=t")).isEqualTo(FlywheelCli.FAILED);
        assertThat(err()).contains("cannot read " + garbage);
        assertThat(run("leads", "--format", "xml")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("--format must be table, tsv or json");
        assertThat(run("leads", "--limit", "0")).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
    }

    @Test
    void aChartThatCannotBeWrittenSaysWhatFailedAndWhy() throws Exception {
        try (MapDbStore store = MapDbStore.open(dir.resolve("data/flywheel.db"), MapDbStore.Options.defaults(), clock)) {
            store.append(new WeightSet(clock.instant(), WeightSet.Kind.KEYWORD, Map.of("go", 2.0, "rust", 1.0), "config", "initial weights"));
        }
        Path chart = dir.resolve("no-such-dir/x.png");
        for (String command : new String[] {"stats", "weights"}) {
            assertThat(run(command, "--chart", chart.toString())).as(command).isEqualTo(FlywheelCli.FAILED);
            assertThat(err()).as(command).startsWith("flywheel: cannot write " + chart + ": no such directory " + chart.getParent());
        }
        Files.writeString(dir.resolve("a-file"), "");
        Path underAFile = dir.resolve("a-file/x.png");
        assertThat(run("stats", "--chart", underAFile.toString())).isEqualTo(FlywheelCli.FAILED);
        assertThat(err()).startsWith("flywheel: cannot write " + underAFile + ": ").contains("Not a directory").doesNotContain("Exception:");
    }

    @Test
    void weightsRefusesANonPositiveDaysLikeStats() throws Exception {
        for (String command : new String[] {"stats", "weights"}) {
            assertThat(run(command, "--days", "-3")).as(command).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
            assertThat(err()).as(command).contains("--days must be positive, found -3").doesNotContain("Exception");
            assertThat(run(command, "--days", "0")).as(command).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
            assertThat(err()).as(command).contains("--days must be positive, found 0");
        }
    }

    @Test
    void aBrokenConfigIsReportedWithItsLocation() throws Exception {
        Files.writeString(config, "store:\n  retention: forever\n");
        for (String command : new String[] {"leads", "stats", "weights", "rules shadow"}) {
            assertThat(run(command.split(" "))).as(command).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
            assertThat(err()).as(command).contains("config.yml").contains("retention").doesNotContain("Exception");
        }
    }

    @Test
    void aStoreHeldByARunningFlywheelIsNamedWithTheDiscordCommandThatWorksMeanwhile() throws Exception {
        FlywheelCli cli = new FlywheelCli(io(Map.of()));
        Path db = dir.resolve("data/flywheel.db");
        Files.writeString(config, Files.readString(config).replace("data/flywheel.db", db.toString()));
        try (MapDbStore held = MapDbStore.open(db, MapDbStore.Options.defaults(), clock)) {
            for (String command : new String[] {"leads", "stats", "weights", "rules shadow"}) {
                assertThat(run(command.split(" "))).as(command).isEqualTo(FlywheelCli.FAILED);
                assertThat(err()).as(command).startsWith("flywheel " + command + ": the store ").contains("in use by another Flywheel process")
                        .contains("use /" + command + " instead");
                // each command names its own way round, not the one of `leads`
                assertThat(err()).as(command).doesNotContain(command.equals("leads") ? "(/leads)" : "/leads");
            }
            Path rule = Files.writeString(dir.resolve("keyword-weights.js"), "function updateKeywordWeights(stats, current) { return current; }\n");
            assertThat(run("rules", "test", rule.toString())).isEqualTo(FlywheelCli.FAILED);
            assertThat(err()).contains("in use by another Flywheel process").doesNotContain("/leads");
            assertThat(run("rules", "update")).isEqualTo(FlywheelCli.FAILED);
            assertThat(err()).contains("in use by another Flywheel process").contains("use /rules update instead").doesNotContain("/leads");
            assertThat(held.size()).isZero();
        }
    }
}
