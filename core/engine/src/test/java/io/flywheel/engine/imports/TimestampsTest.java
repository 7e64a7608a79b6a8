package io.flywheel.engine.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            1714557600                    | 2024-05-01T10:00:00Z
            1714557600000                 | 2024-05-01T10:00:00Z
            1714557600000000              | 2024-05-01T10:00:00Z
            1714557600000000000           | 2024-05-01T10:00:00Z
            1714557600.5                  | 2024-05-01T10:00:00.500Z
            2024-05-01T10:00:00Z          | 2024-05-01T10:00:00Z
            2024-05-01T12:00:00+02:00     | 2024-05-01T10:00:00Z
            2024-05-01 10:00:00           | 2024-05-01T10:00:00Z
            2024-05-01 10:00:00.250       | 2024-05-01T10:00:00.250Z
            2024-05-01T10:00              | 2024-05-01T10:00:00Z
            2024-05-01                    | 2024-05-01T00:00:00Z
            'Wed, 1 May 2024 10:00:00 GMT' | 2024-05-01T10:00:00Z
            1714557600000.0               | 2024-05-01T10:00:00Z
            1714557600123.0               | 2024-05-01T10:00:00.123Z
            1714557600123.5               | 2024-05-01T10:00:00.123500Z
            2024-05-01 12:00:00+0200      | 2024-05-01T10:00:00Z
            2024-05-01T12:00:00.123+0200  | 2024-05-01T10:00:00.123Z
            2024-05-01T05:30:00-0430      | 2024-05-01T10:00:00Z
            """)
    void readsTheTimestampsPrototypesStore(String text, String expected) {
        assertThat(Timestamps.parse(text)).contains(Instant.parse(expected));
    }

    @Test
    void readsNumbersAsSqliteReturnsThem() {
        assertThat(Timestamps.parse(1714557600L)).contains(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(Timestamps.parse(1714557600)).contains(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(Timestamps.parse(1714557600.25d)).contains(Instant.parse("2024-05-01T10:00:00.250Z"));
        assertThat(Timestamps.parse(1714557600000.0d)).contains(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(Timestamps.parse(1714557600000000.0d)).contains(Instant.parse("2024-05-01T10:00:00Z"));
    }

    @Test
    void refusesNumbersNoInstantCanHoldInsteadOfThrowing() {
        assertThat(Timestamps.parse(Long.MIN_VALUE)).as("pandas NaT").isEmpty();
        assertThat(Timestamps.parse("-9223372036854775808")).isEmpty();
        assertThat(Timestamps.parse("99999999999999999999999999999999")).isEmpty();
        assertThat(Timestamps.parse(1e40)).isEmpty();
        assertThat(Timestamps.parse(Double.NaN)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "2024-13-45", "12:00", "NaN", "1e400"})
    void refusesWhatIsNotATime(String text) {
        assertThat(Timestamps.parse(text)).isEmpty();
    }
}
