package io.flywheel.plugins.browser;

import io.flywheel.api.FlywheelException;
import io.flywheel.api.PluginContext;
import io.flywheel.api.http.HttpFetcher;
import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.lead.SourceQuery;
import io.flywheel.api.lead.SourceResult;
import io.flywheel.plugins.listing.ListingExtractor;
import io.flywheel.plugins.listing.Pagination;
import io.flywheel.plugins.listing.UrlTemplate;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriverException;

/**
 * Renders listing pages in a pooled headless Chromium and extracts postings with the html
 * source's selectors. Each navigation takes a turn at the host through the host's fetcher
 * ({@link HttpFetcher#permit}), so per-host limits and robots.txt hold for the browser too.
 */
final class BrowserSource implements LeadSource {
    /** Resolves with the item count once {@code selector} matches, or with 0 after {@code ms}. */
    private static final String WAIT_FOR_ITEMS = """
            const [selector, ms, done] = arguments;
            const count = () => document.querySelectorAll(selector).length;
            if (count() > 0) { done(count()); return; }
            const obs = new MutationObserver(() => { if (count() > 0) { obs.disconnect(); clearTimeout(t); done(count()); } });
            obs.observe(document.documentElement, {childList: true, subtree: true});
            const t = setTimeout(() => { obs.disconnect(); done(count()); }, ms);
            """;
    /** Scrolls to the bottom and resolves once more items than {@code before} exist, or after {@code ms}. */
    private static final String SCROLL_FOR_MORE = """
            const [selector, before, ms, done] = arguments;
            const count = () => document.querySelectorAll(selector).length;
            window.scrollTo(0, document.documentElement.scrollHeight);
            if (count() > before) { done(count()); return; }
            const obs = new MutationObserver(() => { if (count() > before) { obs.disconnect(); clearTimeout(t); done(count()); } });
            obs.observe(document.documentElement, {childList: true, subtree: true});
            const t = setTimeout(() => { obs.disconnect(); done(count()); }, ms);
            """;

    private final BrowserSourceFactory.Config config;
    private final PluginContext context;
    private final SessionPool pool;
    private final ListingExtractor extractor;
    private final List<UrlTemplate> urls;
    private volatile boolean closed;

    BrowserSource(BrowserSourceFactory.Config config, PluginContext context, SessionPool pool) {
        this.config = config;
        this.context = context;
        this.pool = pool;
        this.extractor = new ListingExtractor(config.select(), config.next(), context.clock());
        this.urls = config.all().stream().map(UrlTemplate::of).toList();
    }

    @Override
    public SourceResult fetch(SourceQuery query) throws Exception {
        return config.pagination().crawl(urls, query.focusKeywords(), config.limit(), this::load, context.log());
    }

    /** One page: wait for the host's turn, render in a pooled session, extract. */
    Pagination.Page load(URI uri) throws InterruptedException {
        Rendered page;
        try (HttpFetcher.Permit turn = context.http().permit(uri, config.robots())) {
            page = render(uri);
        }
        Document doc = Jsoup.parse(page.html(), page.uri().toString());
        ListingExtractor.Extraction e = extractor.extract(doc, page.uri(), context.log());
        return new Pagination.Page(e.leads(), e.next(), false);
    }

    record Rendered(URI uri, String html, int items) {}

    /**
     * Renders {@code uri} in a session, bounded by the config's render budget: past it the session
     * is killed (which also unblocks the driver call) and a clear error is thrown. A session that
     * broke is discarded; one retry on a fresh session covers a browser that died between runs.
     */
    private Rendered render(URI uri) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            if (closed) {
                throw new FlywheelException("source closed");
            }
            BrowserSession session = pool.borrow();
            FutureTask<Rendered> task = new FutureTask<>(() -> renderIn(session, uri));
            Thread.ofVirtual().name("browser-render").start(task);
            Duration budget = config.renderBudget();
            try {
                Rendered r = task.get(budget.toMillis(), TimeUnit.MILLISECONDS);
                pool.giveBack(session);
                return r;
            } catch (TimeoutException e) {
                session.kill();
                pool.discard(session);
                throw new FlywheelException("page did not render within " + budget.toSeconds() + "s (page-load-timeout "
                        + config.pageLoadTimeout().toSeconds() + "s + wait-for + scrolls); the browser session was killed (" + uri + ")");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                boolean sessionOk = cause instanceof FlywheelException && session.alive();
                if (sessionOk) {
                    pool.giveBack(session);
                    throw (FlywheelException) cause;
                }
                pool.discard(session);
                if (cause instanceof org.openqa.selenium.TimeoutException) {
                    throw new FlywheelException("page did not load within page-load-timeout " + config.pageLoadTimeout().toSeconds() + "s (" + uri + ")", cause);
                }
                if (attempt == 0 && cause instanceof WebDriverException) {
                    context.log().info("browser session failed ({}); retrying {} on a fresh session", BrowserSession.firstLine(cause.getMessage()), uri);
                    continue;
                }
                throw new FlywheelException("browser failed on " + uri + ": " + BrowserSession.firstLine(cause.getMessage()), cause);
            } catch (InterruptedException e) {
                session.kill();
                pool.discard(session);
                throw e;
            }
        }
    }

    private Rendered renderIn(BrowserSession session, URI uri) {
        var driver = session.driver();
        driver.manage().timeouts().pageLoadTimeout(config.pageLoadTimeout());   // sessions are shared: this source's own limit
        driver.get(uri.toString());
        JavascriptExecutor js = driver;
        int count = waitForItems(js, config.waitFor());
        for (int i = 0; i < config.scrolls() && count > 0; i++) {
            int more = number(js.executeAsyncScript(SCROLL_FOR_MORE, config.select().item(), count, config.scrollWait().toMillis()));
            if (more <= count) {
                break;
            }
            count = more;
        }
        return new Rendered(session.currentUri(uri), driver.getPageSource(), count);
    }

    private int waitForItems(JavascriptExecutor js, Duration wait) {
        try {
            return number(js.executeAsyncScript(WAIT_FOR_ITEMS, config.select().item(), wait.toMillis()));
        } catch (JavascriptException e) {
            // a selector only jsoup understands (:contains, :has ...): no waiting in the page, read it as it is
            context.log().debug("item selector '{}' is not valid in the browser ({}); reading the page as loaded",
                    config.select().item(), BrowserSession.firstLine(e.getMessage()));
            return -1;
        }
    }

    private static int number(Object o) {
        return o instanceof Number n ? n.intValue() : 0;
    }

    SessionPool pool() {
        return pool;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pool.release();
        }
    }
}
