package io.flywheel.engine.rules;

import java.time.Duration;

/**
 * What one call into a rule may use before it is stopped.
 *
 * @param timeLimit wall time per call
 * @param statementLimit JavaScript statements per call
 * @param allocationLimitBytes bytes one call may allocate (garbage included): stops runaway
 *     allocation long before the heap is at risk
 * @param maxResultEntries the most weights or scores a call may return
 * @param maxLogLines lines of {@code console.log}/{@code print} output kept per call
 */
public record RuleLimits(Duration timeLimit, long statementLimit, long allocationLimitBytes, int maxResultEntries, int maxLogLines) {
    public static final RuleLimits DEFAULT = new RuleLimits(Duration.ofMillis(200), 10_000_000, 256L << 20, 100_000, 20);

    public RuleLimits {
        if (timeLimit == null || timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("time-limit: must be positive, found " + timeLimit);
        }
        if (statementLimit <= 0) {
            throw new IllegalArgumentException("statement-limit: must be positive, found " + statementLimit);
        }
        if (allocationLimitBytes <= 0) {
            throw new IllegalArgumentException("allocation limit: must be positive, found " + allocationLimitBytes);
        }
        if (maxResultEntries <= 0 || maxLogLines < 0) {
            throw new IllegalArgumentException("result and log limits must be positive");
        }
    }

    /**
     * Loading a script runs its top level and, on a cold engine, initializes JavaScript itself,
     * which alone can take a second or two on the interpreter.
     */
    Duration loadLimit() {
        Duration tenCalls = timeLimit.multipliedBy(10);
        return tenCalls.compareTo(Duration.ofSeconds(10)) > 0 ? tenCalls : Duration.ofSeconds(10);
    }

    public RuleLimits withTimeLimit(Duration d) {
        return new RuleLimits(d, statementLimit, allocationLimitBytes, maxResultEntries, maxLogLines);
    }

    public RuleLimits withStatementLimit(long n) {
        return new RuleLimits(timeLimit, n, allocationLimitBytes, maxResultEntries, maxLogLines);
    }

    public RuleLimits withAllocationLimit(long bytes) {
        return new RuleLimits(timeLimit, statementLimit, bytes, maxResultEntries, maxLogLines);
    }
}
