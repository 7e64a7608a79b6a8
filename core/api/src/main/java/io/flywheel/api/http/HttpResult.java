package io.flywheel.api.http;

import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fetched response.
 *
 * @param uri the final URI after redirects
 * @param status HTTP status ({@code 200} for local files, {@code 304} when not modified)
 * @param headers response headers, names in lower case
 * @param body the body bytes, empty for {@code 304}
 * @param charset the charset the server declared in {@code Content-Type}, or {@code null}
 * @param fetchedAt host clock time when the response arrived
 */
public record HttpResult(URI uri, int status, Map<String, List<String>> headers, byte[] body, Charset charset, Instant fetchedAt) {

    public HttpResult {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    public boolean notModified() {
        return status == 304;
    }

    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** The body decoded with the declared charset, or UTF-8 when none was declared. */
    public String text() {
        return new String(body, charset == null ? StandardCharsets.UTF_8 : charset);
    }
}
