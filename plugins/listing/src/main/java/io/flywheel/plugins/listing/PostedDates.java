package io.flywheel.plugins.listing;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the posted date of a listing as boards write it: the operator's formats first, then
 * ISO-8601, RFC 1123 and 822, epoch seconds or milliseconds, and relative English ("3 days ago",
 * "2h ago", "yesterday", "30+ days ago"). Relative dates are taken from the injected clock.
 */
public final class PostedDates {
    private static final Pattern RELATIVE = Pattern.compile(
            "(?i)(?:posted\\s*|active\\s*|updated\\s*)?(\\d+|an?|one)\\+?\\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|wk|wks|weeks?|mo|mos|months?|y|yr|yrs|years?)\\b\\.?(?:\\s+ago)?");
    private static final Pattern EPOCH = Pattern.compile("\\d{9,13}");
    private static final List<DateTimeFormatter> BUILT_IN = List.of(
            DateTimeFormatter.ISO_OFFSET_DATE_TIME,
            DateTimeFormatter.ISO_INSTANT,
            DateTimeFormatter.ISO_ZONED_DATE_TIME,
            DateTimeFormatter.ISO_LOCAL_DATE_TIME,
            DateTimeFormatter.ISO_LOCAL_DATE,
            // RFC 1123 and 822 (two-digit years); not RFC_1123_DATE_TIME, which reads "25" as year 25
            lenient("[EEE, ]d MMM yyyy HH:mm[:ss] Z"),
            lenient("[EEE, ]d MMM yyyy HH:mm[:ss] z"),
            yearFirst("yyyy-MM-dd HH:mm:ss"),
            yearFirst("yyyy-MM-dd HH:mm"),
            yearFirst("yyyy/MM/dd"),
            lenient("MMMM d, yyyy"),
            lenient("MMM d, yyyy"),
            lenient("d MMMM yyyy"),
            lenient("d MMM yyyy"),
            lenient("MMM d"),
            lenient("MMMM d"));

    private final List<DateTimeFormatter> formats;
    private final ZoneId zone;
    private final Clock clock;

    public PostedDates(List<String> patterns, ZoneId zone, Clock clock) {
        List<DateTimeFormatter> f = new ArrayList<>();
        for (String p : patterns) {
            f.add(lenient(p));
        }
        f.addAll(BUILT_IN);
        this.formats = List.copyOf(f);
        this.zone = zone;
        this.clock = clock;
    }

    private static DateTimeFormatter lenient(String pattern) {
        return lenient(pattern, false);
    }

    /** A built-in format that starts with the year: only four digits are a year there ("12/05/24" is no yy/MM/dd). */
    private static DateTimeFormatter yearFirst(String pattern) {
        return lenient(pattern, true);
    }

    /**
     * {@code pattern}, parsed leniently, except the year: lenient {@code yyyy} would read "25" as
     * year 25, so two digits are read as 1950-2049 (as RFC 2822 reads them) and four as written.
     */
    private static DateTimeFormatter lenient(String pattern, boolean fourDigitLeadingYear) {
        DateTimeFormatterBuilder b = new DateTimeFormatterBuilder().parseCaseInsensitive().parseLenient();
        int from = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\'') {
                int close = pattern.indexOf('\'', i + 1);
                i = close < 0 ? pattern.length() : close;   // quoted text (an unclosed quote is appendPattern's to report)
            } else if (c == 'y' || c == 'u') {
                int end = i;
                while (end < pattern.length() && pattern.charAt(end) == c) {
                    end++;
                }
                b.appendPattern(pattern.substring(from, i));
                ChronoField year = c == 'y' ? ChronoField.YEAR_OF_ERA : ChronoField.YEAR;
                if (i == 0 && fourDigitLeadingYear) {
                    b.parseStrict().appendValue(year, 4).parseLenient();
                } else {
                    b.appendValueReduced(year, 2, 4, 1950);
                }
                from = end;
                i = end - 1;
            }
        }
        b.appendPattern(pattern.substring(from));
        return b.toFormatter(Locale.ENGLISH).withResolverStyle(ResolverStyle.SMART);
    }

    /** The instant {@code text} names, or {@code null} when it is not a date this understands. */
    public Instant parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip().replaceAll("\\s+", " ");
        if (t.isEmpty()) {
            return null;
        }
        Instant i = relative(t);
        if (i == null) {
            i = absolute(t);
        }
        if (i == null && t.indexOf(' ') > 0) {
            i = absolute(t.substring(0, t.indexOf(' ')));   // "2025-06-02T15:01:40 1748876500" (Hacker News)
        }
        return i;
    }

    private Instant absolute(String t) {
        if (EPOCH.matcher(t).matches()) {
            long n = Long.parseLong(t);
            return t.length() >= 12 ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
        }
        for (DateTimeFormatter f : formats) {
            // a cheap trial parse first: exceptions from a dozen formats per posting would dominate the cost
            java.text.ParsePosition pos = new java.text.ParsePosition(0);
            if (f.parseUnresolved(t, pos) == null || pos.getErrorIndex() >= 0 || pos.getIndex() != t.length()) {
                continue;
            }
            try {
                Instant i = resolve(f.parse(t));
                if (i != null) {
                    return i;
                }
            } catch (DateTimeParseException e) {
                // try the next format
            }
        }
        return null;
    }

    private Instant resolve(TemporalAccessor p) {
        try {
            if (p.isSupported(ChronoField.INSTANT_SECONDS)) {
                return Instant.from(p);
            }
            if (p.isSupported(ChronoField.OFFSET_SECONDS) && p.isSupported(ChronoField.EPOCH_DAY) && p.isSupported(ChronoField.NANO_OF_DAY)) {
                return OffsetDateTime.from(p).toInstant();
            }
            if (p.isSupported(ChronoField.EPOCH_DAY)) {
                LocalDate d = LocalDate.from(p);
                LocalTime time = p.isSupported(ChronoField.NANO_OF_DAY) ? LocalTime.from(p) : LocalTime.MIDNIGHT;
                return LocalDateTime.of(d, time).atZone(zone).toInstant();
            }
            if (p.isSupported(ChronoField.MONTH_OF_YEAR) && p.isSupported(ChronoField.DAY_OF_MONTH)) {
                MonthDay md = MonthDay.from(p);
                LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
                LocalDate d = md.atYear(today.getYear());
                if (d.isAfter(today.plusDays(1))) {
                    d = md.atYear(today.getYear() - 1);   // "Dec 30" read in January
                }
                LocalTime time = p.isSupported(ChronoField.NANO_OF_DAY) ? LocalTime.from(p) : LocalTime.MIDNIGHT;
                return LocalDateTime.of(d, time).atZone(zone).toInstant();
            }
        } catch (DateTimeException e) {
            return null;
        }
        return null;
    }

    private Instant relative(String t) {
        // "Posted 3 days ago", "PostedJust posted" (a visually hidden label run into the text), "Active today"
        String lower = t.toLowerCase(Locale.ROOT).replaceFirst("^(posted|active|updated)\\s*(?=\\S)", "");
        ZonedDateTime now = clock.instant().atZone(zone);
        switch (lower) {
            case "just now", "now", "new", "just posted", "moments ago", "few seconds ago", "a few seconds ago" -> {
                return now.toInstant();
            }
            case "today", "posted today", "active today" -> {
                return now.toLocalDate().atStartOfDay(zone).toInstant();
            }
            case "yesterday", "posted yesterday", "active yesterday" -> {
                return now.toLocalDate().minusDays(1).atStartOfDay(zone).toInstant();
            }
            default -> { }
        }
        Matcher m = RELATIVE.matcher(lower);
        if (!m.matches()) {
            return null;
        }
        String n = m.group(1);
        long amount = n.startsWith("a") || n.equals("one") ? 1 : Long.parseLong(n);
        String unit = m.group(2);
        return switch (unit.charAt(0)) {
            case 's' -> now.minus(Duration.ofSeconds(amount)).toInstant();
            case 'h' -> now.minus(Duration.ofHours(amount)).toInstant();
            case 'd' -> now.minus(Period.ofDays((int) amount)).toInstant();
            case 'w' -> now.minus(Period.ofWeeks((int) amount)).toInstant();
            case 'y' -> now.minus(Period.ofYears((int) amount)).toInstant();
            case 'm' -> unit.startsWith("mo") ? now.minus(Period.ofMonths((int) amount)).toInstant() : now.minus(Duration.ofMinutes(amount)).toInstant();
            default -> null;
        };
    }
}
