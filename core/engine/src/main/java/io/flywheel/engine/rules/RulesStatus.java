package io.flywheel.engine.rules;

import io.flywheel.engine.store.AtomicFile;
import io.flywheel.engine.text.Cells;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What the rules of a Flywheel are doing: the JavaScript runtime, each rule's live version, and
 * the last change that was accepted or rejected (with why). The running process writes it to
 * {@code <data>/rules/status.properties} whenever it changes; {@code flywheel status} prints it.
 *
 * @param runtime {@code optimized (...)} or {@code interpreted}
 * @param written when it was written
 */
public record RulesStatus(String runtime, Instant written, List<RuleState> rules) {

    public RulesStatus {
        rules = List.copyOf(rules);
    }

    /**
     * One rule.
     *
     * @param name the live version's name ({@code scripts/lead-score.js}, {@code bundled:...}, {@code archive:...})
     * @param file the file the rule is configured to read, or {@code null} for the bundled default
     * @param hash SHA-256 of the live version
     * @param since when it went live
     * @param event the last reload's outcome ({@code accepted}, {@code rejected}, {@code failed} for a
     *     runtime failure of the live version), or {@code null}
     */
    public record RuleState(RuleKind kind, String name, String file, String hash, Instant since, String event, Instant eventTime, String eventMessage) {
        public RuleState withEvent(String e, Instant at, String message) {
            return new RuleState(kind, name, file, hash, since, e, at, message);
        }
    }

    public Optional<RuleState> rule(RuleKind kind) {
        return rules.stream().filter(r -> r.kind() == kind).findFirst();
    }

    /** Lines for a terminal. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("rules: JavaScript " + runtime + "; reported " + written);
        for (RuleState r : rules) {
            out.add(String.format("  %-17s %s live %s since %s", r.kind().id(), Cells.pad(r.name(), 34), r.hash().substring(0, 12), r.since()));
            if (r.event() != null && !r.event().equals("accepted")) {
                out.add(String.format("  %-17s last change %s at %s: %s", "", r.event(), r.eventTime(), r.eventMessage()));
            }
        }
        return out;
    }

    void write(Path file) {
        Properties p = new Properties();
        p.setProperty("runtime", runtime);
        p.setProperty("written", written.toString());
        for (RuleState r : rules) {
            String k = r.kind().id() + ".";
            p.setProperty(k + "name", r.name());
            if (r.file() != null) p.setProperty(k + "file", r.file());
            p.setProperty(k + "hash", r.hash());
            p.setProperty(k + "since", r.since().toString());
            if (r.event() != null) {
                p.setProperty(k + "event", r.event());
                p.setProperty(k + "event-time", r.eventTime().toString());
                p.setProperty(k + "event-message", r.eventMessage() == null ? "" : r.eventMessage());
            }
        }
        AtomicFile.writeProperties(file, p, "Written by Flywheel; read by `flywheel status`");
    }

    /**
     * The status a Flywheel last wrote to {@code file}, or empty when none has (nothing has run yet).
     *
     * @throws IllegalStateException naming the file and the entry, when the file cannot be read
     */
    public static Optional<RulesStatus> read(Path file) {
        Optional<Properties> read = AtomicFile.readProperties(file);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        Properties p = read.get();
        List<RuleState> rules = new ArrayList<>();
        for (RuleKind kind : RuleKind.values()) {
            String k = kind.id() + ".";
            String hash = p.getProperty(k + "hash");
            if (hash == null) {
                continue;
            }
            if (!hash.matches("[0-9a-f]{64}")) {
                throw new IllegalStateException(file + ": " + k + "hash: not a SHA-256: '" + hash + "'");
            }
            String name = p.getProperty(k + "name");
            if (name == null || name.isBlank()) {
                throw new IllegalStateException(file + ": " + k + "name: missing");
            }
            String event = p.getProperty(k + "event");
            rules.add(new RuleState(kind, name, p.getProperty(k + "file"), hash, instant(file, p, k + "since"), event,
                    event == null ? null : instant(file, p, k + "event-time"), p.getProperty(k + "event-message")));
        }
        return Optional.of(new RulesStatus(p.getProperty("runtime", "?"), instant(file, p, "written"), rules));
    }

    private static Instant instant(Path file, Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalStateException(file + ": " + key + ": missing");
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalStateException(file + ": " + key + ": not a time: '" + v + "'");
        }
    }
}
