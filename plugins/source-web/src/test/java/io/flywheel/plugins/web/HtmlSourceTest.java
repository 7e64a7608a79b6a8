package io.flywheel.plugins.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.FlywheelException;
import io.flywheel.api.http.FetchException;
import io.flywheel.api.lead.RawLead;
import io.flywheel.api.lead.SourceQuery;
import io.flywheel.api.lead.SourceResult;
import io.flywheel.plugins.listing.Select;
import io.flywheel.testkit.LocalHttpServer;
import io.flywheel.testkit.LocalHttpServer.Response;
import io.flywheel.testkit.TestPluginContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HtmlSourceTest {
    private final WebSources web = new WebSources();
    private final LocalHttpServer server = LocalHttpServer.start();

    /** The job search engine's result cards. */
    static final Select CARDS = new Select("div.job_seen_beacon", "h2.jobTitle span[title]", "h2.jobTitle a @href", "[data-testid=company-name]",
            "[data-testid=text-location]", ".salary-snippet", "span.date", ".job-snippet", null, null);
    /** Hacker News /jobs. */
    static final Select HN_JOBS = new Select("tr.athing", "span.titleline > a", null, null, null, null, "+ tr span.age @title", null, null, null);

    @AfterEach
    void stop() {
        server.close();
    }

    private static HtmlSourceFactory.Config config(URI url, Select select, String next, Integer pages) {
        return new HtmlSourceFactory.Config(url, null, select, next, pages, null, null, null, null);
    }

    private SourceResult run(HtmlSourceFactory.Config config, TestPluginContext ctx) throws Exception {
        try (var source = new HtmlSourceFactory().create(config, ctx)) {
            return source.fetch(new SourceQuery(ctx.topKeywords(5)));
        }
    }

    private SourceResult run(HtmlSourceFactory.Config config) throws Exception {
        return run(config, web.context("board"));
    }

    @Test
    void readsEveryFieldOfAJobSearchResultsPage() throws Exception {
        server.serve("/jobs", Response.bytes(WebSources.resource("boards/indeed-style-page1.html"), "text/html; charset=UTF-8"));

        List<RawLead> leads = run(config(server.uri("/jobs"), CARDS, null, null)).leads();

        assertThat(leads).hasSize(25);
        RawLead first = leads.getFirst();
        assertThat(first.title()).isEqualTo("Senior Backend Engineer");
        assertThat(first.url()).isEqualTo(server.uri("/rc/clk?jk=5a3f00&from=serp&vjs=3").toString());
        assertThat(first.company()).isEqualTo("Neon Health");
        assertThat(first.location()).isEqualTo("Remote (US)");
        assertThat(first.compensation()).isEqualTo("$90,000 - $130,000 a year");
        assertThat(first.body()).startsWith("Build and run the services").contains("Own reliability & performance end to end.");
        Instant now = web.clock.instant();
        assertThat(first.published()).isEqualTo(now);                                  // "Just posted"
        assertThat(leads.get(2).published()).isEqualTo(now.minus(Duration.ofDays(2)));  // "2 days ago"
        assertThat(leads.get(7).published()).isEqualTo(Instant.parse("2026-01-05T00:00:00Z"));  // "Today"
        assertThat(leads).allSatisfy(l -> assertThat(l.published()).isNotNull());
        assertThat(leads.stream().map(RawLead::url).distinct()).hasSize(25);
    }

    @Test
    void followsTheNextLinkUpToThePageLimit() throws Exception {
        server.route("/jobs", r -> Response.bytes(WebSources.resource(r.query() == null ? "boards/hn-jobs-page1.html" : "boards/hn-jobs-page2.html"), "text/html"));

        List<RawLead> onePage = run(config(server.uri("/jobs"), HN_JOBS, "a.morelink", 1)).leads();
        List<RawLead> all = run(config(server.uri("/jobs"), HN_JOBS, "a.morelink", 5)).leads();

        assertThat(onePage).hasSize(30);
        assertThat(all).hasSize(60);
        assertThat(server.requests("/jobs")).hasSize(3);
        assertThat(server.requests("/jobs").get(2).query()).startsWith("next=");
        RawLead first = all.getFirst();
        assertThat(first.title()).isEqualTo("Neon Health (YC S15) Is Hiring a Senior Backend Engineer");
        assertThat(first.url()).isEqualTo("https://jobs.example.org/neon-health/44159535");
        assertThat(first.published()).isEqualTo(Instant.parse("2025-06-02T15:01:40Z"));
    }

    @Test
    void searchesEachFocusKeywordThroughPageParametersUntilAnEmptyPage() throws Exception {
        server.route("/search", r -> {
            int page = Integer.parseInt(query(r.query()).get("page"));
            return page <= 3 ? Response.bytes(WebSources.resource("boards/indeed-style-page" + page + ".html"), "text/html")
                    : Response.ok("<html><body><p>No more jobs match your search.</p></body></html>", "text/html");
        });
        URI template = URI.create(server.uri("/search").toString() + "?q=%7Bkeyword%7D&page=%7Bpage%7D");
        TestPluginContext ctx = web.context("board", "backend engineer", "python");

        SourceResult result = run(config(template, CARDS, null, 10), ctx);

        assertThat(result.leads()).hasSize(75);
        List<String> queries = server.requests("/search").stream().map(LocalHttpServer.Request::query).toList();
        assertThat(queries).containsExactly(
                "q=backend+engineer&page=1", "q=backend+engineer&page=2", "q=backend+engineer&page=3", "q=backend+engineer&page=4",
                "q=python&page=1", "q=python&page=2", "q=python&page=3", "q=python&page=4");
    }

    @Test
    void googleResultsPageYieldsItsTwelveResults() throws Exception {
        server.serve("/search", Response.bytes(WebSources.resource("pages/google-ipod.html.gz"), "text/html"));
        Select google = new Select("h3.r", "a", "a @href", null, null, null, null, null, null, null);

        List<RawLead> leads = run(config(server.uri("/search"), google, null, null)).leads();

        assertThat(leads).hasSize(12);
        assertThat(leads.getFirst().title()).containsIgnoringCase("ipod");
        assertThat(leads).allSatisfy(l -> assertThat(l.url()).startsWith("http"));
    }

    @Test
    void latin1PageWithoutAnyCharsetIsDecodedAndUntitledItemsAreSkipped() throws Exception {
        server.serve("/remote", Response.bytes(WebSources.resource("boards/wwr-style-latin1.html"), "text/html"));
        Select wwr = new Select("section.jobs li.feature", "span.title", "a", "span.company", "span.region", null, "time @datetime", null, null, null);

        List<RawLead> leads = run(config(server.uri("/remote"), wwr, null, null)).leads();

        assertThat(leads).hasSize(23);
        assertThat(leads.getFirst().company()).isEqualTo("Café Numérique");
        assertThat(leads.get(5).company()).isEqualTo("Société Générale de Logiciel");
        assertThat(leads.getFirst().url()).startsWith(server.uri("/remote-jobs/caf").toString()).endsWith("rique-0");
        assertThat(leads.getFirst().published()).isEqualTo(Instant.parse("2025-12-20T10:00:00Z"));
    }

    @Test
    void wrongDeclaredCharsetIsRepaired() throws Exception {
        byte[] latin1 = WebSources.resource("boards/wwr-style-latin1.html");
        server.serve("/declared-utf8", Response.bytes(latin1, "text/html; charset=utf-8"));
        byte[] utf8 = new String(latin1, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.UTF_8);
        server.serve("/declared-latin1", Response.bytes(utf8, "text/html; charset=iso-8859-1"));
        Select wwr = new Select("li.feature", "span.title", null, "span.company", null, null, null, null, null, null);

        assertThat(run(config(server.uri("/declared-utf8"), wwr, null, null)).leads().getFirst().company()).isEqualTo("Café Numérique");
        assertThat(run(config(server.uri("/declared-latin1"), wwr, null, null)).leads().getFirst().company()).isEqualTo("Café Numérique");
    }

    @Test
    void malformedHtmlStillYieldsTheItemsThatAreThere() throws Exception {
        String page = new String(WebSources.resource("boards/indeed-style-page1.html"), StandardCharsets.UTF_8);
        String broken = page.substring(0, page.length() * 3 / 5) + "<div <<li class=>> </td></table></span><h2 class='jobTitle'><a href=";
        server.serve("/broken", Response.ok(broken, "text/html"));

        List<RawLead> leads = run(config(server.uri("/broken"), CARDS, null, null)).leads();

        assertThat(leads).hasSizeBetween(10, 16);
        assertThat(leads).allSatisfy(l -> assertThat(l.title()).isNotBlank());
    }

    @Test
    void noMatchingItemsIsAnEmptyListingNotAnError() throws Exception {
        server.serve("/redesigned", Response.ok("<html><head><title>Jobs</title></head><body><div class='new-layout'>…</div></body></html>", "text/html"));

        SourceResult result = run(config(server.uri("/redesigned"), CARDS, null, null));

        assertThat(result.leads()).isEmpty();
        assertThat(result.unchanged()).isFalse();
    }

    @Test
    void itemsWithoutAnyTitleFailNamingTheSelector() {
        server.serve("/jobs", Response.bytes(WebSources.resource("boards/indeed-style-page1.html"), "text/html"));
        Select wrongTitle = new Select("div.job_seen_beacon", "h3.title", null, null, null, null, null, null, null, null);

        assertThatThrownBy(() -> run(config(server.uri("/jobs"), wrongTitle, null, null)))
                .isInstanceOf(FlywheelException.class)
                .hasMessageContaining("title selector 'h3.title' found no text in any of the 25 items matched by 'div.job_seen_beacon'")
                .hasMessageContaining(server.uri("/jobs").toString());
    }

    @Test
    void somethingThatIsNotHtmlIsRefusedClearly() {
        server.serve("/cv.pdf", Response.bytes("%PDF-1.7\n%âãÏÓ".getBytes(StandardCharsets.ISO_8859_1), "application/pdf"));

        assertThatThrownBy(() -> run(config(server.uri("/cv.pdf"), CARDS, null, null)))
                .hasMessageContaining("expected an HTML page but the server sent application/pdf");
    }

    @Test
    void pageOverTheSizeCapFailsNamingTheCap() {
        server.serve("/jobs", Response.bytes(WebSources.resource("boards/indeed-style-page1.html"), "text/html"));

        assertThatThrownBy(() -> run(config(server.uri("/jobs"), CARDS, null, null), web.context("board", 10_000)))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("10000-byte cap (http.max-bytes)");
    }

    @Test
    void httpErrorsNameTheStatusAndUrl() {
        assertThatThrownBy(() -> run(config(server.uri("/gone"), CARDS, null, null)))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("HTTP 404 Not Found")
                .hasMessageContaining(server.uri("/gone").toString());
    }

    @Test
    void aNextLinkWithCharactersJavaRefusesInItsQueryIsFollowed() throws Exception {
        server.route("/list", r -> Response.ok(r.query() == null
                ? "<ul><li class=job><h3><a href=/jobs/1>First</a></h3></li></ul><a class=next href='/list?sort=date|desc&f={\"remote\":true}&page=2'>next</a>"
                : "<ul><li class=job><h3><a href=/jobs/2>Second</a></h3></li></ul>", "text/html"));
        Select jobs = new Select("li.job", "h3", null, null, null, null, null, null, null, null);

        List<RawLead> leads = run(config(server.uri("/list"), jobs, "a.next", 2)).leads();

        assertThat(leads).extracting(RawLead::title).containsExactly("First", "Second");
        assertThat(server.requests("/list").get(1).query()).contains("sort=date%7Cdesc").endsWith("page=2");
    }

    @Test
    void aFailingLaterPageKeepsWhatEarlierPagesFound() throws Exception {
        server.route("/jobs", r -> r.query() == null ? Response.bytes(WebSources.resource("boards/hn-jobs-page1.html"), "text/html") : Response.status(500));

        List<RawLead> leads = run(config(server.uri("/jobs"), HN_JOBS, "a.morelink", 3)).leads();

        assertThat(leads).hasSize(30);
    }

    @Test
    void unchangedPageCostsOne304AndReportsUnchanged() throws Exception {
        byte[] page = WebSources.resource("boards/indeed-style-page1.html");
        server.route("/jobs", r -> "\"p1\"".equals(r.header("If-None-Match")) ? Response.status(304) : Response.bytes(page, "text/html").withHeader("ETag", "\"p1\""));
        TestPluginContext ctx = web.context("board");
        try (var source = new HtmlSourceFactory().create(config(server.uri("/jobs"), CARDS, null, null), ctx)) {
            assertThat(source.fetch(new SourceQuery(List.of())).leads()).hasSize(25);
            assertThat(source.fetch(new SourceQuery(List.of())).unchanged()).isTrue();
        }
        assertThat(server.requests("/jobs")).hasSize(2);
    }

    @Test
    void keywordUrlWithoutFocusKeywordsFailsClearly() {
        URI template = URI.create(server.uri("/search").toString() + "?q=%7Bkeyword%7D");
        assertThatThrownBy(() -> run(config(template, CARDS, null, null)))
                .hasMessageContaining("searches by {keyword} but there are no focus keywords");
    }

    @Test
    void invalidSelectorsAreRejectedWhenTheConfigIsBound() {
        assertThatThrownBy(() -> new Select("div[", "h2", null, null, null, null, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("select.item: 'div[' is not a valid CSS selector");
        assertThatThrownBy(() -> new Select("li", null, null, null, null, null, null, null, null, null))
                .hasMessageContaining("select.title");
        assertThatThrownBy(() -> new Select("li", "h2", null, null, null, null, null, null, List.of("yyyy-MM-dd qqqqqq"), null))
                .hasMessageContaining("select.date-formats");
    }

    @Test
    void anInvalidNextSelectorNamesNextAndTheSelector() {
        assertThatThrownBy(() -> config(server.uri("/jobs"), CARDS, "a.next[", 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("next: 'a.next[' is not a valid CSS selector");
    }

    static Map<String, String> query(String q) {
        return Arrays.stream(q.split("&")).map(p -> p.split("=", 2)).collect(java.util.stream.Collectors.toMap(p -> p[0], p -> p.length > 1 ? p[1] : ""));
    }
}
