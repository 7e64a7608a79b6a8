package io.flywheel.plugins.browser;

import io.flywheel.api.PluginContext;
import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.lead.LeadSourceFactory;
import io.flywheel.plugins.listing.ListingExtractor;
import io.flywheel.plugins.listing.Pagination;
import io.flywheel.plugins.listing.Select;
import io.flywheel.plugins.listing.SourceKeys;
import io.flywheel.plugins.listing.SourceUrls;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.pf4j.Extension;

/**
 * {@code type: browser}: listing pages rendered by JavaScript, read in headless Chromium with the
 * same selectors as {@code html}. Sessions are pooled per pair of binaries and shared by every
 * browser source, so a deployment runs at most {@code sessions} Chromium processes per pair.
 */
@Extension
public final class BrowserSourceFactory implements LeadSourceFactory<BrowserSourceFactory.Config> {
    private final Map<SessionPool.Binaries, SessionPool> pools = new ConcurrentHashMap<>();

    /**
     * @param url the listing page; {@code {keyword}} and {@code {page}} placeholders as for html
     * @param urls several listing pages read as one source
     * @param select where each field is on the rendered page (as for html)
     * @param next selector of the next-page link; pagination by link
     * @param pages at most this many pages per URL (default 1)
     * @param firstPage {@code {page}} on the first page (default 1)
     * @param pageStep how much {@code {page}} grows per page (default 1)
     * @param waitFor how long to wait for the item selector to match after the page loaded (default 10s)
     * @param scrolls scroll to the bottom at most this many times for lazily loaded lists (default 3)
     * @param scrollWait how long to wait for new items after each scroll (default 2s)
     * @param pageLoadTimeout the page must load within this (default 30s); the whole render is
     *     bounded by it plus {@code wait-for} and the scrolls, after which the session is killed
     * @param chromium the browser binary (default /usr/bin/chromium, Debian's package)
     * @param chromedriver the driver binary (default /usr/bin/chromedriver, Debian's chromium-driver)
     * @param sessions at most this many browser sessions, shared by browser sources with the same binaries (default 2)
     * @param idle a pooled session unused this long is closed (default 5m)
     * @param robots obey robots.txt (default true)
     * @param limit at most this many postings per run (default: all)
     */
    public record Config(URI url, List<URI> urls, Select select, String next, Integer pages, Integer firstPage, Integer pageStep,
            Duration waitFor, Integer scrolls, Duration scrollWait, Duration pageLoadTimeout, Path chromium, Path chromedriver,
            Integer sessions, Duration idle, Boolean robots, Integer limit) implements SourceKeys.Paged {
        public Config {
            urls = SourceUrls.urls(url, urls, "the listing page");
            ListingExtractor.required(select);
            waitFor = waitFor == null ? Duration.ofSeconds(10) : waitFor;
            scrolls = scrolls == null ? 3 : scrolls;
            scrollWait = scrollWait == null ? Duration.ofSeconds(2) : scrollWait;
            pageLoadTimeout = pageLoadTimeout == null ? Duration.ofSeconds(30) : pageLoadTimeout;
            chromium = chromium == null ? Path.of("/usr/bin/chromium") : chromium;
            chromedriver = chromedriver == null ? Path.of("/usr/bin/chromedriver") : chromedriver;
            sessions = sessions == null ? 2 : sessions;
            idle = idle == null ? Duration.ofMinutes(5) : idle;
            robots = SourceUrls.robots(robots);
            limit = SourceUrls.limit(limit);
            if (scrolls < 0) throw new IllegalArgumentException("scrolls: must be 0 or more, found " + scrolls);
            if (sessions < 1 || sessions > 8) throw new IllegalArgumentException("sessions: must be between 1 and 8, found " + sessions);
            if (waitFor.isNegative()) throw new IllegalArgumentException("wait-for: must not be negative, found " + waitFor);
            if (scrollWait.isNegative()) throw new IllegalArgumentException("scroll-wait: must not be negative, found " + scrollWait);
            if (pageLoadTimeout.isZero() || pageLoadTimeout.isNegative()) throw new IllegalArgumentException("page-load-timeout: must be positive, found " + pageLoadTimeout);
            Pagination.of(pages, firstPage, pageStep);
            ListingExtractor.check(select, next);
        }

        /** Longest one page may take before its session is killed. */
        Duration renderBudget() {
            return pageLoadTimeout.plus(waitFor).plus(scrollWait.multipliedBy(scrolls)).plusSeconds(10);
        }
    }

    @Override
    public String type() {
        return "browser";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public String description() {
        return "pages that render their listings with JavaScript, in headless Chromium";
    }

    @Override
    public LeadSource create(Config config, PluginContext context) {
        Objects.requireNonNull(config);
        SessionPool.Binaries binaries = new SessionPool.Binaries(config.chromium(), config.chromedriver());
        SessionPool pool = pools.compute(binaries, (k, existing) -> {
            SessionPool p = existing == null || existing.isClosed() ? new SessionPool(k, context.scheduler(), context.clock()) : existing;
            p.retain(config.sessions(), config.idle());
            return p;
        });
        return new BrowserSource(config, context, pool);
    }
}
