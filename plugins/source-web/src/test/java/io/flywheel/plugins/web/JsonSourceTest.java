package io.flywheel.plugins.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.FlywheelException;
import io.flywheel.api.lead.RawLead;
import io.flywheel.api.lead.SourceQuery;
import io.flywheel.testkit.LocalHttpServer;
import io.flywheel.testkit.LocalHttpServer.Response;
import io.flywheel.testkit.TestPluginContext;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JsonSourceTest {
    private final WebSources web = new WebSources();
    private final LocalHttpServer server = LocalHttpServer.start();

    static final JsonSourceFactory.Fields HN = new JsonSourceFactory.Fields("/comment_text", "https://news.ycombinator.com/item?id={/objectID}",
            null, null, null, "/created_at_i", "/comment_text", "/_tags");
    static final JsonSourceFactory.Fields REMOTEOK = new JsonSourceFactory.Fields("/position", "/url", "/company", "/location",
            "${/salary_min} - ${/salary_max}", "/date", "/description", "/tags");

    @AfterEach
    void stop() {
        server.close();
    }

    private List<RawLead> read(JsonSourceFactory.Config config, TestPluginContext ctx) throws Exception {
        try (var source = new JsonSourceFactory().create(config, ctx)) {
            return source.fetch(new SourceQuery(ctx.topKeywords(5))).leads();
        }
    }

    private static JsonSourceFactory.Config config(URI url, String items, JsonSourceFactory.Fields fields, Integer pages, Integer firstPage) {
        return new JsonSourceFactory.Config(url, null, items, fields, null, pages, firstPage, null, null, null, null, null);
    }

    @Test
    void hnAlgoliaSearchIsPagedPerKeywordUntilAnEmptyPage() throws Exception {
        server.route("/api/v1/search_by_date", r -> {
            String page = HtmlSourceTest.query(r.query()).get("page");
            return Response.bytes(WebSources.resource("api/hn-algolia-page" + page + ".json"), "application/json; charset=utf-8");
        });
        URI url = URI.create(server.uri("/api/v1/search_by_date").toString() + "?query=%7Bkeyword%7D&tags=comment&page=%7Bpage%7D");

        List<RawLead> leads = read(config(url, "/hits", HN, 10, 0), web.context("hn", "hiring"));

        assertThat(leads).hasSize(9);
        assertThat(server.requests("/api/v1/search_by_date")).extracting(LocalHttpServer.Request::query)
                .containsExactly("query=hiring&tags=comment&page=0", "query=hiring&tags=comment&page=1", "query=hiring&tags=comment&page=2");
        assertThat(server.requests("/api/v1/search_by_date").getFirst().header("Accept")).isEqualTo("application/json");
        RawLead neon = leads.stream().filter(l -> l.url().endsWith("id=44159535")).findFirst().orElseThrow();
        assertThat(neon.title()).isEqualTo("Neon Health | Founding Sr Backend Engineer | SF, Remote (North America) | Full-time | $170-225K + equity");
        assertThat(neon.url()).isEqualTo("https://news.ycombinator.com/item?id=44159535");
        assertThat(neon.published()).isEqualTo(Instant.parse("2025-06-02T15:01:40Z"));
        assertThat(neon.body()).contains("https://neonhealth.com").contains("mission-driven capitalists").doesNotContain("<p>");
        assertThat(neon.attributes().get("tags")).isEqualTo("comment, author_stedman, story_44159528");
    }

    @Test
    void remoteOkStyleArraySkipsItsLegalNoticeAndMapsEveryField() throws Exception {
        server.serve("/api", Response.bytes(WebSources.resource("api/remoteok-style.json"), "application/json"));

        List<RawLead> leads = read(config(server.uri("/api"), "", REMOTEOK, null, null), web.context("remoteok"));

        assertThat(leads).hasSize(25);
        RawLead first = leads.getFirst();
        assertThat(first.title()).isEqualTo("Senior Backend Engineer");
        assertThat(first.company()).isEqualTo("Railway");
        assertThat(first.location()).isEqualTo("Worldwide");
        assertThat(first.compensation()).isEqualTo("$100000 - $150000");
        assertThat(first.published()).isEqualTo(Instant.parse("2026-01-05T08:00:00Z"));
        assertThat(first.body()).isEqualTo("Railway is hiring a Senior Backend Engineer to work on our platform.\n\nFully remote.");
        assertThat(first.attributes()).containsEntry("tags", "dev, engineer, python");
        assertThat(leads.get(4).location()).isNull();
    }

    @Test
    void aMissingItemsPointerIsAShapeMismatchNamingWhatIsThere() {
        server.serve("/api", Response.bytes(WebSources.resource("api/hn-algolia-page0.json"), "application/json"));

        assertThatThrownBy(() -> read(config(server.uri("/api"), "/results", HN, null, null), web.context("hn")))
                .isInstanceOf(FlywheelException.class)
                .hasMessageContaining("items: nothing at JSON Pointer '/results' in the response; it has keys [exhaustive, exhaustiveNbHits")
                .hasMessageContaining(server.uri("/api").toString());
    }

    @Test
    void itemsPointerAtAnObjectIsAShapeMismatch() {
        server.serve("/api", Response.bytes(WebSources.resource("api/hn-algolia-page0.json"), "application/json"));

        assertThatThrownBy(() -> read(config(server.uri("/api"), "/exhaustive", HN, null, null), web.context("hn")))
                .hasMessageContaining("items: '/exhaustive' is an object, not an array with keys [nbHits, typo]");
    }

    @Test
    void aTitlePointerMatchingNoItemIsAShapeMismatch() {
        server.serve("/api", Response.bytes(WebSources.resource("api/remoteok-style.json"), "application/json"));
        var wrong = new JsonSourceFactory.Fields("/title", "/url", null, null, null, null, null, null);

        assertThatThrownBy(() -> read(config(server.uri("/api"), "", wrong, null, null), web.context("remoteok")))
                .hasMessageContaining("fields.title: none of the 26 items has text at '/title'; an item has keys [slug, id, epoch, date, company");
    }

    @Test
    void htmlWhereJsonWasExpectedIsReportedClearly() {
        server.serve("/api", Response.ok("<!DOCTYPE html><html><body>Rate limited</body></html>", "text/html"));

        assertThatThrownBy(() -> read(config(server.uri("/api"), "/hits", HN, null, null), web.context("hn")))
                .isInstanceOf(FlywheelException.class)
                .hasMessageContaining("not valid JSON")
                .hasMessageContaining("the server sent text/html starting '<!DOCTYPE html>");
    }

    @Test
    void fieldsMustBePointersOrTemplates() {
        assertThatThrownBy(() -> new JsonSourceFactory.Fields("title", null, null, null, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fields.title: 'title' is neither a JSON Pointer (like /title)");
        assertThatThrownBy(() -> new JsonSourceFactory.Config(URI.create("https://x.org"), null, "hits", HN, Map.of(), null, null, null, null, null, null, null))
                .hasMessageContaining("items: 'hits' is not a JSON Pointer; write /hits");
    }
}
