package io.flywheel.plugins.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.api.FlywheelException;
import io.flywheel.api.PluginContext;
import io.flywheel.api.http.HttpRequest;
import io.flywheel.api.http.HttpResult;
import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.lead.RawLead;
import io.flywheel.api.lead.SourceQuery;
import io.flywheel.api.lead.SourceResult;
import io.flywheel.plugins.listing.Pagination;
import io.flywheel.plugins.listing.PostedDates;
import io.flywheel.plugins.listing.Text;
import io.flywheel.plugins.listing.UrlTemplate;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads an array of items from a JSON API and maps each by JSON Pointers. */
final class JsonSource implements LeadSource {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonSourceFactory.Config config;
    private final PluginContext context;
    private final List<UrlTemplate> urls;
    private final PostedDates dates;
    private final JsonField title;
    private final JsonField link;
    private final JsonField company;
    private final JsonField location;
    private final JsonField compensation;
    private final JsonField posted;
    private final JsonField description;
    private final JsonField tags;

    JsonSource(JsonSourceFactory.Config config, PluginContext context) {
        this.config = config;
        this.context = context;
        this.urls = config.all().stream().map(UrlTemplate::of).toList();
        this.dates = new PostedDates(config.dateFormats(), config.zone(), context.clock());
        JsonSourceFactory.Fields f = config.fields();
        this.title = JsonField.parse("title", f.title());
        this.link = JsonField.parse("link", f.link());
        this.company = JsonField.parse("company", f.company());
        this.location = JsonField.parse("location", f.location());
        this.compensation = JsonField.parse("compensation", f.compensation());
        this.posted = JsonField.parse("posted", f.posted());
        this.description = JsonField.parse("description", f.description());
        this.tags = JsonField.parse("tags", f.tags());
    }

    @Override
    public SourceResult fetch(SourceQuery query) throws Exception {
        return config.pagination().crawl(urls, query.focusKeywords(), config.limit(), this::load, context.log());
    }

    Pagination.Page load(URI uri) {
        HttpResult result = context.http().fetch(HttpRequest.get(uri).withRobots(config.robots()).withHeaders(headers()));
        if (result.notModified()) {
            return Pagination.Page.unchanged();
        }
        return new Pagination.Page(parse(result), null, false);
    }

    private Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Accept", "application/json");
        h.putAll(config.headers());
        return h;
    }

    List<RawLead> parse(HttpResult result) {
        String text = Decoding.decode(result, Decoding.Kind.JSON).text();
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new FlywheelException("not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + " column "
                    + e.getLocation().getColumnNr() + "; the server sent " + result.header("content-type").orElse("no content type")
                    + " starting '" + Decoding.preview(text, 40) + "' (" + result.uri() + ")");
        }
        if (root == null || root.isMissingNode()) {
            throw new FlywheelException("empty response where JSON was expected (" + result.uri() + ")");
        }
        JsonNode array = config.items().isEmpty() ? root : root.at(config.items());
        if (array.isMissingNode()) {
            throw new FlywheelException("items: nothing at JSON Pointer '" + config.items() + "' in the response; it has " + keys(root) + " (" + result.uri() + ")");
        }
        if (!array.isArray()) {
            throw new FlywheelException("items: '" + (config.items().isEmpty() ? "(the response)" : config.items()) + "' is "
                    + kind(array) + ", not an array" + (array.isObject() ? " with " + keys(array) : "") + " (" + result.uri() + ")");
        }
        List<RawLead> leads = new ArrayList<>();
        for (JsonNode item : array) {
            RawLead lead = lead(item, result.uri());
            if (lead != null) {
                leads.add(lead);
            }
        }
        if (leads.isEmpty() && !array.isEmpty()) {
            JsonNode first = array.get(array.size() > 1 ? 1 : 0);
            throw new FlywheelException("fields.title: none of the " + array.size() + " items has text at '" + title.spec() + "'; an item has "
                    + keys(first) + " (" + result.uri() + ")");
        }
        return leads;
    }

    private RawLead lead(JsonNode item, URI base) {
        if (!item.isObject()) {
            return null;
        }
        String t = Text.title(Text.fromHtml(title.text(item)));
        if (t == null) {
            return null;
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        String tagText = tags == null ? null : tags.text(item);
        if (tagText != null) {
            attributes.put("tags", tagText);
        }
        Instant published = published(item, attributes);
        return new RawLead(t, link(item, base), description == null ? null : Text.fromHtml(description.text(item)),
                text(company, item), text(location, item), text(compensation, item), published, null, attributes);
    }

    private static String text(JsonField f, JsonNode item) {
        return f == null ? null : Text.fromHtml(f.text(item));
    }

    private String link(JsonNode item, URI base) {
        String l = link == null ? null : link.text(item);
        if (l == null) {
            return null;
        }
        try {
            return base.resolve(l.strip()).toString();
        } catch (IllegalArgumentException e) {
            return l.strip();
        }
    }

    private Instant published(JsonNode item, Map<String, String> attributes) {
        if (posted == null) {
            return null;
        }
        JsonNode n = posted.node(item);
        if (n.isNumber()) {
            long v = n.asLong();
            return v > 100_000_000_000L ? Instant.ofEpochMilli(v) : Instant.ofEpochSecond(v);
        }
        String s = posted.text(item);
        Instant i = dates.parse(s);
        if (s != null && i == null) {
            attributes.put("posted", s);
        }
        return i;
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String keys(JsonNode n) {
        if (n == null || !n.isObject()) {
            return n == null ? "nothing" : kind(n);
        }
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return "keys " + (names.size() > 12 ? names.subList(0, 12) + "…" : names);
    }
}
