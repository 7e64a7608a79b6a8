package io.flywheel.plugins.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.api.FlywheelException;
import io.flywheel.api.lead.RawLead;
import io.flywheel.api.lead.SourceQuery;
import io.flywheel.plugins.listing.Text;
import io.flywheel.testkit.LocalHttpServer;
import io.flywheel.testkit.LocalHttpServer.Response;
import io.flywheel.testkit.TestPluginContext;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RssSourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final WebSources web = new WebSources();
    private final LocalHttpServer server = LocalHttpServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private List<RawLead> read(URI url, TestPluginContext ctx) throws Exception {
        try (var source = new RssSourceFactory().create(new RssSourceFactory.Config(url, null, null, null), ctx)) {
            return source.fetch(new SourceQuery(ctx.topKeywords(5))).leads();
        }
    }

    private List<RawLead> read(URI url) throws Exception {
        return read(url, web.context("feed"));
    }

    static Stream<String> feeds() throws IOException {
        try (Stream<Path> files = Files.list(WebSources.resourcePath("feeds/rss-parser/input"))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> WebSources.class.getResource("/feeds/rss-parser/oracle/" + n.replaceAll("\\.[a-z]+$", ".json")) != null)
                    .sorted().toList().stream();
        }
    }

    /**
     * Every item rss-parser found with a title is found with the same title, link and date. Where
     * rss-parser garbled a non-UTF-8 feed (U+FFFD for each byte), the garbled characters must be
     * real letters here, decoded from the feed's declared encoding.
     */
    @ParameterizedTest
    @MethodSource("feeds")
    void matchesTheRssParserOracle(String feed) throws Exception {
        server.serve("/" + feed, Response.bytes(WebSources.resource("feeds/rss-parser/input/" + feed), "application/xml"));
        JsonNode oracle = JSON.readTree(WebSources.resource("feeds/rss-parser/oracle/" + feed.replaceAll("\\.[a-z]+$", ".json")));

        List<RawLead> leads = read(server.uri("/" + feed));

        List<String> problems = new ArrayList<>();
        int expected = 0;
        for (JsonNode item : oracle.get("items")) {
            String title = item.hasNonNull("title") ? Text.title(Text.fromHtml(item.get("title").asText())) : null;
            if (title == null) {
                continue;
            }
            expected++;
            // rss-parser wrote U+FFFD for each byte it could not decode: here it must be a real letter (or a no-break space, tidied)
            Pattern wanted = Pattern.compile(Pattern.quote(title).replace("\uFFFD", "\\E(?:[^\\x00-\\x7F\uFFFD]| )\\Q"));
            List<RawLead> titled = leads.stream().filter(l -> wanted.matcher(l.title()).matches()).toList();
            if (titled.isEmpty()) {
                problems.add("no lead titled '" + title + "'");
                continue;
            }
            String link = item.hasNonNull("link") && !item.get("link").asText().isBlank() ? item.get("link").asText().strip() : null;
            // several items may share a title: the one with the same link is the match
            RawLead match = titled.stream().filter(l -> link != null && sameLink(link, l.url())).findFirst().orElse(titled.getFirst());
            if (link != null && !sameLink(link, match.url())) {
                problems.add("'" + title + "': link " + match.url() + " instead of " + link);
            }
            if (item.hasNonNull("isoDate")) {
                Instant date = Instant.parse(item.get("isoDate").asText());
                if (!date.equals(match.published())) {
                    problems.add("'" + title + "': date " + match.published() + " instead of " + date);
                }
            }
        }
        assertThat(problems).as(feed).isEmpty();
        assertThat(leads.size()).as(feed).isGreaterThanOrEqualTo(expected);
    }

    /** rss-parser leaves relative links relative; here they are resolved against the feed's site. */
    private static boolean sameLink(String oracle, String ours) {
        if (ours == null) {
            return false;
        }
        return oracle.startsWith("/") ? ours.startsWith("http") && ours.endsWith(oracle) : oracle.equals(ours);
    }

    @Test
    void relativeEntryLinksResolveAgainstTheFeedsSite() throws Exception {
        server.serve("/releases.atom", Response.bytes(WebSources.resource("feeds/rss-parser/input/gulp-atom.atom"), "application/atom+xml"));
        assertThat(read(server.uri("/releases.atom")).getFirst().url()).isEqualTo("https://github.com/gulpjs/gulp/releases/tag/v3.9.0");
    }

    @Test
    void readsAll730ItemsOfTheLargePodcastFeed() throws Exception {
        server.serve("/podcast", Response.bytes(WebSources.resource("feeds/rss-parser/input/giantbomb-podcast.rss"), "application/rss+xml"));
        assertThat(read(server.uri("/podcast"))).hasSize(730);
    }

    @Test
    void decodesTheDeclaredEncodingsOfRealFeeds() throws Exception {
        server.serve("/pt", Response.bytes(WebSources.resource("feeds/rss-parser/input/encoding.rss"), "text/xml"));
        assertThat(read(server.uri("/pt")).getFirst().title()).isEqualTo("Mãe de utente é a nova presidente da Raríssimas");
    }

    @Test
    void feedServedWithTheWrongCharsetIsRepaired() throws Exception {
        // ISO-8859-1 bytes (as the prolog says) but the server claims UTF-8
        server.serve("/pt", Response.bytes(WebSources.resource("feeds/rss-parser/input/encoding.rss"), "application/rss+xml; charset=utf-8"));
        assertThat(read(server.uri("/pt")).getFirst().title()).isEqualTo("Mãe de utente é a nova presidente da Raríssimas");
    }

    @Test
    void aPageThatIsNotAFeedIsReportedWithItsRootElement() {
        server.serve("/moved", Response.bytes(WebSources.resource("feeds/rss-parser/input/unrecognized.rss"), "application/xml"));
        assertThatThrownBy(() -> read(server.uri("/moved")))
                .isInstanceOf(FlywheelException.class)
                .hasMessageContaining("not an RSS or Atom feed")
                .hasMessageContaining(server.uri("/moved").toString());
    }

    @Test
    void invalidXmlIsReportedWithLineAndColumn() {
        String feed = new String(WebSources.resource("feeds/rss-parser/input/heraldsun.rss"), StandardCharsets.UTF_8);
        server.serve("/cut", Response.ok(feed.substring(0, feed.length() / 2) + "<item><title>broken & unescaped</title>", "application/rss+xml"));
        assertThatThrownBy(() -> read(server.uri("/cut")))
                .isInstanceOf(FlywheelException.class)
                .hasMessageMatching("(?s)invalid XML at line \\d+, column \\d+: .*");
    }

    @Test
    void rss091WithADoctypeAndItemsWithOnlyADescription() throws Exception {
        server.serve("/old", Response.ok("""
                <?xml version="1.0" encoding="ISO-8859-1"?>
                <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
                <rss version="0.91"><channel><title>Old board</title><link>http://example.org/</link><description>d</description><language>en</language>
                <item><title>Perl &amp; Python hacker wanted</title><link>/jobs/1</link><description>Remote</description></item>
                <item><description>&lt;p&gt;Founding engineer, Berlin&lt;/p&gt;&lt;p&gt;Details inside&lt;/p&gt;</description></item>
                </channel></rss>
                """, "text/xml"));

        List<RawLead> leads = read(server.uri("/old"));

        assertThat(leads).extracting(RawLead::title).containsExactly("Perl & Python hacker wanted", "Founding engineer, Berlin");
        assertThat(leads.getFirst().url()).isEqualTo("http://example.org/jobs/1");   // against the channel link
    }

    @Test
    void searchFeedsAreReadOncePerFocusKeyword() throws Exception {
        server.serve("/search", Response.bytes(WebSources.resource("feeds/rss-parser/input/heraldsun.rss"), "application/rss+xml"));
        URI template = URI.create(server.uri("/search").toString() + "?q=%7Bkeyword%7D");

        read(template, web.context("feed", "remote", "c++"));

        assertThat(server.requests("/search")).extracting(LocalHttpServer.Request::query).containsExactly("q=remote", "q=c%2B%2B");
    }
}
