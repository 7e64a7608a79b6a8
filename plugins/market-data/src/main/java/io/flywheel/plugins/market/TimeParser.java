package io.flywheel.plugins.market;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.function.Function;

/** Parses the time column: ISO dates and date-times, epoch seconds or millis, or a pattern. */
final class TimeParser {
    private TimeParser() {}

    /**
     * @throws IllegalArgumentException naming {@code time-format} when {@code format} is neither a
     *     known name nor a valid pattern
     */
    static Function<String, Instant> of(String format, ZoneId zone) {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "iso" -> text -> iso(text, zone);
            case "epoch-seconds" -> text -> Instant.ofEpochSecond(Long.parseLong(text));
            case "epoch-millis" -> text -> Instant.ofEpochMilli(Long.parseLong(text));
            default -> {
                DateTimeFormatter f;
                try {
                    f = DateTimeFormatter.ofPattern(format, Locale.ROOT);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("time-format: not iso, epoch-seconds, epoch-millis or a valid pattern: '" + format + "' ("
                            + e.getMessage() + ")");
                }
                yield text -> pattern(f, text, zone);
            }
        };
    }

    private static Instant iso(String text, ZoneId zone) {
        if (text.length() == 10 && text.charAt(4) == '-') {
            return LocalDate.parse(text).atStartOfDay(zone).toInstant();
        }
        String t = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
        if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:?\\d\\d$")) {
            return OffsetDateTime.parse(t.endsWith("Z") ? t : t.replaceAll("([+-]\\d\\d)(\\d\\d)$", "$1:$2")).toInstant();
        }
        return LocalDateTime.parse(t).atZone(zone).toInstant();
    }

    private static Instant pattern(DateTimeFormatter f, String text, ZoneId zone) {
        TemporalAccessor parsed = f.parse(text);
        if (parsed.isSupported(ChronoField.INSTANT_SECONDS)) {
            return Instant.from(parsed);
        }
        if (parsed.isSupported(ChronoField.HOUR_OF_DAY)) {
            return ZonedDateTime.of(LocalDateTime.from(parsed), zone).toInstant();
        }
        return LocalDate.from(parsed).atStartOfDay(zone).toInstant();
    }

    /** Parses {@code text}, or returns {@code null} when it is not a time in this format. */
    static Instant parseOrNull(Function<String, Instant> parser, String text) {
        try {
            return parser.apply(text);
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return null;
        }
    }
}
