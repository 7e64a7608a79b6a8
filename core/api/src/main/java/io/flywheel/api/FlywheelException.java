package io.flywheel.api;

/**
 * Root of Flywheel's unchecked exceptions. Messages name the file, field, plugin or value at
 * fault so an operator can act on them without reading a stack trace.
 */
public class FlywheelException extends RuntimeException {
    public FlywheelException(String message) {
        super(message);
    }

    public FlywheelException(String message, Throwable cause) {
        super(message, cause);
    }
}
