package io.flywheel.engine.imports;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the timestamps a prototype might have stored: epoch numbers (seconds, milliseconds,
 * microseconds or nanoseconds, told apart by size), ISO-8601 with or without offset, SQLite's
 * {@code datetime()} text ({@code 2024-05-01 10:00:00}, UTC), a bare date, or RFC 1123 as in feeds.
 */
public final class Timestamps {
    private static final List<DateTimeFormatter> LOCAL = List.of(
            DateTimeFormatter.ISO_LOCAL_DATE_TIME,
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm[:ss][.SSSSSSSSS][.SSSSSS][.SSS]", Locale.ROOT));

    private Timestamps() {}

    /** The instant {@code value} denotes, or empty when it is not a timestamp this understands or no {@link Instant} can hold; never throws. */
    public static Optional<Instant> parse(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Number n) {
            return n instanceof Double || n instanceof Float ? fromSeconds(n.doubleValue()) : fromEpoch(n.longValue());
        }
        String s = value.toString().strip();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (s.matches("-?\\d+")) {
            try {
                return fromEpoch(Long.parseLong(s));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        if (s.matches("-?\\d+\\.\\d+")) {
            return fromSeconds(Double.parseDouble(s));
        }
        try {
            return Optional.of(OffsetDateTime.parse(s.replace(' ', 'T')).toInstant());
        } catch (DateTimeParseException ignored) {
            // not with an offset
        }
        try {
            return Optional.of(Instant.parse(s.replace(' ', 'T')));
        } catch (DateTimeParseException ignored) {
            // not an instant
        }
        for (DateTimeFormatter f : LOCAL) {
            try {
                return Optional.of(LocalDateTime.parse(s, f).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException ignored) {
                // try the next
            }
        }
        try {
            return Optional.of(LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException ignored) {
            // not a date
        }
        try {
            return Optional.of(ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException ignored) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> fromEpoch(long v) {
        if (v == Long.MIN_VALUE) {
            return Optional.empty(); // pandas writes a missing time (NaT) as -2^63
        }
        long a = Math.abs(v);
        try {
            if (a < 100_000_000_000L) {
                return Optional.of(Instant.ofEpochSecond(v));
            }
            if (a < 100_000_000_000_000L) {
                return Optional.of(Instant.ofEpochMilli(v));
            }
            if (a < 100_000_000_000_000_000L) {
                return Optional.of(Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000), Math.floorMod(v, 1_000_000) * 1000L));
            }
            return Optional.of(Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000_000), Math.floorMod(v, 1_000_000_000)));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> fromSeconds(double d) {
        if (!Double.isFinite(d) || Math.abs(d) > 1e11) {
            return Optional.empty();
        }
        long s = (long) Math.floor(d);
        return Optional.of(Instant.ofEpochSecond(s, Math.round((d - s) * 1e9) % 1_000_000_000L));
    }
}
