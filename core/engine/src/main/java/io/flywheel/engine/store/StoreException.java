package io.flywheel.engine.store;

import io.flywheel.api.FlywheelException;

/** The store cannot be opened or written; the message names the file and what to do. */
public final class StoreException extends FlywheelException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
