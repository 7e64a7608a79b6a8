package io.flywheel.engine.rules;

import io.flywheel.api.FlywheelException;

/**
 * A rule failed to load, run or produce valid output. The message starts with the script's name
 * and, where the engine knows it, the line: {@code scripts/lead-score.js:12: ...}.
 */
public final class RuleException extends FlywheelException {
    private final int line;

    public RuleException(String message) {
        this(message, 0, null);
    }

    public RuleException(String message, Throwable cause) {
        this(message, cause instanceof RuleException r ? r.line : 0, cause);
    }

    public RuleException(String message, int line, Throwable cause) {
        super(message, cause);
        this.line = line;
    }

    /**
     * {@code message; more} for a log line or status: a message that already ends in {@code ;} (a syntax
     * error "Expected an operand but found ;") gets a space only, not a doubled {@code ;;}.
     */
    public static String then(String message, String more) {
        String m = message == null ? "" : message.stripTrailing();
        return m + (m.endsWith(";") ? " " : "; ") + more;
    }

    /** The line in the script where it went wrong, or 0 when the engine does not know (or it is about the result). */
    public int line() {
        return line;
    }
}
