package io.flywheel.plugins.market;

import io.flywheel.api.FlywheelException;

/** Market data that cannot be used; the message names the file and line (or URL and row) at fault. */
public final class BadMarketDataException extends FlywheelException {
    public BadMarketDataException(String message) {
        super(message);
    }
}
