package io.flywheel.engine.config;

import io.flywheel.api.FlywheelException;
import java.util.List;
import java.util.stream.Collectors;

/** The configuration cannot be used; carries every problem found. */
public final class ConfigException extends FlywheelException {
    private final List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
