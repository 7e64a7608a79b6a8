package io.flywheel.engine.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem found, so the operator sees all of them at once. */
public final class Problems {
    private final List<Problem> list = new ArrayList<>();

    public void error(Location where, String message) {
        list.add(Problem.error(where, message));
    }

    public void warning(Location where, String message) {
        list.add(Problem.warning(where, message));
    }

    public void add(Problem problem) {
        list.add(problem);
    }

    public void addAll(Problems other) {
        list.addAll(other.list);
    }

    public boolean hasErrors() {
        return list.stream().anyMatch(Problem::isError);
    }

    public int errorCount() {
        return (int) list.stream().filter(Problem::isError).count();
    }

    /** Every problem, errors and warnings together, in file order. */
    public List<Problem> all() {
        return list.stream().distinct().sorted(Problem.ORDER).toList();
    }
}
