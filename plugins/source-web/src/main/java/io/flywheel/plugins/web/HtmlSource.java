package io.flywheel.plugins.web;

import io.flywheel.api.FlywheelException;
import io.flywheel.api.PluginContext;
import io.flywheel.api.http.HttpRequest;
import io.flywheel.api.http.HttpResult;
import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.lead.SourceQuery;
import io.flywheel.api.lead.SourceResult;
import io.flywheel.plugins.listing.ListingExtractor;
import io.flywheel.plugins.listing.Pagination;
import io.flywheel.plugins.listing.UrlTemplate;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/** Reads listing pages through the host's polite fetcher and extracts postings by selectors. */
final class HtmlSource implements LeadSource {
    private final HtmlSourceFactory.Config config;
    private final PluginContext context;
    private final ListingExtractor extractor;
    private final List<UrlTemplate> urls;

    HtmlSource(HtmlSourceFactory.Config config, PluginContext context) {
        this.config = config;
        this.context = context;
        this.extractor = new ListingExtractor(config.select(), config.next(), context.clock());
        this.urls = config.all().stream().map(UrlTemplate::of).toList();
    }

    @Override
    public SourceResult fetch(SourceQuery query) throws Exception {
        return config.pagination().crawl(urls, query.focusKeywords(), config.limit(), this::load, context.log());
    }

    Pagination.Page load(URI uri) {
        HttpResult result = context.http().fetch(HttpRequest.get(uri).withRobots(config.robots()));
        if (result.notModified()) {
            return Pagination.Page.unchanged();
        }
        Document page = parse(result);
        ListingExtractor.Extraction e = extractor.extract(page, result.uri(), context.log());
        return new Pagination.Page(e.leads(), e.next(), false);
    }

    /** Parses an HTML body with charset repair; refuses bodies that are plainly not HTML. */
    static Document parse(HttpResult result) {
        Decoding.Decoded text = Decoding.decode(result, Decoding.Kind.HTML);
        String contentType = result.header("content-type").orElse("").toLowerCase(Locale.ROOT);
        boolean htmlType = contentType.isEmpty() || contentType.contains("html") || contentType.contains("xml") || contentType.startsWith("text/");
        if (!htmlType && !text.text().stripLeading().startsWith("<")) {
            throw new FlywheelException("expected an HTML page but the server sent " + contentType + " (" + result.body().length
                    + " bytes starting '" + Decoding.preview(text.text(), 40) + "') (" + result.uri() + ")");
        }
        return Jsoup.parse(text.text(), result.uri().toString());
    }
}
