package io.flywheel.engine.imports;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the timestamps a prototype might have stored: epoch numbers, INTEGER or REAL or text (seconds, milliseconds,
 * microseconds or nanoseconds, told apart by size), ISO-8601 with or without offset ({@code +02:00} or {@code +0200}), SQLite's
 * {@code datetime()} text ({@code 2024-05-01 10:00:00}, UTC), a bare date, or RFC 1123 as in feeds.
 */
public final class Timestamps {
    private static final List<DateTimeFormatter> LOCAL = List.of(
            DateTimeFormatter.ISO_LOCAL_DATE_TIME,
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm[:ss][.SSSSSSSSS][.SSSSSS][.SSS]", Locale.ROOT));

    /** ISO-8601 with an offset without a colon, {@code +0200}, as Python's {@code %z} writes it. */
    private static final DateTimeFormatter COMPACT_OFFSET = new DateTimeFormatterBuilder().append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .appendOffset("+HHMM", "Z").toFormatter(Locale.ROOT);
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal SECONDS_BELOW = BigDecimal.valueOf(100_000_000_000L);
    private static final BigDecimal MILLIS_BELOW = BigDecimal.valueOf(100_000_000_000_000L);
    private static final BigDecimal MICROS_BELOW = BigDecimal.valueOf(100_000_000_000_000_000L);

    private Timestamps() {}

    /** The instant {@code value} denotes, or empty when it is not a timestamp this understands or no {@link Instant} can hold; never throws. */
    public static Optional<Instant> parse(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? fromNumber(BigDecimal.valueOf(d)) : Optional.empty();
        }
        if (value instanceof BigDecimal b) {
            return fromNumber(b);
        }
        if (value instanceof Number n) {
            return fromEpoch(n.longValue());
        }
        String s = value.toString().strip();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (s.matches("-?\\d+(\\.\\d+)?")) {
            return fromNumber(new BigDecimal(s));
        }
        try {
            return Optional.of(OffsetDateTime.parse(s.replace(' ', 'T')).toInstant());
        } catch (DateTimeParseException ignored) {
            // not with an offset
        }
        try {
            return Optional.of(OffsetDateTime.parse(s.replace(' ', 'T'), COMPACT_OFFSET).toInstant());
        } catch (DateTimeParseException ignored) {
            // not with an offset as Python's %z writes it
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

    /**
     * A number with or without a fraction, told apart by size as {@link #fromEpoch} does: a REAL 1714557600000.0 is epoch
     * milliseconds as the INTEGER 1714557600000 is.
     */
    private static Optional<Instant> fromNumber(BigDecimal v) {
        BigDecimal whole = v.stripTrailingZeros();
        if (whole.scale() <= 0 && whole.compareTo(LONG_MIN) >= 0 && whole.compareTo(LONG_MAX) <= 0) {
            return fromEpoch(whole.longValueExact());
        }
        BigDecimal a = v.abs();
        int digits = a.compareTo(SECONDS_BELOW) < 0 ? 0 : a.compareTo(MILLIS_BELOW) < 0 ? 3 : a.compareTo(MICROS_BELOW) < 0 ? 6 : 9;
        BigDecimal seconds = v.movePointLeft(digits);
        BigDecimal floor = seconds.setScale(0, RoundingMode.FLOOR);
        long nanos = seconds.subtract(floor).movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValue();
        try {
            return Optional.of(Instant.ofEpochSecond(floor.longValueExact(), nanos));
        } catch (ArithmeticException | DateTimeException e) {
            return Optional.empty();
        }
    }
}
