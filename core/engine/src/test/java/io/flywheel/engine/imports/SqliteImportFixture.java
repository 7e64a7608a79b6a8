package io.flywheel.engine.imports;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A prototype's SQLite table of leads, as the Python bot Flywheel replaces kept it: good rows, repeats, bad rows, a cross-post. */
public final class SqliteImportFixture {
    public static final String BODY = "We are hiring a backend engineer to build and run our payment APIs in Go and Postgres, with on-call"
            + " shared across a team of six. Remote within the EU, salary 80-100k EUR. Tell us about a system you kept alive.";

    private SqliteImportFixture() {}

    /** The prototype's table: jobs(id, job_title, link, site, created_at, description). */
    public static Path prototype(Path dir, List<Object[]> rows) throws Exception {
        Path db = dir.resolve("leads.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, job_title TEXT, link TEXT, site TEXT, created_at, description TEXT)");
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO jobs (job_title, link, site, created_at, description) VALUES (?,?,?,?,?)")) {
                for (Object[] r : rows) {
                    for (int i = 0; i < 5; i++) {
                        p.setObject(i + 1, r[i]);
                    }
                    p.executeUpdate();
                }
            }
        }
        return db;
    }

    /** A database built by {@code sql}, for tables of any shape (views, WITHOUT ROWID, BLOBs, odd bytes). */
    public static Path database(Path dir, String... sql) throws Exception {
        Path db = dir.resolve("odd.db");
        Files.deleteIfExists(db);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
        return db;
    }

    public static List<Object[]> sample() {
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {"Backend Engineer (Go)", "https://jobs.example.org/1?utm_source=bot", "hackernews", "2024-05-01 10:00:00", BODY});
        rows.add(new Object[] {"Backend Engineer (Go)", "http://JOBS.example.org/1", "hackernews", "2024-05-01 10:00:00", BODY}); // same posting
        rows.add(new Object[] {null, "https://jobs.example.org/2", "hackernews", "2024-05-02", "no title"});
        rows.add(new Object[] {"Data Engineer", "https://jobs.example.org/3", "reddit", "yesterday", "bad time"});
        rows.add(new Object[] {"Rust Engineer", "https://jobs.example.org/4", "reddit", 1714557600L, "Rust all day"});
        rows.add(new Object[] {"Founding Engineer", null, null, "2024-05-03T09:00:00+02:00", "A posting with no link"});
        rows.add(new Object[] {"Backend Engineer - Go", "https://linkedin.example/jobs/99", "linkedin", "2024-05-01 11:00:00", BODY}); // cross-post
        rows.add(new Object[] {"   ", "https://jobs.example.org/5", "reddit", null, "blank title"});
        return rows;
    }

}
