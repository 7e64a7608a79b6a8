package io.flywheel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.engine.imports.SqliteImportFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code flywheel import} on the files a prototype leaves behind, and how it shows progress. */
class ImportCommandTest extends StoreCliTest {
    /** {@code flywheel import --config=CONFIG ARGS} on a terminal that can redraw. */
    @Override
    int run(String... args) {
        return terminal.run(config, Map.of("TERM", "xterm-256color"), "import", args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTimestampNoInstantCanHoldIsReportedWithItsRowAndTheRestIsImported() throws Exception {
        Path db = SqliteImportFixture.database(dir, "CREATE TABLE jobs (title TEXT, link TEXT, ts)",
                "INSERT INTO jobs VALUES ('One', 'https://a.example/1', 1714557600)",
                "INSERT INTO jobs VALUES ('Bad', 'https://a.example/2', -9223372036854775808)",
                "INSERT INTO jobs VALUES ('Three', 'https://a.example/3', 1714557600)");
        assertThat(run("--sqlite", db.toString(), "--map", "title=title,url=link,timestamp=ts", "--batch", "1")).as(err()).isZero();
        assertThat(out()).contains("imported 2, duplicate 0 (0 linked as cross-posts), rejected 1 of 3 row(s)")
                .contains("rejected row 2: timestamp '-9223372036854775808' in column ts is not a date or time this understands");
    }

    @Test
    void progressIsShownAsAskedAndAutoDrawsLinesWhenStderrIsNotTheProcessTerminal() throws Exception {
        Path db = SqliteImportFixture.prototype(dir, SqliteImportFixture.sample());
        String[] args = {"--sqlite", db.toString(), "--map", "title=job_title,url=link"};

        assertThat(run(concat(args, "--progress", "none"))).as(err()).isZero();
        assertThat(err()).isEmpty();
        assertThat(out()).contains("of 8 row(s)");

        assertThat(run(concat(args, "--progress", "lines"))).as(err()).isZero();
        assertThat(err()).contains("import: 100%  8/8 rows").doesNotContain("\r");

        assertThat(run(concat(args, "--progress", "bar"))).as(err()).isZero();
        assertThat(err()).startsWith("\r[").contains("] 100%  8/8 rows").endsWith(System.lineSeparator());

        assertThat(run(concat(args, "--progress", "auto"))).as(err()).isZero();
        assertThat(err()).contains("import: 100%  8/8 rows").doesNotContain("\r");
        assertThat(run(args)).as(err()).isZero();
        assertThat(err()).contains("import: 100%  8/8 rows").doesNotContain("\r");

        assertThat(run(concat(args, "--progress", "fancy"))).isEqualTo(FlywheelCli.CONFIG_PROBLEMS);
        assertThat(err()).contains("--progress must be auto, bar, lines or none, found 'fancy'");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
