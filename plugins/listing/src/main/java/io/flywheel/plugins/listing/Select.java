package io.flywheel.plugins.listing;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Where the fields of each listed posting are on a page: CSS selectors, each optionally followed
 * by {@code @attribute} to read an attribute instead of the text ({@code "time @datetime"},
 * {@code "h2 a @href"}; {@code "@data-id"} alone reads the item element's own attribute).
 *
 * @param item one element per posting (required)
 * @param title within an item (required); the first line of its text is the title
 * @param link within an item; default attribute {@code href}, resolved against the page (and its
 *     {@code <base href>}); without it the first link in the title, then in the item, is used
 * @param company within an item
 * @param location within an item
 * @param compensation salary or budget as written
 * @param posted the date; parsed with {@code dateFormats}, then ISO-8601, RFC 1123 and 822, epoch
 *     numbers and relative forms ("3 days ago", "yesterday")
 * @param description within an item; HTML reduced to text
 * @param dateFormats {@link DateTimeFormatter} patterns tried first, in English; a two-digit year is read as 1950-2049
 * @param zone for dates without an offset (default UTC)
 */
public record Select(
        String item,
        String title,
        String link,
        String company,
        String location,
        String compensation,
        String posted,
        String description,
        List<String> dateFormats,
        ZoneId zone) {

    public Select {
        if (item == null || item.isBlank()) {
            throw new IllegalArgumentException("select.item: set a CSS selector matching one element per posting");
        }
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("select.title: set a CSS selector for the posting's title within an item");
        }
        dateFormats = dateFormats == null ? List.of() : List.copyOf(dateFormats);
        zone = zone == null ? java.time.ZoneOffset.UTC : zone;
        validate("item", item);
        validate("title", title);
        validate("link", link);
        validate("company", company);
        validate("location", location);
        validate("compensation", compensation);
        validate("posted", posted);
        validate("description", description);
        for (String f : dateFormats) {
            try {
                DateTimeFormatter.ofPattern(f, Locale.ENGLISH);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("select.date-formats: '" + f + "' is not a date pattern: " + e.getMessage());
            }
        }
    }

    private static void validate(String field, String spec) {
        if (spec == null) {
            return;
        }
        try {
            FieldSelector.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("select." + field + ": " + e.getMessage());
        }
    }
}
