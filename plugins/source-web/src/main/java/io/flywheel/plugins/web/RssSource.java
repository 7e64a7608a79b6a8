package io.flywheel.plugins.web;

import com.rometools.rome.feed.synd.SyndCategory;
import com.rometools.rome.feed.synd.SyndContent;
import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndFeed;
import com.rometools.rome.feed.synd.SyndLink;
import com.rometools.rome.io.FeedException;
import com.rometools.rome.io.SyndFeedInput;
import com.rometools.rome.io.XmlReader;
import io.flywheel.api.FlywheelException;
import io.flywheel.api.PluginContext;
import io.flywheel.api.http.HttpRequest;
import io.flywheel.api.http.HttpResult;
import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.lead.RawLead;
import io.flywheel.api.lead.SourceQuery;
import io.flywheel.api.lead.SourceResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;

/** Reads one or more feeds; entries become raw leads with HTML reduced to text. */
final class RssSource implements LeadSource {
    private final RssSourceFactory.Config config;
    private final PluginContext context;

    RssSource(RssSourceFactory.Config config, PluginContext context) {
        this.config = config;
        this.context = context;
    }

    @Override
    public SourceResult fetch(SourceQuery query) {
        List<RawLead> leads = new ArrayList<>();
        boolean allUnchanged = true;
        for (URI uri : expand(config.all(), query.focusKeywords())) {
            HttpResult result = context.http().fetch(HttpRequest.get(uri).withRobots(config.robots()));
            if (result.notModified()) {
                continue;
            }
            allUnchanged = false;
            leads.addAll(parse(result));
        }
        return allUnchanged ? SourceResult.unchangedSinceLastRun() : SourceResult.of(leads);
    }

    static List<URI> expand(List<URI> templates, List<String> keywords) {
        List<URI> out = new ArrayList<>();
        for (URI t : templates) {
            String s = t.toString();
            if (s.contains("%7Bkeyword%7D") || s.contains("{keyword}")) {
                for (String k : keywords) {
                    String q = URLEncoder.encode(k, StandardCharsets.UTF_8);
                    out.add(URI.create(s.replace("%7Bkeyword%7D", q).replace("{keyword}", q)));
                }
            } else {
                out.add(t);
            }
        }
        return out;
    }

    List<RawLead> parse(HttpResult result) {
        SyndFeed feed;
        try {
            String contentType = result.header("content-type").orElse(null);
            XmlReader reader = contentType == null
                    ? new XmlReader(new ByteArrayInputStream(result.body()), true, "UTF-8")
                    : new XmlReader(new ByteArrayInputStream(result.body()), contentType, true, "UTF-8");
            SyndFeedInput input = new SyndFeedInput();
            input.setAllowDoctypes(false);
            feed = input.build(reader);
        } catch (FeedException | IOException | IllegalArgumentException e) {
            throw new FlywheelException("not a readable RSS or Atom feed: " + firstLine(e.getMessage()) + " (" + result.uri() + ")", e);
        }
        URI base = result.uri();
        List<RawLead> leads = new ArrayList<>();
        for (SyndEntry entry : feed.getEntries()) {
            if (leads.size() >= config.limit()) {
                break;
            }
            String title = Html.text(entry.getTitle());
            if (title == null || title.isBlank()) {
                continue;
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            if (entry.getAuthor() != null && !entry.getAuthor().isBlank()) {
                attributes.put("author", entry.getAuthor().strip());
            }
            List<String> tags = entry.getCategories().stream().map(SyndCategory::getName).filter(n -> n != null && !n.isBlank()).toList();
            if (!tags.isEmpty()) {
                attributes.put("tags", String.join(", ", tags));
            }
            leads.add(new RawLead(title, link(entry, base), body(entry), null, null, null, published(entry), null, attributes));
        }
        return leads;
    }

    private static String link(SyndEntry entry, URI base) {
        String link = entry.getLink();
        if (link == null || link.isBlank()) {
            for (SyndLink l : entry.getLinks()) {
                if (l.getHref() != null && (l.getRel() == null || l.getRel().equals("alternate"))) {
                    link = l.getHref();
                    break;
                }
            }
        }
        if ((link == null || link.isBlank()) && entry.getUri() != null && entry.getUri().startsWith("http")) {
            link = entry.getUri();
        }
        if (link == null || link.isBlank()) {
            return null;
        }
        try {
            return base.resolve(link.strip()).toString();
        } catch (IllegalArgumentException e) {
            return link.strip();
        }
    }

    private static String body(SyndEntry entry) {
        StringBuilder b = new StringBuilder();
        if (entry.getDescription() != null && entry.getDescription().getValue() != null) {
            b.append(entry.getDescription().getValue());
        }
        if (b.isEmpty()) {
            for (SyndContent c : entry.getContents()) {
                if (c.getValue() != null) {
                    b.append(c.getValue()).append('\n');
                }
            }
        }
        return Html.text(b.toString());
    }

    private static Instant published(SyndEntry entry) {
        if (entry.getPublishedDate() != null) {
            return entry.getPublishedDate().toInstant();
        }
        return entry.getUpdatedDate() == null ? null : entry.getUpdatedDate().toInstant();
    }

    private static String firstLine(String s) {
        return s == null ? "parse error" : s.lines().findFirst().orElse(s);
    }

    /** Text from HTML fragments, paragraphs kept as line breaks. */
    static final class Html {
        private Html() {}

        static String text(String html) {
            if (html == null) {
                return null;
            }
            if (html.indexOf('<') < 0 && html.indexOf('&') < 0) {
                return html.strip();
            }
            var doc = Jsoup.parseBodyFragment(html);
            doc.select("br").after("\\n");
            doc.select("p, li, div, h1, h2, h3, h4, tr").before("\\n\\n");
            String text = doc.text().replace("\\n", "\n");
            return text.replaceAll("[ \\t]*\n[ \\t]*", "\n").replaceAll("\n{3,}", "\n\n").strip();
        }
    }
}
