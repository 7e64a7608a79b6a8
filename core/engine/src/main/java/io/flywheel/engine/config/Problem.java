package io.flywheel.engine.config;

import java.util.Comparator;

/** One thing wrong (or suspicious) in the configuration or the environment. */
public record Problem(Severity severity, Location location, String message) {

    public enum Severity { ERROR, WARNING }

    static final Comparator<Problem> ORDER = Comparator
            .comparing((Problem p) -> p.location().file() == null ? "" : p.location().file().toString())
            .thenComparingInt(p -> p.location().line())
            .thenComparingInt(p -> p.location().column())
            .thenComparing(Problem::message);

    public static Problem error(Location where, String message) {
        return new Problem(Severity.ERROR, where, message);
    }

    public static Problem warning(Location where, String message) {
        return new Problem(Severity.WARNING, where, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return location + ": " + (isError() ? "error" : "warning") + ": " + message;
    }
}
