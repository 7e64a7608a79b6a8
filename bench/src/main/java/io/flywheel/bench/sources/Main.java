package io.flywheel.bench.sources;

import com.rometools.rome.io.SyndFeedInput;
import io.flywheel.api.PluginContext;
import io.flywheel.api.Scheduler;
import io.flywheel.api.http.HttpFetcher;
import io.flywheel.api.http.HttpRequest;
import io.flywheel.api.http.HttpResult;
import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.lead.SourceQuery;
import io.flywheel.engine.config.Settings;
import io.flywheel.engine.http.DefaultHttpFetcher;
import io.flywheel.engine.schedule.SystemScheduler;
import io.flywheel.plugins.browser.BrowserSourceFactory;
import io.flywheel.plugins.listing.Select;
import io.flywheel.plugins.web.HtmlSourceFactory;
import io.flywheel.plugins.web.RssSourceFactory;
import io.flywheel.testkit.LocalHttpServer;
import io.flywheel.testkit.LocalHttpServer.Response;
import io.flywheel.testkit.TestPluginContext;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jsoup.Jsoup;

/**
 * Lead sources: items parsed per second from a 200-item listing page (html source) and from the
 * 730-item podcast feed (rss source), each against the bare parser as reference; a fetch round
 * over 20 local hosts with politeness on, concurrent against sequential; browser pages per minute
 * with the session pool against a fresh session per page.
 */
public final class Main {
    static final Select CARDS = new Select("div.job_seen_beacon", "h2.jobTitle span[title]", "h2.jobTitle a @href", "[data-testid=company-name]",
            "[data-testid=text-location]", ".salary-snippet", "span.date", ".job-snippet", null, null);
    static final Select JOBS = new Select("li.job", "h3.title a", null, ".company", ".where", null, "time @datetime", null, null, null);

    private Main() {}

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        Path repo = Path.of(System.getProperty("flywheel.repo", "."));
        byte[] listing = resource("/sources/listing-200.html");
        byte[] feed = Files.readAllBytes(repo.resolve("plugins/source-web/src/test/resources/feeds/rss-parser/input/giantbomb-podcast.rss"));
        Duration measure = quick ? Duration.ofSeconds(2) : Duration.ofSeconds(10);

        // 1. html: the source (decode, parse, extract, dates) vs jsoup parsing alone
        LeadSource html = new HtmlSourceFactory().create(new HtmlSourceFactory.Config(URI.create("https://jobs.example.org/search"), null, CARDS,
                null, null, null, null, false, null), inMemory("html", listing, "text/html; charset=utf-8"));
        double htmlItems = rate(() -> html.fetch(new SourceQuery(List.of())).leads().size(), measure);
        double jsoupItems = rate(() -> Jsoup.parse(new String(listing, StandardCharsets.UTF_8), "https://jobs.example.org/").select("div.job_seen_beacon").size(), measure);

        // 2. rss: the source (decode, ROME, text of every description) vs ROME alone
        LeadSource rss = new RssSourceFactory().create(new RssSourceFactory.Config(URI.create("https://feeds.example.org/podcast"), null, false, null),
                inMemory("rss", feed, "application/rss+xml"));
        double feedItems = rate(() -> rss.fetch(new SourceQuery(List.of())).leads().size(), measure);
        double romeItems = rate(() -> {
            SyndFeedInput in = new SyndFeedInput();
            in.setAllowDoctypes(true);
            return in.build(new StringReader(new String(feed, StandardCharsets.UTF_8))).getEntries().size();
        }, measure);

        // 3. 20 hosts, 3 pages each, politeness on (1 request at a time per host, 250 ms apart)
        int rounds = quick ? 1 : 3;
        Round sequential = null;
        Round concurrent = null;
        for (int i = 0; i < rounds; i++) {
            Round s = fetchRound(false);
            Round c = fetchRound(true);
            sequential = sequential == null || s.millis < sequential.millis ? s : sequential;
            concurrent = concurrent == null || c.millis < concurrent.millis ? c : concurrent;
        }
        double speedup = (double) sequential.millis / concurrent.millis;

        // 4. browser: pages per minute reusing a pooled session vs a fresh session per page
        Browser browser = browser(Files.readAllBytes(repo.resolve("plugins/source-browser/src/test/resources/js-board.html")), quick ? 6 : 20, quick ? 2 : 5);

        System.out.printf(Locale.ROOT, "%-58s %14s%n", "measure", "value");
        System.out.printf(Locale.ROOT, "%-58s %14.0f%n", "html source: items/s (200-item listing page)", htmlItems);
        System.out.printf(Locale.ROOT, "%-58s %14.0f%n", "  reference: jsoup parse + item select only, items/s", jsoupItems);
        System.out.printf(Locale.ROOT, "%-58s %14.2f%n", "  source / reference", htmlItems / jsoupItems);
        System.out.printf(Locale.ROOT, "%-58s %14.0f%n", "rss source: items/s (730-item podcast feed)", feedItems);
        System.out.printf(Locale.ROOT, "%-58s %14.0f%n", "  reference: ROME parse only, items/s", romeItems);
        System.out.printf(Locale.ROOT, "%-58s %14.2f%n", "  source / reference", feedItems / romeItems);
        System.out.printf(Locale.ROOT, "%-58s %14d%n", "fetch round, 20 hosts x 3 pages, sequential: ms", sequential.millis);
        System.out.printf(Locale.ROOT, "%-58s %14d%n", "fetch round, 20 hosts x 3 pages, concurrent: ms", concurrent.millis);
        System.out.printf(Locale.ROOT, "%-58s %14.1f%n", "  concurrent speedup", speedup);
        System.out.printf(Locale.ROOT, "%-58s %14d%n", "  most requests in flight at one host (limit 1)", Math.max(sequential.maxConcurrent, concurrent.maxConcurrent));
        System.out.printf(Locale.ROOT, "%-58s %14.1f%n", "  sequential: shortest gap at one host, ms (interval 250)", sequential.minGapMillis);
        System.out.printf(Locale.ROOT, "%-58s %14.1f%n", "  concurrent: shortest gap at one host, ms (interval 250)", concurrent.minGapMillis);
        System.out.printf(Locale.ROOT, "%-58s %14s%n", "browser: pages/min with the session pool", browser.available ? String.format(Locale.ROOT, "%.1f", browser.pooled) : "skipped");
        System.out.printf(Locale.ROOT, "%-58s %14s%n", "  reference: fresh session per page, pages/min", browser.available ? String.format(Locale.ROOT, "%.1f", browser.fresh) : "skipped");
        if (!browser.available) {
            System.out.println("  (no Chromium at /usr/bin/chromium: apt-get install chromium chromium-driver)");
        }
        System.out.printf(Locale.ROOT, "RESULT {\"html_items_per_s\": %.0f, \"feed_items_per_s\": %.0f, \"concurrent_speedup\": %.1f, \"browser_pages_per_min\": %s,"
                        + " \"html_vs_jsoup\": %.2f, \"feed_vs_rome\": %.2f, \"browser_pool_vs_fresh\": %s}%n",
                htmlItems, feedItems, speedup, browser.available ? String.format(Locale.ROOT, "%.1f", browser.pooled) : "null",
                htmlItems / jsoupItems, feedItems / romeItems, browser.available ? String.format(Locale.ROOT, "%.2f", browser.pooled / browser.fresh) : "null");
    }

    @FunctionalInterface
    interface Work {
        int run() throws Exception;
    }

    /** Items per second over {@code measure}, after a warm-up of half as long. */
    static double rate(Work work, Duration measure) throws Exception {
        long warmEnd = System.nanoTime() + measure.toNanos() / 2;
        while (System.nanoTime() < warmEnd) {
            work.run();
        }
        long items = 0;
        long start = System.nanoTime();
        long end = start + measure.toNanos();
        long now;
        do {
            items += work.run();
            now = System.nanoTime();
        } while (now < end);
        return items / ((now - start) / 1e9);
    }

    /** A context whose fetcher answers every request with {@code body}: parsing cost only. */
    static PluginContext inMemory(String id, byte[] body, String contentType) {
        HttpFetcher fetcher = new HttpFetcher() {
            @Override
            public HttpResult fetch(HttpRequest request) {
                return new HttpResult(request.uri(), 200, Map.of("content-type", List.of(contentType)), body, null, Clock.systemUTC().instant());
            }
        };
        return new TestPluginContext(id, Clock.systemUTC(), new SystemScheduler(), fetcher, null, List.of());
    }

    /** @param minGapMillis the shortest time between two requests arriving at one host; @param maxConcurrent the most at once at one host */
    record Round(long millis, double minGapMillis, int maxConcurrent) {}

    static Round fetchRound(boolean concurrently) throws Exception {
        byte[][] pages = new byte[3][];
        String base = new String(resource("/sources/listing-200.html"), StandardCharsets.UTF_8);
        for (int p = 0; p < 3; p++) {
            String next = p < 2 ? "/jobs?page=" + (p + 2) : "/nowhere";
            pages[p] = base.replace("/jobs?page=2", next).replace("jk=", "jk=p" + p + "-").getBytes(StandardCharsets.UTF_8);
        }
        List<LocalHttpServer> servers = new ArrayList<>();
        try (SystemScheduler scheduler = new SystemScheduler()) {
            Settings.Http settings = new Settings.Http("FlywheelBench/1.0", Duration.ofSeconds(20), 5_000_000L, 0, 1, Duration.ofMillis(250),
                    Duration.ofMinutes(1), 5, Map.of());
            HttpFetcher http = new DefaultHttpFetcher(settings, Clock.systemUTC(), scheduler, new Random(1));
            List<LeadSource> sources = new ArrayList<>();
            for (int h = 0; h < 20; h++) {
                LocalHttpServer s = LocalHttpServer.start();
                s.route("/jobs", r -> {
                    int page = r.query() == null ? 1 : Integer.parseInt(r.query().substring("page=".length()));
                    return Response.bytes(pages[page - 1], "text/html; charset=utf-8");
                });
                servers.add(s);
                PluginContext ctx = new TestPluginContext("host-" + h, Clock.systemUTC(), scheduler, http, null, List.of());
                sources.add(new HtmlSourceFactory().create(new HtmlSourceFactory.Config(s.uri("/jobs"), null, CARDS, "[data-testid=pagination-page-next]",
                        3, null, null, true, null), ctx));
            }
            long start = System.nanoTime();
            int found = 0;
            if (concurrently) {
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<Integer>> runs = new ArrayList<>();
                    for (LeadSource src : sources) {
                        runs.add(pool.submit(() -> src.fetch(new SourceQuery(List.of())).leads().size()));
                    }
                    for (Future<Integer> f : runs) {
                        found += f.get();
                    }
                }
            } else {
                for (LeadSource src : sources) {
                    found += src.fetch(new SourceQuery(List.of())).leads().size();
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (found != 20 * 600) {
                throw new IllegalStateException("expected 12000 postings, found " + found);
            }
            double minGap = servers.stream().mapToDouble(s -> minGapMillis(s.requests())).min().orElse(0);
            int maxConcurrent = servers.stream().mapToInt(LocalHttpServer::maxConcurrent).max().orElse(0);
            return new Round(millis, minGap, maxConcurrent);
        } finally {
            servers.forEach(LocalHttpServer::close);
        }
    }

    /**
     * Server-side arrival gaps after each host's first request. The gate spaces request starts on
     * the client; the first request also opens the connection, so its arrival is late by the
     * connect time and the gap after it looks short by as much (tens of ms on a loaded machine).
     */
    private static double minGapMillis(List<LocalHttpServer.Request> requests) {
        long min = Long.MAX_VALUE;
        for (int i = 2; i < requests.size(); i++) {
            min = Math.min(min, requests.get(i).receivedNanos() - requests.get(i - 1).receivedNanos());
        }
        return min / 1e6;
    }

    record Browser(boolean available, double pooled, double fresh) {}

    static Browser browser(byte[] page, int pooledPages, int freshPages) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/chromium")) || !Files.isExecutable(Path.of("/usr/bin/chromedriver"))) {
            return new Browser(false, 0, 0);
        }
        try (LocalHttpServer server = LocalHttpServer.start(); SystemScheduler scheduler = new SystemScheduler()) {
            server.serve("/board", Response.bytes(page, "text/html; charset=utf-8"));
            Settings.Http settings = new Settings.Http("FlywheelBench/1.0", Duration.ofSeconds(20), 5_000_000L, 0, 1, Duration.ZERO,
                    Duration.ofMinutes(1), 5, Map.of());
            HttpFetcher http = new DefaultHttpFetcher(settings, Clock.systemUTC(), scheduler, new Random(1));
            PluginContext ctx = new TestPluginContext("browser", Clock.systemUTC(), scheduler, http, null, List.of());
            BrowserSourceFactory.Config config = new BrowserSourceFactory.Config(server.uri("/board"), null, JOBS, null, null, null, null,
                    Duration.ofSeconds(10), 0, null, null, null, null, 1, null, true, null);
            BrowserSourceFactory factory = new BrowserSourceFactory();
            double pooled;
            try (LeadSource source = factory.create(config, ctx)) {
                source.fetch(new SourceQuery(List.of()));   // start the session (counted in the reference, not here)
                long start = System.nanoTime();
                for (int i = 0; i < pooledPages; i++) {
                    check(source.fetch(new SourceQuery(List.of())).leads().size());
                }
                pooled = pooledPages / ((System.nanoTime() - start) / 60e9);
            }
            long start = System.nanoTime();
            for (int i = 0; i < freshPages; i++) {
                try (LeadSource source = factory.create(config, ctx)) {
                    check(source.fetch(new SourceQuery(List.of())).leads().size());
                }
            }
            double fresh = freshPages / ((System.nanoTime() - start) / 60e9);
            return new Browser(true, pooled, fresh);
        }
    }

    private static void check(int items) {
        if (items != 10) {
            throw new IllegalStateException("expected 10 rendered items, found " + items);
        }
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = Main.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
