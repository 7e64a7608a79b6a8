package io.flywheel.engine.app;

import io.flywheel.engine.text.Cells;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Source health as lines of text, for {@code flywheel status} and a chat bot's {@code /status}. */
public final class StatusReport {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    private StatusReport() {}

    /** One row per source. {@code disabled} ids are listed as such. */
    public static List<String> table(List<SourceHealth> sources, List<String> disabled, Instant now, ZoneId zone) {
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "%-20s %-8s %-26s %6s  %s", "SOURCE", "STATE", "LAST RUN", "FOUND", "DETAIL"));
        for (SourceHealth h : sources) {
            SourceHealth.State state = h.state(now);
            String lastRun = h.lastRun() == null ? "never" : TIME.format(h.lastRun().atZone(zone)) + " (" + span(h.lastRun(), now) + " ago)";
            String found = h.lastFound() < 0 ? "-" : Integer.toString(h.lastFound());
            rows.add(String.format(Locale.ROOT, "%s %-8s %-26s %6s  %s", Cells.pad(h.sourceId(), 20), state.name().toLowerCase(Locale.ROOT), lastRun, found, detail(h, state, now, zone)));
        }
        for (String id : disabled) {
            rows.add(String.format(Locale.ROOT, "%s %-8s %-26s %6s  %s", Cells.pad(id, 20), "disabled", "-", "-", "enabled: false in config.yml"));
        }
        return rows;
    }

    /** The detail column: why a source is unhealthy and until when it waits. */
    public static String detail(SourceHealth h, SourceHealth.State state, Instant now, ZoneId zone) {
        return switch (state) {
            case NEW -> "not run yet";
            case OK -> "";
            case STALE -> h.warning();
            case FAILING -> h.consecutiveFailures() + " failure(s): " + h.lastError();
            case PAUSED -> h.consecutiveFailures() + " failures in a row, paused until " + TIME.format(h.pausedUntil().atZone(zone))
                    + " (in " + span(now, h.pausedUntil()) + "): " + h.lastError();
        };
    }

    static String span(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        if (d.toMinutes() < 1) {
            return d.toSeconds() + "s";
        }
        if (d.toHours() < 1) {
            return d.toMinutes() + "m";
        }
        if (d.toDays() < 2) {
            return d.toHours() + "h" + (d.toMinutesPart() > 0 ? d.toMinutesPart() + "m" : "");
        }
        return d.toDays() + "d";
    }
}
