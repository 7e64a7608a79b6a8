package io.flywheel.plugins.web;

import io.flywheel.api.PluginContext;
import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.lead.LeadSourceFactory;
import io.flywheel.plugins.listing.ListingExtractor;
import io.flywheel.plugins.listing.Pagination;
import io.flywheel.plugins.listing.Select;
import io.flywheel.plugins.listing.SourceKeys;
import io.flywheel.plugins.listing.SourceUrls;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import org.pf4j.Extension;

/** {@code type: html}: a listing page read by CSS selectors. */
@Extension
public final class HtmlSourceFactory implements LeadSourceFactory<HtmlSourceFactory.Config> {

    /**
     * @param url the listing page; {@code {keyword}} is replaced by each focus keyword (one search
     *     each), {@code {page}} by the page number
     * @param urls several listing pages read as one source
     * @param select where each field is on the page
     * @param next selector of the next-page link ({@code @href} by default); pagination by link
     * @param pages at most this many pages per URL (default 1)
     * @param firstPage {@code {page}} on the first page (default 1)
     * @param pageStep how much {@code {page}} grows per page (default 1; a page size for offsets)
     * @param robots obey robots.txt (default true)
     * @param limit at most this many postings per run (default: all)
     */
    public record Config(URI url, List<URI> urls, Select select, String next, Integer pages, Integer firstPage, Integer pageStep,
            Boolean robots, Integer limit) implements SourceKeys.Paged {
        public Config {
            urls = SourceUrls.urls(url, urls, "the listing page");
            ListingExtractor.required(select);
            robots = SourceUrls.robots(robots);
            limit = SourceUrls.limit(limit);
            Pagination.of(pages, firstPage, pageStep);
            ListingExtractor.check(select, next);
        }
    }

    @Override
    public String type() {
        return "html";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public String description() {
        return "listing pages read by CSS selectors, with pagination and keyword search URLs";
    }

    @Override
    public LeadSource create(Config config, PluginContext context) {
        return new HtmlSource(Objects.requireNonNull(config), context);
    }
}
