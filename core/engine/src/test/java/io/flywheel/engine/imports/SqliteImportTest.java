package io.flywheel.engine.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.lead.KeywordMatcher;
import io.flywheel.engine.lead.KeywordScorer;
import io.flywheel.engine.lead.LeadNormalizer;
import io.flywheel.engine.lead.LeadPipeline;
import io.flywheel.engine.lead.NearDuplicates;
import io.flywheel.engine.lead.UrlCanonicalizer;
import io.flywheel.engine.store.LeadQuery;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteImportTest {
    static final Map<String, String> MAPPING = Map.of("title", "job_title", "url", "link", "platform", "site", "timestamp", "created_at",
            "body", "description");

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
    private MapDbStore store;
    private SqliteImport importer;

    @BeforeEach
    void open() {
        store = MapDbStore.open(dir.resolve("flywheel.db"), MapDbStore.Options.defaults(), clock);
        NearDuplicates near = new NearDuplicates(store, Duration.ofDays(14));
        LeadPipeline pipeline = new LeadPipeline(new LeadNormalizer(new UrlCanonicalizer(), new KeywordMatcher(List.of("go", "rust"))), store,
                new KeywordScorer(), () -> Map.of("go", 2.0, "rust", 1.0), List.of(), clock, near);
        importer = new SqliteImport(pipeline);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void importsThroughTheSameDedupAndReportsBadRowsWithoutStopping() throws Exception {
        Path db = SqliteImportFixture.prototype(dir, SqliteImportFixture.sample());
        List<SqliteImport.Progress> updates = new ArrayList<>();
        SqliteImport.Progress p = importer.run(new SqliteImport.Request(db, null, MAPPING, "prototype", "imported", 3), updates::add);

        assertThat(p.total()).isEqualTo(8);
        assertThat(p.read()).isEqualTo(8);
        assertThat(p.imported()).isEqualTo(3);
        assertThat(p.duplicates()).isEqualTo(2);
        assertThat(p.linked()).isEqualTo(1);
        assertThat(p.rejected()).isEqualTo(3);
        assertThat(p.reasons()).anyMatch(r -> r.startsWith("row 3: no title")).anyMatch(r -> r.startsWith("row 4: timestamp 'yesterday'"))
                .anyMatch(r -> r.startsWith("row 8: no title"));
        assertThat(updates).hasSizeGreaterThanOrEqualTo(3).last().isEqualTo(p);

        Lead first = store.get("https://jobs.example.org/1").orElseThrow();
        assertThat(first.published()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(first.sourceId()).isEqualTo("prototype");
        assertThat(first.keywords()).contains("go");
        assertThat(store.get("https://jobs.example.org/4").orElseThrow().published()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        Lead noLink = store.query(LeadQuery.newest(10).platform("imported")).getFirst();
        assertThat(noLink.key()).startsWith("fp:");
        assertThat(noLink.published()).isEqualTo(Instant.parse("2024-05-03T07:00:00Z"));
        assertThat(store.duplicateOf("https://linkedin.example/jobs/99").orElseThrow().originalKey()).isEqualTo("https://jobs.example.org/1");
        assertThat(store.pendingCount("console")).isZero();

        // Importing the same file again adds nothing.
        SqliteImport.Progress again = importer.run(new SqliteImport.Request(db, "JOBS", MAPPING, "prototype", "imported", 1000), x -> {});
        assertThat(again.imported()).isZero();
        assertThat(again.duplicates()).isEqualTo(5);
        assertThat(store.size()).isEqualTo(3);
    }

    @Test
    void manyRowsGoInBatches() throws Exception {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            rows.add(new Object[] {"Job " + i, "https://jobs.example.org/n/" + (i % 2000), "hackernews", 1_700_000_000L + i * 60L, "body " + i});
        }
        Path db = SqliteImportFixture.prototype(dir, rows);
        List<SqliteImport.Progress> updates = new ArrayList<>();
        SqliteImport.Progress p = importer.run(new SqliteImport.Request(db, null, MAPPING, "prototype", "imported", 1000), updates::add);
        assertThat(p.imported()).isEqualTo(2000);
        assertThat(p.duplicates()).isEqualTo(500);
        assertThat(updates).extracting(SqliteImport.Progress::read).contains(1000L, 2000L, 2500L);
        assertThat(store.size()).isEqualTo(2000);
    }

    @Test
    void aMappingToMissingColumnsOrTablesIsRefusedBeforeAnythingIsImported() throws Exception {
        Path db = SqliteImportFixture.prototype(dir, SqliteImportFixture.sample());
        assertThatThrownBy(() -> importer.run(new SqliteImport.Request(db, null, Map.of("title", "job_title", "url", "href"), "p", "x", 10), x -> {}))
                .isInstanceOf(SqliteImport.BadArgument.class).hasMessageContaining("--map url=href: table 'jobs'")
                .hasMessageContaining("job_title, link, site, created_at, description");
        assertThatThrownBy(() -> importer.run(new SqliteImport.Request(db, "offers", Map.of("title", "job_title"), "p", "x", 10), x -> {}))
                .isInstanceOf(SqliteImport.BadArgument.class).hasMessageContaining("--table offers: no such table").hasMessageContaining("jobs");
        assertThatThrownBy(() -> importer.run(new SqliteImport.Request(dir.resolve("nope.db"), null, Map.of("title", "t"), "p", "x", 10), x -> {}))
                .isInstanceOf(SqliteImport.BadArgument.class).hasMessageContaining("nope.db: no such file");
        assertThat(store.size()).isZero();
    }

    private SqliteImport.Progress run(Path db, String table, Map<String, String> mapping) {
        return importer.run(new SqliteImport.Request(db, table, mapping, "prototype", "imported", 1), x -> {});
    }

    @Test
    void aTimestampJavaCannotHoldRejectsItsRowAndTheImportGoesOn() throws Exception {
        // -2^63 is pandas' NaT written as int64.
        Path db = SqliteImportFixture.database(dir, "CREATE TABLE jobs (title TEXT, link TEXT, ts)",
                "INSERT INTO jobs VALUES ('One', 'https://a.example/1', 1714557600)",
                "INSERT INTO jobs VALUES ('Two', 'https://a.example/2', 1714557600)",
                "INSERT INTO jobs VALUES ('Bad', 'https://a.example/3', -9223372036854775808)",
                "INSERT INTO jobs VALUES ('Four', 'https://a.example/4', 1714557600)");
        Map<String, String> mapping = Map.of("title", "title", "url", "link", "timestamp", "ts");
        SqliteImport.Progress p = run(db, null, mapping);
        assertThat(p.imported()).isEqualTo(3);
        assertThat(p.rejected()).isEqualTo(1);
        assertThat(p.reasons()).singleElement().asString().startsWith("row 3: timestamp '-9223372036854775808' in column ts is not a date");
        assertThat(store.get("https://a.example/4")).isPresent();

        SqliteImport.Progress again = run(db, null, mapping);
        assertThat(again.duplicates()).isEqualTo(3);
        assertThat(again.rejected()).isEqualTo(1);
    }

    @Test
    void blobsAndTextThatIsNotUtf8AreReadAsText() throws Exception {
        // E9 is é in windows-1252 (and Latin-1) but not valid UTF-8 on its own.
        Path db = SqliteImportFixture.database(dir, "CREATE TABLE jobs (title, link TEXT, company)",
                "INSERT INTO jobs VALUES (CAST('Backend Engineer blob' AS BLOB), 'https://a.example/1', NULL)",
                "INSERT INTO jobs VALUES (CAST(X'436166E920456E67696E656572' AS TEXT), 'https://a.example/2', NULL)",
                "INSERT INTO jobs VALUES (X'436166E920426C6F62', NULL, CAST('Acme' AS BLOB))",
                "INSERT INTO jobs VALUES (CAST('Café UTF-8' AS BLOB), 'https://a.example/4', NULL)");
        Map<String, String> mapping = Map.of("title", "title", "url", "link", "company", "company");
        SqliteImport.Progress p = run(db, null, mapping);
        assertThat(p.imported()).isEqualTo(4);
        assertThat(store.get("https://a.example/1").orElseThrow().title()).isEqualTo("Backend Engineer blob");
        assertThat(store.get("https://a.example/2").orElseThrow().title()).isEqualTo("Café Engineer");
        assertThat(store.get("https://a.example/4").orElseThrow().title()).isEqualTo("Café UTF-8");
        Lead noLink = store.query(LeadQuery.newest(10)).stream().filter(l -> l.url() == null).findFirst().orElseThrow();
        assertThat(noLink.title()).isEqualTo("Café Blob");
        assertThat(noLink.company()).isEqualTo("Acme");

        // The same bytes give the same key, so a re-run adds nothing.
        SqliteImport.Progress again = run(db, null, mapping);
        assertThat(again.imported()).isZero();
        assertThat(again.duplicates()).isEqualTo(4);
    }

    @Test
    void viewsAndTablesWithoutRowidAreImported() throws Exception {
        Path db = SqliteImportFixture.database(dir, "CREATE TABLE jobs (link TEXT PRIMARY KEY, title TEXT) WITHOUT ROWID",
                "INSERT INTO jobs VALUES ('https://a.example/2', NULL)",
                "INSERT INTO jobs VALUES ('https://a.example/1', 'One')");
        Map<String, String> mapping = Map.of("title", "title", "url", "link");
        SqliteImport.Progress p = run(db, null, mapping);
        assertThat(p.imported()).isEqualTo(1);
        assertThat(p.reasons()).containsExactly("row link=https://a.example/2: no title");

        Path view = SqliteImportFixture.database(dir, "CREATE TABLE base (id INTEGER PRIMARY KEY, title TEXT, link TEXT)",
                "INSERT INTO base VALUES (7, 'Seven', 'https://b.example/7')",
                "INSERT INTO base VALUES (8, NULL, 'https://b.example/8')",
                "INSERT INTO base VALUES (9, 'Nine', 'https://b.example/9')",
                "CREATE VIEW v AS SELECT link, title FROM base");
        List<SqliteImport.Progress> updates = new ArrayList<>();
        SqliteImport.Progress v = importer.run(new SqliteImport.Request(view, "v", mapping, "prototype", "imported", 1), updates::add);
        assertThat(v.total()).isEqualTo(3);
        assertThat(v.imported()).isEqualTo(2);
        // A view's rows are numbered in the order of all its columns.
        assertThat(v.reasons()).containsExactly("view row 2: no title");
        assertThat(updates).last().isEqualTo(v);
        assertThat(v.read()).isEqualTo(3);
        assertThat(store.get("https://b.example/9")).isPresent();
    }

    @Test
    void aColumnNamedRowidDoesNotHideTheRowid() throws Exception {
        Path db = SqliteImportFixture.database(dir, "CREATE TABLE jobs (rowid TEXT, title TEXT, link TEXT)",
                "INSERT INTO jobs VALUES ('x', 'One', 'https://a.example/1')",
                "INSERT INTO jobs VALUES ('y', NULL, 'https://a.example/2')");
        SqliteImport.Progress p = run(db, null, Map.of("title", "title", "url", "link"));
        assertThat(p.reasons()).containsExactly("row 2: no title");
    }

    @Test
    void epochMillisStoredAsRealAndOffsetsWithoutAColonAreRead() throws Exception {
        Path db = SqliteImportFixture.database(dir, "CREATE TABLE jobs (title TEXT, link TEXT, ts)",
                "INSERT INTO jobs VALUES ('Int millis', 'https://a.example/1', 1714557600000)",
                "INSERT INTO jobs VALUES ('Real millis', 'https://a.example/2', 1714557600000.0)",
                "INSERT INTO jobs VALUES ('Text real millis', 'https://a.example/3', '1714557600123.0')",
                "INSERT INTO jobs VALUES ('Python %z', 'https://a.example/4', '2024-05-01 12:00:00+0200')",
                "INSERT INTO jobs VALUES ('Far off', 'https://a.example/5', 1e40)");
        SqliteImport.Progress p = run(db, null, Map.of("title", "title", "url", "link", "timestamp", "ts"));
        assertThat(p.imported()).isEqualTo(4);
        assertThat(store.get("https://a.example/2").orElseThrow().published()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(store.get("https://a.example/3").orElseThrow().published()).isEqualTo(Instant.parse("2024-05-01T10:00:00.123Z"));
        assertThat(store.get("https://a.example/4").orElseThrow().published()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(p.reasons()).containsExactly("row 5: timestamp '1.0E40' in column ts is not a date or time this understands");
    }

    @Test
    void rowsWithATitleOfOnlyControlCharactersAreNamed() throws Exception {
        Path db = SqliteImportFixture.database(dir, "CREATE TABLE jobs (title TEXT, link TEXT)",
                "INSERT INTO jobs VALUES ('Good', 'https://a.example/1')",
                "INSERT INTO jobs VALUES (char(1,2,3), 'https://a.example/2')",
                "INSERT INTO jobs VALUES (char(9,10,127) || ' ', 'https://a.example/3')",
                "INSERT INTO jobs VALUES (char(8238, 8297) || ' ', 'https://a.example/4')");
        SqliteImport.Progress p = importer.run(new SqliteImport.Request(db, null, Map.of("title", "title", "url", "link"), "p", "imported", 10), x -> {});
        assertThat(p.imported()).isEqualTo(1);
        assertThat(p.rejected()).isEqualTo(3);
        assertThat(p.reasons()).containsExactly("row 2: title '\\u0001\\u0002\\u0003' has only blanks or control characters",
                "row 3: title '\\t\\n\\u007f ' has only blanks or control characters",
                "row 4: title '\\u202e\\u2069 ' has only blanks or control characters");
    }

    @Test
    void mappingsAreCheckedWithClearMessages() {
        assertThat(SqliteImport.parseMapping("title=job_title, url=link ,timestamp=created_at"))
                .containsEntry("title", "job_title").containsEntry("url", "link").containsEntry("timestamp", "created_at");
        assertThatThrownBy(() -> SqliteImport.parseMapping("url=link")).hasMessageContaining("title=<column> is required");
        assertThatThrownBy(() -> SqliteImport.parseMapping("title=a,salary=b")).hasMessageContaining("unknown field 'salary'");
        assertThatThrownBy(() -> SqliteImport.parseMapping("title")).hasMessageContaining("'title' is not field=column");
        assertThatThrownBy(() -> SqliteImport.parseMapping("title=a,title=b")).hasMessageContaining("mapped twice");
    }
}
