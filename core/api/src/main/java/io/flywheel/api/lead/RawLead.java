package io.flywheel.api.lead;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A posting as a source found it, before normalization. Only {@code title} is required; a
 * missing {@code url} makes the host fall back to a fingerprint of title, company and platform.
 *
 * @param title the posting's headline
 * @param url link to the posting, absolute, or {@code null}
 * @param body description text (HTML already stripped by the source), or {@code null}
 * @param company hiring company or client, or {@code null}
 * @param location location or "Remote", or {@code null}
 * @param compensation salary or budget as written, or {@code null}
 * @param published when the posting says it was published, or {@code null}
 * @param platform platform name when one source aggregates several; {@code null} uses the source's
 * @param attributes anything else worth keeping (tags, ids), small
 */
public record RawLead(
        String title,
        String url,
        String body,
        String company,
        String location,
        String compensation,
        Instant published,
        String platform,
        Map<String, String> attributes) {

    public RawLead {
        Objects.requireNonNull(title, "title");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    public static RawLead of(String title, String url) {
        return new RawLead(title, url, null, null, null, null, null, null, Map.of());
    }

    public RawLead withBody(String newBody) {
        return new RawLead(title, url, newBody, company, location, compensation, published, platform, attributes);
    }

    public RawLead withPublished(Instant when) {
        return new RawLead(title, url, body, company, location, compensation, when, platform, attributes);
    }
}
