package io.flywheel.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"15m,PT15M", "1h30m,PT1H30M", "90s,PT1M30S", "500ms,PT0.5S", "7d,PT168H", "PT15M,PT15M", "0,PT0S", "2h,PT2H"})
    void readsTheWaysOperatorsWriteDurations(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"15", "fifteen minutes", "15 m", "m15", "1h 30m", "-5m", "PTX"})
    void rejectsAnythingElseNamingTheValue(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999d", "99999999999999999999s", "9223372036854775807s1s", "P99999999999999999D", "PT9223372036854775807S", "300000000000000d"})
    void rejectsDurationsTooLargeToComputeWithNamingTheValue(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessage("too large: '" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"15m", "1h30m", "7d", "500ms", "1d2h3m4s"})
    void formatReadsBack(String text) {
        assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
    }
}
