package io.flywheel.engine.rules;

import io.flywheel.api.FlywheelException;

/**
 * A rule failed to load, run or produce valid output. The message starts with the script's name
 * and, where the engine knows it, the line: {@code scripts/lead-score.js:12: ...}.
 */
public final class RuleException extends FlywheelException {
    public RuleException(String message) {
        super(message);
    }

    public RuleException(String message, Throwable cause) {
        super(message, cause);
    }
}
