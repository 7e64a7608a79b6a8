package io.flywheel.engine.imports;

import io.flywheel.api.lead.RawLead;
import io.flywheel.engine.lead.IngestResult;
import io.flywheel.engine.lead.LeadNormalizer;
import io.flywheel.engine.lead.LeadPipeline;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.sqlite.SQLiteConfig;

/**
 * Imports a prototype's SQLite table (or view) of leads through the same pipeline as a source run
 * (normalization, exact and cross-post dedup, scoring), in batches. Rows without a usable title or with a
 * timestamp that cannot be read are rejected and reported with their row id; the import goes on.
 */
public final class SqliteImport {
    /** Fields a column can be mapped to. */
    public static final Set<String> FIELDS = Set.of("title", "url", "body", "company", "location", "compensation", "platform", "timestamp");
    static final int MAX_REASONS = 20;
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /**
     * @param table the table to read, or {@code null} when the database has exactly one
     * @param mapping field name (see {@link #FIELDS}) to column name
     * @param sourceId recorded as the source of imported leads
     * @param platform the platform of rows without one
     * @param batchSize rows per store commit
     */
    public record Request(Path database, String table, Map<String, String> mapping, String sourceId, String platform, int batchSize) {
        public Request {
            mapping = Map.copyOf(mapping);
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batch size must be positive, found " + batchSize);
            }
        }
    }

    /** Counts so far; {@code reasons} holds the first rejections, with their row ids. */
    public record Progress(long total, long read, long imported, long duplicates, long linked, long rejected, List<String> reasons) {}

    /** The database, table or mapping cannot be used; nothing was imported. */
    public static final class ImportException extends io.flywheel.api.FlywheelException {
        public ImportException(String message) {
            super(message);
        }

        public ImportException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An argument names something that is not there (the database, a column, the table): a usage problem, not a failed run. */
    public static final class BadArgument extends io.flywheel.api.FlywheelException {
        public BadArgument(String message) {
            super(message);
        }
    }

    private final LeadPipeline pipeline;

    public SqliteImport(LeadPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** Parses {@code title=col,url=col,...}; names the bad part of a malformed mapping. */
    public static Map<String, String> parseMapping(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new ImportException("--map: '" + p + "' is not field=column (for example title=job_title)");
            }
            String field = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (!FIELDS.contains(field)) {
                throw new ImportException("--map: unknown field '" + field + "'; fields are " + String.join(", ", new java.util.TreeSet<>(FIELDS)));
            }
            if (out.put(field, p.substring(eq + 1).strip()) != null) {
                throw new ImportException("--map: field '" + field + "' is mapped twice");
            }
        }
        if (!out.containsKey("title")) {
            throw new ImportException("--map: title=<column> is required");
        }
        return out;
    }

    public Progress run(Request request, Consumer<Progress> progress) {
        if (!Files.isRegularFile(request.database())) {
            throw new BadArgument("--sqlite " + request.database() + ": " + (Files.exists(request.database()) ? "not a file" : "no such file"));
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + request.database().toAbsolutePath(), config.toProperties())) {
            String table = table(db, request);
            Map<String, String> columns = columns(db, table);
            List<String> missing = new ArrayList<>();
            request.mapping().forEach((field, column) -> {
                if (!columns.containsKey(column.toLowerCase(Locale.ROOT))) {
                    missing.add(field + "=" + column);
                }
            });
            if (!missing.isEmpty()) {
                throw new BadArgument("--map " + String.join(",", missing) + ": table '" + table + "' in " + request.database() + " has no such column"
                        + "; its columns are " + String.join(", ", columns.values()));
            }
            long total;
            try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + quote(table))) {
                total = r.next() ? r.getLong(1) : 0;
            }
            return copy(db, reading(db, table, columns.values()), total, request, progress);
        } catch (SQLException e) {
            throw new ImportException("cannot read " + request.database() + ": " + e.getMessage(), e);
        }
    }

    private static String table(Connection db, Request request) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
            while (r.next()) {
                tables.add(r.getString(1));
            }
        }
        if (request.table() != null) {
            return tables.stream().filter(t -> t.equalsIgnoreCase(request.table())).findFirst()
                    .orElseThrow(() -> new BadArgument("--table " + request.table() + ": no such table in " + request.database() + "; it has "
                            + (tables.isEmpty() ? "no tables" : String.join(", ", tables))));
        }
        if (tables.size() != 1) {
            throw new BadArgument("--sqlite " + request.database() + ": has " + (tables.isEmpty() ? "no tables" : tables.size() + " tables ("
                    + String.join(", ", tables) + ")") + "; name the one to import with --table");
        }
        return tables.getFirst();
    }

    private static Map<String, String> columns(Connection db, String table) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("PRAGMA table_info(" + quote(table) + ")")) {
            while (r.next()) {
                out.put(r.getString("name").toLowerCase(Locale.ROOT), r.getString("name"));
            }
        }
        return out;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /**
     * How rows are read and named in reports: a table by its rowid; a WITHOUT ROWID table, which has none, by its primary key; a
     * view, which has neither, by its position when sorted by all its columns (ORDER BY makes that the same on every run).
     */
    private record Reading(String table, List<String> idColumns, String orderBy) {
        String select(List<String> columns) {
            StringBuilder sql = new StringBuilder("SELECT ");
            for (String c : idColumns) {
                sql.append(quote(c)).append(", ");
            }
            sql.append(String.join(", ", columns.stream().map(SqliteImport::quote).toList()));
            return sql.append(" FROM ").append(quote(table)).append(" ORDER BY ").append(orderBy).toString();
        }

        String name(ResultSet r, long position) throws SQLException {
            if (idColumns.isEmpty()) {
                return "view row " + position;
            }
            if (idColumns.size() == 1 && ROWID_NAMES.contains(idColumns.getFirst())) {
                return "row " + r.getLong(1);
            }
            List<String> key = new ArrayList<>();
            for (int i = 0; i < idColumns.size(); i++) {
                key.add(idColumns.get(i) + "=" + value(r, i + 1));
            }
            return "row " + String.join(", ", key);
        }
    }

    private static final List<String> ROWID_NAMES = List.of("rowid", "_rowid_", "oid");

    private static Reading reading(Connection db, String table, Collection<String> columns) throws SQLException {
        String type = "table";
        boolean withoutRowid = false;
        try (PreparedStatement q = db.prepareStatement("SELECT type, wr FROM pragma_table_list WHERE schema = 'main' AND name = ?")) {
            q.setString(1, table);
            try (ResultSet r = q.executeQuery()) {
                if (r.next()) {
                    type = r.getString(1);
                    withoutRowid = r.getInt(2) != 0;
                }
            }
        }
        String allColumns = String.join(", ", columns.stream().map(SqliteImport::quote).toList());
        if (type.equals("view")) {
            return new Reading(table, List.of(), allColumns);
        }
        if (withoutRowid) {
            List<String> key = primaryKey(db, table);
            return new Reading(table, key, String.join(", ", key.stream().map(SqliteImport::quote).toList()));
        }
        // A column may be named rowid; SQLite then still answers to _rowid_ or oid.
        Set<String> taken = new HashSet<>();
        columns.forEach(c -> taken.add(c.toLowerCase(Locale.ROOT)));
        Optional<String> rowid = ROWID_NAMES.stream().filter(n -> !taken.contains(n)).findFirst();
        return rowid.map(n -> new Reading(table, List.of(n), n)).orElseGet(() -> new Reading(table, List.of(), allColumns));
    }

    private static List<String> primaryKey(Connection db, String table) throws SQLException {
        Map<Integer, String> key = new TreeMap<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("PRAGMA table_info(" + quote(table) + ")")) {
            while (r.next()) {
                if (r.getInt("pk") > 0) {
                    key.put(r.getInt("pk"), r.getString("name"));
                }
            }
        }
        return List.copyOf(key.values());
    }

    private Progress copy(Connection db, Reading reading, long total, Request request, Consumer<Progress> progress) throws SQLException {
        List<String> fields = new ArrayList<>(request.mapping().keySet());
        String sql = reading.select(fields.stream().map(f -> request.mapping().get(f)).toList());
        int first = reading.idColumns().size() + 1;
        long read = 0;
        long imported = 0;
        long duplicates = 0;
        long linked = 0;
        long rejected = 0;
        List<String> reasons = new ArrayList<>();
        Map<String, List<RawLead>> byPlatform = new LinkedHashMap<>();
        int pending = 0;
        try (PreparedStatement q = db.prepareStatement(sql); ResultSet r = q.executeQuery()) {
            boolean more = r.next();
            while (more) {
                read++;
                String name = reading.name(r, read);
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 0; i < fields.size(); i++) {
                    row.put(fields.get(i), value(r, i + first));
                }
                Optional<String> problem = problem(row, request.mapping());
                if (problem.isPresent()) {
                    rejected++;
                    if (reasons.size() < MAX_REASONS) {
                        reasons.add(name + ": " + problem.get());
                    }
                } else {
                    RawLead raw = raw(row);
                    String platform = raw.platform() == null || raw.platform().isBlank() ? request.platform() : raw.platform();
                    byPlatform.computeIfAbsent(platform, x -> new ArrayList<>()).add(raw);
                    pending++;
                }
                more = r.next();
                if (pending >= request.batchSize() || !more) {
                    for (var e : byPlatform.entrySet()) {
                        IngestResult result = pipeline.ingest(request.sourceId(), e.getKey(), e.getValue());
                        imported += result.stored().size();
                        duplicates += result.duplicates();
                        linked += result.linked();
                        rejected += result.rejected();
                        if (result.rejected() > 0 && reasons.size() < MAX_REASONS) {
                            reasons.add(result.rejected() + " row(s) the lead pipeline refused (no usable title)");
                        }
                    }
                    byPlatform.clear();
                    pending = 0;
                    progress.accept(new Progress(total, read, imported, duplicates, linked, rejected, List.copyOf(reasons)));
                }
            }
        }
        Progress done = new Progress(total, read, imported, duplicates, linked, rejected, List.copyOf(reasons));
        progress.accept(done);
        return done;
    }

    /** A cell as imported: BLOBs and TEXT that is not valid UTF-8 are decoded by {@link #decode}, the rest as the driver reads it. */
    private static Object value(ResultSet r, int column) throws SQLException {
        Object v = r.getObject(column);
        if (v instanceof byte[] bytes) {
            return decode(bytes);
        }
        // The driver reads TEXT as UTF-8 and puts U+FFFD for bytes that are not; the raw bytes say what was there.
        if (v instanceof String s && s.indexOf('\uFFFD') >= 0) {
            byte[] raw = r.getBytes(column);
            return raw == null ? s : decode(raw);
        }
        return v;
    }

    /**
     * Bytes as text: UTF-8 when they are valid UTF-8, else windows-1252 (Latin-1 as Windows tools wrote it; its five
     * unassigned bytes become U+FFFD). The same bytes always give the same text, so a re-run finds the same dedup key.
     */
    static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, WINDOWS_1252);
        }
    }

    private static Optional<String> problem(Map<String, Object> row, Map<String, String> mapping) {
        Object title = row.get("title");
        if (title == null || title.toString().isBlank()) {
            return Optional.of("no title");
        }
        // A title of only what the normalizer drops would be rejected there, where the row is no longer known.
        if (!LeadNormalizer.hasText(title.toString())) {
            return Optional.of("title '" + escaped(title.toString()) + "' has only blanks or control characters");
        }
        if (row.containsKey("timestamp") && row.get("timestamp") != null && Timestamps.parse(row.get("timestamp")).isEmpty()) {
            return Optional.of("timestamp '" + asStored(row.get("timestamp")) + "' in column " + mapping.get("timestamp") + " is not a date or time this understands");
        }
        return Optional.empty();
    }

    /** A value as SQLite shows it: a REAL in plain digits ({@code 1714557600000.0}), not as Java's {@code 1.7145576E12}. */
    private static String asStored(Object v) {
        if (v instanceof Double d && Double.isFinite(d) && Math.abs(d) < 1e15) {
            String plain = BigDecimal.valueOf(d).toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        return String.valueOf(v);
    }

    private static String escaped(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().limit(40).forEach(c -> out.append(switch (c) {
            case '\t' -> "\\t";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            default -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? String.format(Locale.ROOT, "\\u%04x", c) : Character.toString(c);
        }));
        return s.codePointCount(0, s.length()) > 40 ? out + "..." : out.toString();
    }

    private static RawLead raw(Map<String, Object> row) {
        return new RawLead(text(row, "title"), text(row, "url"), text(row, "body"), text(row, "company"), text(row, "location"),
                text(row, "compensation"), row.get("timestamp") == null ? null : Timestamps.parse(row.get("timestamp")).orElse(null),
                text(row, "platform"), Map.of());
    }

    private static String text(Map<String, Object> row, String field) {
        Object v = row.get(field);
        return v == null ? null : v.toString();
    }
}
