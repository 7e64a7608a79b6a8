package io.flywheel.plugins.listing;

import io.flywheel.api.http.Urls;
import io.flywheel.api.lead.RawLead;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.jsoup.select.Evaluator;

/** Turns a listing page into raw leads by the configured {@link Select}ors. */
public final class ListingExtractor {
    private final Select select;
    private final Evaluator item;
    private final FieldSelector title;
    private final FieldSelector link;
    private final FieldSelector company;
    private final FieldSelector location;
    private final FieldSelector compensation;
    private final FieldSelector posted;
    private final FieldSelector description;
    private final FieldSelector next;
    private final PostedDates dates;

    /**
     * What one page gave.
     *
     * @param items elements the item selector matched
     * @param untitled items skipped because their title was empty
     * @param next the next page's URL from the next-link selector, or {@code null}
     */
    public record Extraction(List<RawLead> leads, int items, int untitled, URI next) {}

    /** A listing source's {@code select} key, which it requires. */
    public static Select required(Select select) {
        if (select == null) {
            throw new IllegalArgumentException("missing required key 'select' (item, title, link, ... selectors)");
        }
        return select;
    }

    /**
     * Checks a listing source's {@code select} and {@code next} keys as the extractor will read
     * them, when the config is bound rather than when the source is made: the item must be a CSS
     * selector and {@code next} a valid selector. {@code select} is one {@link #required} let
     * through: a config checks it is there first, before its other keys.
     */
    public static void check(Select select, String next) {
        new ListingExtractor(select, next, Clock.systemUTC());
    }

    /** @param nextLink selector of the next-page link ({@code @href} by default), or {@code null} */
    public ListingExtractor(Select select, String nextLink, Clock clock) {
        this.select = select;
        this.item = FieldSelector.parse(select.item()).evaluator();
        this.title = FieldSelector.parse(select.title());
        this.link = optional(select.link());
        this.company = optional(select.company());
        this.location = optional(select.location());
        this.compensation = optional(select.compensation());
        this.posted = optional(select.posted());
        this.description = optional(select.description());
        try {
            this.next = optional(nextLink);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("next: " + e.getMessage());
        }
        this.dates = new PostedDates(select.dateFormats(), select.zone(), clock);
        if (item == null) {
            throw new IllegalArgumentException("select.item: must be a CSS selector, found '" + select.item() + "'");
        }
    }

    private static FieldSelector optional(String spec) {
        return spec == null || spec.isBlank() ? null : FieldSelector.parse(spec);
    }

    public Select select() {
        return select;
    }

    /**
     * Extracts and says what went wrong: no item matched is logged (an empty listing; the host
     * flags a source that used to find items as possibly stale), items without any title are an
     * error naming both selectors.
     */
    public Extraction extract(Document page, URI uri, org.slf4j.Logger log) {
        Extraction e = extract(page);
        if (e.items() == 0) {
            log.info("item selector '{}' matched nothing on {} (page title: '{}')", select.item(), uri, page.title());
        } else if (e.leads().isEmpty()) {
            throw new io.flywheel.api.FlywheelException("title selector '" + select.title() + "' found no text in any of the " + e.items()
                    + " items matched by '" + select.item() + "' on " + uri + ": the page layout may have changed");
        } else if (e.untitled() > 0) {
            log.debug("{} of {} items on {} had no title and were skipped", e.untitled(), e.items(), uri);
        }
        return e;
    }

    public Extraction extract(Document page) {
        Elements items = page.select(item);
        List<RawLead> leads = new ArrayList<>();
        int untitled = 0;
        for (Element e : items) {
            String t = Text.title(title.value(e));
            if (t == null) {
                untitled++;
                continue;
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            String postedText = value(posted, e);
            Instant published = dates.parse(postedText);
            if (postedText != null && published == null) {
                attributes.put("posted", postedText);
            }
            leads.add(new RawLead(t, link(e), value(description, e), value(company, e), value(location, e), value(compensation, e),
                    published, null, attributes));
        }
        return new Extraction(leads, items.size(), untitled, nextPage(page));
    }

    private static String value(FieldSelector f, Element item) {
        if (f == null) {
            return null;
        }
        String v = f.value(item);
        return v == null ? null : v;
    }

    private String link(Element item) {
        if (link != null) {
            Element e = link.element(item);
            if (e == null) {
                return null;
            }
            if (link.attribute() != null) {
                return link.value(item);
            }
            return href(e);
        }
        Element t = title.element(item);
        String fromTitle = t == null ? null : href(t);
        return fromTitle != null ? fromTitle : href(item);
    }

    /** The element's own href, else its first descendant link's, else its nearest ancestor link's. */
    private static String href(Element e) {
        Element a = e.hasAttr("href") ? e : e.selectFirst("a[href]");
        if (a == null) {
            a = e.closest("a[href]");
        }
        if (a == null) {
            return null;
        }
        String abs = a.absUrl("href");
        return abs.isEmpty() ? null : abs;
    }

    private URI nextPage(Document page) {
        if (next == null) {
            return null;
        }
        Element e = next.element(page);
        if (e == null) {
            return null;
        }
        String url = next.attribute() != null ? next.value(page) : href(e);
        if (url == null || url.isBlank() || url.startsWith("javascript:") || url.startsWith("#")) {
            return null;
        }
        return Urls.parse(url);
    }
}
