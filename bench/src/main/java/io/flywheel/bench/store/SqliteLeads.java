package io.flywheel.bench.store;

import io.flywheel.api.lead.Lead;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * The reference: the same leads in SQLite (sqlite-jdbc), WAL journal, {@code synchronous=NORMAL},
 * {@code INSERT OR IGNORE} on a UNIQUE key, one transaction per batch, and the indexes Flywheel's
 * store has: (platform, time), (time), (score, time) and a keyword table keyed (keyword, time).
 */
final class SqliteLeads implements AutoCloseable {
    private final Connection db;
    private final PreparedStatement insert;
    private final PreparedStatement insertKeyword;
    private final PreparedStatement newestByPlatform;
    private final PreparedStatement timeRange;

    SqliteLeads(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        // Otherwise sqlite-jdbc runs a `SELECT last_insert_rowid()` after every insert for getGeneratedKeys, which nothing here reads.
        config.setGetGeneratedKeys(false);
        db = config.createConnection("jdbc:sqlite:" + file);
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("CREATE TABLE IF NOT EXISTS leads (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, source TEXT NOT NULL, platform TEXT NOT NULL,"
                    + " title TEXT NOT NULL, url TEXT, body TEXT, company TEXT, location TEXT, compensation TEXT, published INTEGER,"
                    + " found_at INTEGER NOT NULL, ts INTEGER NOT NULL, keywords TEXT NOT NULL, score REAL NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS leads_platform_ts ON leads(platform, ts)");
            s.execute("CREATE INDEX IF NOT EXISTS leads_ts ON leads(ts)");
            s.execute("CREATE INDEX IF NOT EXISTS leads_score_ts ON leads(score, ts)");
            s.execute("CREATE TABLE IF NOT EXISTS lead_keywords (keyword TEXT NOT NULL, ts INTEGER NOT NULL, lead INTEGER NOT NULL,"
                    + " PRIMARY KEY (keyword, ts, lead)) WITHOUT ROWID");
        }
        db.setAutoCommit(false);
        insert = db.prepareStatement("INSERT OR IGNORE INTO leads (key, source, platform, title, url, body, company, location, compensation,"
                + " published, found_at, ts, keywords, score) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        insertKeyword = db.prepareStatement("INSERT INTO lead_keywords (keyword, ts, lead) VALUES (?,?,last_insert_rowid())");
        newestByPlatform = db.prepareStatement("SELECT * FROM leads WHERE platform = ? ORDER BY ts DESC, id DESC LIMIT ?");
        timeRange = db.prepareStatement("SELECT * FROM leads WHERE ts >= ? AND ts < ? ORDER BY ts DESC, id DESC LIMIT ?");
    }

    /** One transaction; returns how many leads were new. */
    int write(List<Lead> batch) throws SQLException {
        int stored = 0;
        for (Lead l : batch) {
            long ts = micros(l.time());
            insert.setString(1, l.key());
            insert.setString(2, l.sourceId());
            insert.setString(3, l.platform());
            insert.setString(4, l.title());
            insert.setString(5, l.url());
            insert.setString(6, l.body());
            insert.setString(7, l.company());
            insert.setString(8, l.location());
            insert.setString(9, l.compensation());
            if (l.published() == null) {
                insert.setNull(10, java.sql.Types.INTEGER);
            } else {
                insert.setLong(10, micros(l.published()));
            }
            insert.setLong(11, micros(l.foundAt()));
            insert.setLong(12, ts);
            insert.setString(13, String.join(",", l.keywords()));
            insert.setDouble(14, l.score());
            if (insert.executeUpdate() == 1) {
                stored++;
                for (String kw : l.keywords().stream().distinct().toList()) {
                    insertKeyword.setString(1, kw);
                    insertKeyword.setLong(2, ts);
                    insertKeyword.executeUpdate();
                }
            }
        }
        db.commit();
        return stored;
    }

    List<Lead> newestByPlatform(String platform, int limit) throws SQLException {
        newestByPlatform.setString(1, platform);
        newestByPlatform.setInt(2, limit);
        return read(newestByPlatform);
    }

    List<Lead> timeRange(Instant from, Instant to, int limit) throws SQLException {
        timeRange.setLong(1, micros(from));
        timeRange.setLong(2, micros(to));
        timeRange.setInt(3, limit);
        return read(timeRange);
    }

    private static List<Lead> read(PreparedStatement q) throws SQLException {
        List<Lead> out = new ArrayList<>();
        try (ResultSet r = q.executeQuery()) {
            while (r.next()) {
                long published = r.getLong("published");
                boolean hasPublished = !r.wasNull();
                String kw = r.getString("keywords");
                out.add(new Lead(r.getString("key"), r.getString("source"), r.getString("platform"), r.getString("title"), r.getString("url"),
                        r.getString("body"), r.getString("company"), r.getString("location"), r.getString("compensation"),
                        hasPublished ? instant(published) : null, instant(r.getLong("found_at")),
                        kw.isEmpty() ? List.of() : Arrays.asList(kw.split(",")), r.getDouble("score")));
            }
        }
        return out;
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
