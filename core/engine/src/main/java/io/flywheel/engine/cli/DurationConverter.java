package io.flywheel.engine.cli;

import io.flywheel.engine.config.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Reads {@code 30s}, {@code 15m}, {@code 1h30m} or ISO-8601 on the command line. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
