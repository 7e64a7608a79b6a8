package io.flywheel.plugins.listing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostedDatesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);
    private final PostedDates builtIn = new PostedDates(List.of(), ZoneOffset.UTC, CLOCK);

    @Test
    void twoDigitYearsInTheBuiltInFormatsAreReadAs19xxOr20xx() {
        assertThat(builtIn.parse("Mon, 02 Jun 25 10:00:00 GMT")).isEqualTo(Instant.parse("2025-06-02T10:00:00Z"));   // RFC 822
        assertThat(builtIn.parse("Mon, 02 Jun 25 12:00:00 +0200")).isEqualTo(Instant.parse("2025-06-02T10:00:00Z"));
        assertThat(builtIn.parse("Jun 2, 25")).isEqualTo(Instant.parse("2025-06-02T00:00:00Z"));
        assertThat(builtIn.parse("2 June 99")).isEqualTo(Instant.parse("1999-06-02T00:00:00Z"));
        assertThat(builtIn.parse("Jun 2, 49")).isEqualTo(Instant.parse("2049-06-02T00:00:00Z"));
        assertThat(builtIn.parse("Jun 2, 50")).isEqualTo(Instant.parse("1950-06-02T00:00:00Z"));
    }

    @Test
    void fourDigitYearsStillParse() {
        assertThat(builtIn.parse("Mon, 02 Jun 2025 10:00:00 GMT")).isEqualTo(Instant.parse("2025-06-02T10:00:00Z"));   // RFC 1123
        assertThat(builtIn.parse("Mon, 02 Jun 2025 12:00:00 +0200")).isEqualTo(Instant.parse("2025-06-02T10:00:00Z"));
        assertThat(builtIn.parse("2 Jun 2025 10:00:00 GMT")).isEqualTo(Instant.parse("2025-06-02T10:00:00Z"));
        assertThat(builtIn.parse("Mon, 2 Jun 2025 10:00 GMT")).isEqualTo(Instant.parse("2025-06-02T10:00:00Z"));
        assertThat(builtIn.parse("Jun 2, 2025")).isEqualTo(Instant.parse("2025-06-02T00:00:00Z"));
        assertThat(builtIn.parse("2 June 2025")).isEqualTo(Instant.parse("2025-06-02T00:00:00Z"));
        assertThat(builtIn.parse("2025/06/02")).isEqualTo(Instant.parse("2025-06-02T00:00:00Z"));
        assertThat(builtIn.parse("2025-06-02 10:00")).isEqualTo(Instant.parse("2025-06-02T10:00:00Z"));
        assertThat(builtIn.parse("2025-6-2 10:00:30")).isEqualTo(Instant.parse("2025-06-02T10:00:30Z"));
    }

    @Test
    void aSlashDateWithATwoDigitFirstFieldIsNotTakenAsTheYear() {
        // 12/05/24 is day/month/year or month/day/year, never year 12 (or 2012): without a configured format it stays unknown
        assertThat(builtIn.parse("12/05/24")).isNull();
    }

    @Test
    void configuredFormatsReadTwoAndFourDigitYears() {
        PostedDates dayFirst = new PostedDates(List.of("dd/MM/yyyy"), ZoneOffset.UTC, CLOCK);
        assertThat(dayFirst.parse("12/05/24")).isEqualTo(Instant.parse("2024-05-12T00:00:00Z"));
        assertThat(dayFirst.parse("12/05/2024")).isEqualTo(Instant.parse("2024-05-12T00:00:00Z"));

        PostedDates monthFirst = new PostedDates(List.of("MM/dd/yy"), ZoneOffset.UTC, CLOCK);
        assertThat(monthFirst.parse("12/05/24")).isEqualTo(Instant.parse("2024-12-05T00:00:00Z"));
        assertThat(monthFirst.parse("12/05/2024")).isEqualTo(Instant.parse("2024-12-05T00:00:00Z"));

        PostedDates quoted = new PostedDates(List.of("yyyy'y'MM'm'dd"), ZoneOffset.UTC, CLOCK);
        assertThat(quoted.parse("2024y05m12")).isEqualTo(Instant.parse("2024-05-12T00:00:00Z"));
    }
}
