package io.flywheel.engine.command;

import io.flywheel.engine.text.Graphemes;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** Small helpers the built-in commands share. */
final class Replies {
    /** Replies stay under Discord's 2,000-character message limit with room for the adapter. */
    static final int MAX = 1900;
    private static final Executor VIRTUAL = r -> Thread.ofVirtual().name("flywheel-command").start(r);

    private Replies() {}

    /** {@code header} and as many whole {@code lines} as fit, with a note of how many were left out. */
    static String fit(String header, List<String> lines) {
        StringBuilder b = new StringBuilder(header);
        for (int i = 0; i < lines.size(); i++) {
            String more = "\n… and " + (lines.size() - i) + " more";
            if (b.length() + 1 + lines.get(i).length() + more.length() > MAX) {
                return b.append(more).toString();
            }
            b.append('\n').append(lines.get(i));
        }
        return b.toString();
    }

    /** Runs blocking work (store reads, a source run) off the caller's thread. */
    static <T> CompletableFuture<T> async(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, VIRTUAL);
    }

    static String trimTo(String s, int max) {
        return s == null ? "" : Graphemes.shorten(s, max);
    }

    /** {@code option} as an int within [min, max], or {@code fallback} when absent. */
    static int intOption(io.flywheel.api.command.CommandCall call, String option, int fallback, int min, int max) {
        String v = call.options().get(option);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        long n = Long.parseLong(v.strip());
        if (n < min || n > max) {
            throw new IllegalArgumentException("'" + option + "' must be between " + min + " and " + max + ", found " + n);
        }
        return (int) n;
    }
}
