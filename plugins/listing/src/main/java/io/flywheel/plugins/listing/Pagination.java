package io.flywheel.plugins.listing;

import io.flywheel.api.FlywheelException;
import io.flywheel.api.lead.RawLead;
import io.flywheel.api.lead.SourceResult;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Walks a source's URLs: each {@code {keyword}} URL once per focus keyword, then its pages, by a
 * {@code {page}} parameter or by following the next link, up to {@code pages} per URL. Stops a URL
 * early at a page with no postings, a page with nothing new (boards repeat their last page), or a
 * next link already visited. When one page fails, the postings read so far are kept and the error
 * is logged; when no page at all could be read, the first error is thrown.
 *
 * @param pages at most this many pages per URL
 * @param firstPage the value of {@code {page}} on the first page (often 1, sometimes 0)
 * @param pageStep how much {@code {page}} grows per page (1, or a page size for offset parameters)
 */
public record Pagination(int pages, int firstPage, int pageStep) {

    public Pagination {
        if (pages < 1) {
            throw new IllegalArgumentException("pages: must be at least 1, found " + pages);
        }
        if (pageStep < 1) {
            throw new IllegalArgumentException("page-step: must be at least 1, found " + pageStep);
        }
    }

    public static Pagination of(Integer pages, Integer firstPage, Integer pageStep) {
        return new Pagination(pages == null ? 1 : pages, firstPage == null ? 1 : firstPage, pageStep == null ? 1 : pageStep);
    }

    /**
     * One loaded page.
     *
     * @param next the next page's URL when the page links to one, or {@code null}
     * @param notModified the server answered 304: nothing changed since the last run
     */
    public record Page(List<RawLead> leads, URI next, boolean notModified) {
        public static Page unchanged() {
            return new Page(List.of(), null, true);
        }
    }

    /** Loads and extracts one page. */
    @FunctionalInterface
    public interface Loader {
        Page load(URI uri) throws Exception;
    }

    public SourceResult crawl(List<UrlTemplate> urls, List<String> keywords, int limit, Loader loader, Logger log) throws Exception {
        Map<String, RawLead> leads = new LinkedHashMap<>();
        List<Exception> errors = new ArrayList<>();
        int loaded = 0;
        int firstPagesUnchanged = 0;
        int starts = 0;
        for (UrlTemplate template : urls) {
            if (template.hasKeyword() && keywords.isEmpty()) {
                throw new FlywheelException("url " + template + " searches by {keyword} but there are no focus keywords:"
                        + " add keywords to config.yml or set focus above 0 on the source");
            }
            for (UrlTemplate t : template.forKeywords(keywords)) {
                starts++;
                Set<URI> visited = new HashSet<>();
                Set<String> seenHere = new HashSet<>();
                URI uri = t.page(firstPage);
                for (int i = 0; i < pages && uri != null && leads.size() < limit; i++) {
                    if (!visited.add(uri)) {
                        break;
                    }
                    Page page;
                    try {
                        page = loader.load(uri);
                    } catch (InterruptedException e) {
                        throw e;
                    } catch (Exception e) {
                        errors.add(e);
                        log.warn("{}", e.getMessage() == null ? e.toString() : e.getMessage());
                        break;
                    }
                    loaded++;
                    if (page.notModified()) {
                        if (i == 0) {
                            firstPagesUnchanged++;
                        }
                        break;
                    }
                    boolean anyNew = false;
                    for (RawLead l : page.leads()) {
                        if (leads.size() >= limit) {
                            break;
                        }
                        String key = l.url() != null ? l.url() : "title:" + l.title();
                        anyNew |= seenHere.add(key);
                        leads.putIfAbsent(key, l);
                    }
                    if (!anyNew) {
                        break;   // an empty page, or the board repeating its last page
                    }
                    uri = t.hasPage() ? t.page(firstPage + (i + 1) * pageStep) : page.next();
                }
            }
        }
        if (loaded == 0 && !errors.isEmpty()) {
            Exception first = errors.getFirst();
            if (errors.size() == 1) {
                throw first;
            }
            throw new FlywheelException("all " + errors.size() + " pages failed; first: " + first.getMessage(), first);
        }
        if (starts > 0 && firstPagesUnchanged == starts) {
            return SourceResult.unchangedSinceLastRun();
        }
        return SourceResult.of(List.copyOf(leads.values()));
    }
}
