package io.flywheel.api.http;

import io.flywheel.api.FlywheelException;
import java.net.URI;

/** A fetch that failed for good: the message names the URL and why. */
public class FetchException extends FlywheelException {
    private final URI uri;
    private final int status;

    public FetchException(URI uri, int status, String reason) {
        super(reason + " (" + uri + ")");
        this.uri = uri;
        this.status = status;
    }

    public FetchException(URI uri, String reason, Throwable cause) {
        super(reason + " (" + uri + ")", cause);
        this.uri = uri;
        this.status = -1;
    }

    public URI uri() {
        return uri;
    }

    /** The HTTP status that ended the fetch, or {@code -1} when no response arrived. */
    public int status() {
        return status;
    }
}
