package io.flywheel.plugins.web;

import io.flywheel.api.PluginContext;
import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.lead.LeadSourceFactory;
import io.flywheel.plugins.listing.Pagination;
import io.flywheel.plugins.listing.SourceKeys;
import io.flywheel.plugins.listing.SourceUrls;
import java.net.URI;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pf4j.Extension;

/** {@code type: json}: a JSON API (RemoteOK-, HN-Algolia-style): an array of items, a JSON Pointer per field. */
@Extension
public final class JsonSourceFactory implements LeadSourceFactory<JsonSourceFactory.Config> {

    /**
     * Each field is a JSON Pointer into one item ({@code /position}) or a template mixing text and
     * pointers ({@code https://news.ycombinator.com/item?id={/objectID}}).
     *
     * @param title required; the first line of its text is the title
     * @param link resolved against the API URL when relative
     * @param description HTML is reduced to text
     * @param posted ISO-8601, RFC 1123, epoch seconds or milliseconds, or one of the date formats
     * @param tags an array of strings or a string, kept as the lead's {@code tags} attribute
     */
    public record Fields(String title, String link, String company, String location, String compensation, String posted, String description, String tags) {
        public Fields {
            if (title == null || title.isBlank()) {
                throw new IllegalArgumentException("fields.title: set the JSON Pointer of each item's title, like /title");
            }
            JsonField.parse("title", title);
            JsonField.parse("link", link);
            JsonField.parse("company", company);
            JsonField.parse("location", location);
            JsonField.parse("compensation", compensation);
            JsonField.parse("posted", posted);
            JsonField.parse("description", description);
            JsonField.parse("tags", tags);
        }
    }

    /**
     * @param url the API; {@code {keyword}} and {@code {page}} placeholders as for html sources
     * @param urls several endpoints read as one source
     * @param items JSON Pointer of the array of items ({@code /hits}); empty when the response itself is the array
     * @param fields where each field is inside one item
     * @param headers extra request headers (an {@code Accept} or an API key from ${ENV})
     * @param pages at most this many pages per URL, via {@code {page}} (default 1)
     * @param firstPage {@code {page}} on the first page (default 1; HN Algolia counts from 0)
     * @param pageStep how much {@code {page}} grows per page (default 1)
     * @param dateFormats extra date patterns tried first for {@code posted}
     * @param zone for dates without an offset (default UTC)
     * @param robots obey robots.txt (default true)
     * @param limit at most this many postings per run (default: all)
     */
    public record Config(URI url, List<URI> urls, String items, Fields fields, Map<String, String> headers, Integer pages, Integer firstPage,
            Integer pageStep, List<String> dateFormats, ZoneId zone, Boolean robots, Integer limit) implements SourceKeys.Paged {
        public Config {
            urls = SourceUrls.urls(url, urls, "the API address");
            if (fields == null) {
                throw new IllegalArgumentException("missing required key 'fields' (title, link, ... as JSON Pointers)");
            }
            items = items == null ? "" : items.strip();
            if (!items.isEmpty() && !items.startsWith("/")) {
                throw new IllegalArgumentException("items: '" + items + "' is not a JSON Pointer; write /" + items + " (or leave it empty when the response is the array)");
            }
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            dateFormats = dateFormats == null ? List.of() : List.copyOf(dateFormats);
            zone = zone == null ? java.time.ZoneOffset.UTC : zone;
            robots = SourceUrls.robots(robots);
            limit = SourceUrls.limit(limit);
            Pagination.of(pages, firstPage, pageStep);
        }
    }

    @Override
    public String type() {
        return "json";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public String description() {
        return "JSON APIs: an array of items and a JSON Pointer per field";
    }

    @Override
    public LeadSource create(Config config, PluginContext context) {
        return new JsonSource(Objects.requireNonNull(config), context);
    }
}
