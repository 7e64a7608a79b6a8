package io.flywheel.plugins.web;

import com.rometools.rome.feed.synd.SyndCategory;
import com.rometools.rome.feed.synd.SyndContent;
import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndFeed;
import com.rometools.rome.feed.synd.SyndLink;
import com.rometools.rome.io.FeedException;
import com.rometools.rome.io.ParsingFeedException;
import com.rometools.rome.io.SyndFeedInput;
import io.flywheel.api.FlywheelException;
import io.flywheel.api.PluginContext;
import io.flywheel.api.http.HttpRequest;
import io.flywheel.api.http.HttpResult;
import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.lead.RawLead;
import io.flywheel.api.lead.SourceQuery;
import io.flywheel.api.lead.SourceResult;
import io.flywheel.plugins.listing.Pagination;
import io.flywheel.plugins.listing.Text;
import io.flywheel.plugins.listing.UrlTemplate;
import java.io.StringReader;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads RSS 0.9x, 1.0, 2.0 and Atom feeds; entries become raw leads with HTML reduced to text.
 * Real-world quirks handled: wrong or missing charsets (see {@link Decoding}), entries with only a
 * description (its first line becomes the title), links only in {@code <guid>} or Atom
 * {@code <link rel="alternate">}, relative links, dates only in {@code <updated>}.
 */
final class RssSource implements LeadSource {
    private static final Pattern ROOT = Pattern.compile("<([A-Za-z][-\\w:.]*)");
    private static final java.util.Set<String> FEED_ROOTS = java.util.Set.of("rss", "feed", "rdf:rdf", "rdf", "channel");

    private final RssSourceFactory.Config config;
    private final PluginContext context;
    private final List<UrlTemplate> urls;

    RssSource(RssSourceFactory.Config config, PluginContext context) {
        this.config = config;
        this.context = context;
        this.urls = config.all().stream().map(UrlTemplate::of).toList();
    }

    @Override
    public SourceResult fetch(SourceQuery query) throws Exception {
        return Pagination.of(1, 1, 1).crawl(urls, query.focusKeywords(), Integer.MAX_VALUE, this::load, context.log());
    }

    Pagination.Page load(URI uri) {
        HttpResult result = context.http().fetch(HttpRequest.get(uri).withRobots(config.robots()));
        if (result.notModified()) {
            return Pagination.Page.unchanged();
        }
        return new Pagination.Page(parse(result), null, false);
    }

    List<RawLead> parse(HttpResult result) {
        String xml = Decoding.decode(result, Decoding.Kind.XML).text();
        SyndFeed feed;
        try {
            SyndFeedInput input = new SyndFeedInput();
            // RSS 0.91 feeds carry a DOCTYPE; ROME resolves no external entities either way.
            input.setAllowDoctypes(true);
            feed = input.build(new StringReader(stripProlog(xml)));
        } catch (ParsingFeedException e) {
            String root = rootName(xml);
            if (root != null && !FEED_ROOTS.contains(root.toLowerCase(java.util.Locale.ROOT))) {
                throw new FlywheelException("not an RSS or Atom feed: " + rootDescription(xml) + " (" + result.uri() + ")", e);
            }
            throw new FlywheelException("invalid XML at line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": "
                    + firstLine(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()) + " (" + result.uri() + ")", e);
        } catch (FeedException | IllegalArgumentException e) {
            throw new FlywheelException("not an RSS or Atom feed: " + rootDescription(xml) + "; " + firstLine(e.getMessage()) + " (" + result.uri() + ")", e);
        }
        URI base = base(feed, result.uri());
        List<RawLead> leads = new ArrayList<>();
        for (SyndEntry entry : feed.getEntries()) {
            if (leads.size() >= config.limit()) {
                break;
            }
            String body = body(entry);
            String title = Text.title(Text.fromHtml(entry.getTitle()));
            if (title == null) {
                title = Text.title(body);
            }
            if (title == null) {
                continue;
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            if (entry.getAuthor() != null && !entry.getAuthor().isBlank()) {
                attributes.put("author", entry.getAuthor().strip());
            }
            List<String> tags = entry.getCategories().stream().map(SyndCategory::getName).filter(n -> n != null && !n.isBlank()).map(String::strip).toList();
            if (!tags.isEmpty()) {
                attributes.put("tags", String.join(", ", tags));
            }
            leads.add(new RawLead(title, link(entry, base), body, null, null, null, published(entry), null, attributes));
        }
        return leads;
    }

    /** Relative entry links resolve against the feed's own absolute link (its site), else where it was fetched. */
    private static URI base(SyndFeed feed, URI fetched) {
        String link = feed.getLink();
        if (link != null && link.strip().matches("(?i)https?://\\S+")) {
            try {
                return URI.create(link.strip());
            } catch (IllegalArgumentException e) {
                return fetched;
            }
        }
        return fetched;
    }

    /** The XML prolog names the byte encoding, which {@link Decoding} already applied to a string. */
    private static String stripProlog(String xml) {
        String s = xml.stripLeading();
        if (s.startsWith("<?xml")) {
            int end = s.indexOf("?>");
            if (end > 0) {
                return s.substring(end + 2);
            }
        }
        return s;
    }

    private static String rootDescription(String xml) {
        String s = withoutProlog(xml);
        if (s.isEmpty()) {
            return "the response is empty";
        }
        String root = rootName(xml);
        if (root == null) {
            return "the response starts '" + Decoding.preview(s, 30) + "'";
        }
        boolean html = root.equalsIgnoreCase("html") || root.equalsIgnoreCase("head") || root.equalsIgnoreCase("body");
        return (html ? "an HTML page, " : "") + "the document's root element is <" + root + ">";
    }

    private static String withoutProlog(String xml) {
        return xml.replaceAll("(?s)<\\?.*?\\?>|<!--.*?-->|<!DOCTYPE[^>]*>|<!doctype[^>]*>", "").stripLeading();
    }

    private static String rootName(String xml) {
        Matcher m = ROOT.matcher(withoutProlog(xml));
        return m.lookingAt() ? m.group(1) : null;
    }

    static String link(SyndEntry entry, URI base) {
        String link = entry.getLink();
        if (link == null || link.isBlank()) {
            for (SyndLink l : entry.getLinks()) {
                if (l.getHref() != null && (l.getRel() == null || l.getRel().equals("alternate"))) {
                    link = l.getHref();
                    break;
                }
            }
        }
        if ((link == null || link.isBlank()) && entry.getUri() != null && entry.getUri().strip().matches("(?i)https?://\\S+")) {
            link = entry.getUri();
        }
        if (link == null || link.isBlank()) {
            return null;
        }
        String l = link.strip();
        try {
            return base.resolve(l.replace(" ", "%20")).toString();
        } catch (IllegalArgumentException e) {
            return l;
        }
    }

    private static String body(SyndEntry entry) {
        StringBuilder b = new StringBuilder();
        if (entry.getDescription() != null && entry.getDescription().getValue() != null) {
            b.append(entry.getDescription().getValue());
        }
        if (b.toString().isBlank()) {
            b.setLength(0);
            for (SyndContent c : entry.getContents()) {
                if (c.getValue() != null) {
                    b.append(c.getValue()).append('\n');
                }
            }
        }
        String text = Text.fromHtml(b.toString());
        return text == null || text.isEmpty() ? null : text;
    }

    static Instant published(SyndEntry entry) {
        if (entry.getPublishedDate() != null) {
            return entry.getPublishedDate().toInstant();
        }
        return entry.getUpdatedDate() == null ? null : entry.getUpdatedDate().toInstant();
    }

    private static String firstLine(String s) {
        return s == null ? "parse error" : s.lines().findFirst().orElse(s);
    }
}
