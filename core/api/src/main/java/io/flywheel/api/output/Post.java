package io.flywheel.api.output;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Something to show people: a lead, a trading signal or a notice. Outputs decide how it looks.
 *
 * @param id unique id of this post in the outbox
 * @param kind what it is about
 * @param ref the lead key or signal id it is about, so engagement can be attributed
 * @param title headline, may be long: outputs truncate to their limits
 * @param url link, or {@code null}
 * @param body description, or {@code null}
 * @param fields short name/value pairs (company, location, score, ...)
 * @param time when the posted thing happened
 */
public record Post(String id, Kind kind, String ref, String title, String url, String body, List<Field> fields, Instant time) {

    public Post {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(title, "title");
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    public enum Kind { LEAD, SIGNAL, NOTICE }

    public record Field(String name, String value, boolean inline) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }
}
