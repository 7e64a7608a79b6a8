package io.flywheel.engine.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.flywheel.engine.store.AtomicFile;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each source's health in a small JSON file beside the store ({@code status/sources.json}), so
 * {@code flywheel status} can read it while {@code flywheel run} holds the store, and a restarted
 * process remembers failures, pauses and how many items each source used to find. Written whole
 * to a temporary file and moved into place: a reader never sees half a file.
 */
public final class SourceStatusFile {
    private static final Logger log = LoggerFactory.getLogger(SourceStatusFile.class);
    private static final JsonFactory JSON = new JsonFactory();

    /** What the file holds: when it was written and each source's health. */
    public record Snapshot(Instant written, Map<String, SourceHealth> sources) {}

    private final Path file;

    public SourceStatusFile(Path file) {
        this.file = file;
    }

    /** The file for a store at {@code storeFile}. */
    public static SourceStatusFile besideStore(Path storeFile) {
        return new SourceStatusFile(storeFile.toAbsolutePath().getParent().resolve("status").resolve("sources.json"));
    }

    public Path file() {
        return file;
    }

    public synchronized void write(Instant now, List<SourceHealth> health) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(text)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("written", now.toString());
            g.writeArrayFieldStart("sources");
            for (SourceHealth h : health) {
                g.writeStartObject();
                g.writeStringField("id", h.sourceId());
                field(g, "lastRun", h.lastRun());
                field(g, "lastSuccess", h.lastSuccess());
                g.writeNumberField("consecutiveFailures", h.consecutiveFailures());
                field(g, "lastError", h.lastError());
                g.writeNumberField("lastFound", h.lastFound());
                field(g, "pausedUntil", h.pausedUntil());
                field(g, "warning", h.warning());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        try {
            AtomicFile.write(file, text.toString());
        } catch (UncheckedIOException e) {
            log.warn("Cannot write source status to {}: {}", file, e.getCause().toString());
        }
    }

    private static void field(JsonGenerator g, String name, Object value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value.toString());
        }
    }

    /** What the file says, or an empty snapshot when there is none or it cannot be read (logged). */
    public Snapshot read() {
        try {
            return readChecked();
        } catch (IllegalStateException e) {
            log.warn("Ignoring unreadable source status file: {}", e.getMessage());
            return new Snapshot(null, Map.of());
        }
    }

    /**
     * What the file says, or an empty snapshot when there is none (nothing has run yet).
     *
     * @throws IllegalStateException naming the file and the entry, when the file cannot be read
     */
    public Snapshot readChecked() {
        if (!Files.isRegularFile(file)) {
            return new Snapshot(null, Map.of());
        }
        try (JsonParser p = JSON.createParser(file.toFile())) {
            Instant written = null;
            Map<String, SourceHealth> sources = new LinkedHashMap<>();
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("written") && t == JsonToken.VALUE_STRING) {
                    written = instant("written", p.getText());
                } else if (name.equals("sources")) {
                    if (t != JsonToken.START_ARRAY) {
                        throw new IllegalArgumentException("sources: not a list: " + t);
                    }
                    for (int i = 0; p.nextToken() == JsonToken.START_OBJECT; i++) {
                        SourceHealth h = health(p, i);
                        sources.put(h.sourceId(), h);
                    }
                    if (p.currentToken() != JsonToken.END_ARRAY) {
                        throw new IllegalArgumentException("sources[" + sources.size() + "]: not an object: " + p.currentToken());
                    }
                } else {
                    p.skipChildren();
                }
            }
            return new Snapshot(written, sources);
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot be read: " + (e instanceof JsonProcessingException j
                    ? j.getOriginalMessage() + (j.getLocation() == null ? "" : " at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr())
                    : e.toString()), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(file + ": cannot be read: " + e, e);
        }
    }

    private static SourceHealth health(JsonParser p, int index) throws IOException {
        Map<String, String> v = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (t.isScalarValue()) {
                v.put(name, p.getText());
            } else {
                p.skipChildren();
            }
        }
        String id = v.get("id");
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("sources[" + index + "].id: missing");
        }
        String at = "sources[" + id + "].";
        return new SourceHealth(id, instant(at + "lastRun", v.get("lastRun")), instant(at + "lastSuccess", v.get("lastSuccess")),
                integer(at + "consecutiveFailures", v.getOrDefault("consecutiveFailures", "0")), v.get("lastError"),
                integer(at + "lastFound", v.getOrDefault("lastFound", "-1")), instant(at + "pausedUntil", v.get("pausedUntil")), v.get("warning"));
    }

    /** Thrown as {@link IllegalArgumentException} naming the entry; {@link #readChecked} adds the file. */
    private static Instant instant(String entry, String s) {
        try {
            return s == null ? null : Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(entry + ": not a time: '" + s + "'");
        }
    }

    private static int integer(String entry, String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(entry + ": not a whole number: '" + s + "'");
        }
    }

    private static void expect(JsonToken actual, JsonToken wanted) throws IOException {
        if (actual != wanted) {
            throw new IOException("expected " + wanted + ", found " + actual);
        }
    }

    /** Ids in {@code ids} without an entry get a fresh health. */
    static List<SourceHealth> orFresh(Snapshot snapshot, List<String> ids) {
        List<SourceHealth> out = new ArrayList<>();
        for (String id : ids) {
            out.add(snapshot.sources().getOrDefault(id, SourceHealth.fresh(id)));
        }
        return out;
    }
}
