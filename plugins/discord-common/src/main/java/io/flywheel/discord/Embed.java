package io.flywheel.discord;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One Discord embed as Flywheel renders it, already within {@link DiscordLimits}.
 *
 * @param url link of the title, or {@code null}
 * @param description or {@code null}
 * @param color RGB, or {@code null}
 * @param footer footer text, or {@code null}
 * @param timestamp shown in the footer, or {@code null}
 */
public record Embed(String title, String url, String description, Integer color, List<Field> fields, String footer, Instant timestamp) {

    public Embed {
        Objects.requireNonNull(title, "title");
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    /** A name/value pair; both are non-blank (Discord rejects empty ones). */
    public record Field(String name, String value, boolean inline) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    /** The characters Discord counts toward the per-message embed total. */
    public int length() {
        int n = title.length() + (description == null ? 0 : description.length()) + (footer == null ? 0 : footer.length());
        for (Field f : fields) {
            n += f.name().length() + f.value().length();
        }
        return n;
    }
}
