package io.flywheel.plugins.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.plugins.listing.Pagination;
import io.flywheel.plugins.listing.Select;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keys the rss, json and html sources share, read one way by all three (SourceKeys, SourceUrls). */
class SourceKeysTest {
    private static final URI A = URI.create("https://example.org/a");
    private static final URI B = URI.create("https://example.org/b");

    @Test
    void urlThenUrlsRobotsOnByDefaultAndNoLimitByDefault() {
        var rss = new RssSourceFactory.Config(A, List.of(B), null, null);
        var json = new JsonSourceFactory.Config(A, List.of(B), "/hits", JsonSourceTest.HN, null, 3, 0, null, null, null, false, 5);
        var html = new HtmlSourceFactory.Config(null, List.of(A, B), HtmlSourceTest.CARDS, null, 2, null, 10, null, null);
        assertThat(rss.all()).containsExactly(A, B);
        assertThat(json.all()).containsExactly(A, B);
        assertThat(html.all()).containsExactly(A, B);
        assertThat(rss.robots()).isTrue();
        assertThat(json.robots()).isFalse();
        assertThat(rss.limit()).isEqualTo(Integer.MAX_VALUE);
        assertThat(json.limit()).isEqualTo(5);
        assertThat(json.pagination()).isEqualTo(new Pagination(3, 0, 1));
        assertThat(html.pagination()).isEqualTo(new Pagination(2, 1, 10));
    }

    @Test
    void eachSourceNamesTheKeyAndTheValueItRejects() {
        assertThatThrownBy(() -> new RssSourceFactory.Config(null, List.of(), null, null)).hasMessage("set url (or urls) to the feed address");
        assertThatThrownBy(() -> new JsonSourceFactory.Config(null, null, null, JsonSourceTest.HN, null, null, null, null, null, null, null, null))
                .hasMessage("set url (or urls) to the API address");
        assertThatThrownBy(() -> new HtmlSourceFactory.Config(null, null, HtmlSourceTest.CARDS, null, null, null, null, null, null))
                .hasMessage("set url (or urls) to the listing page");
        assertThatThrownBy(() -> new RssSourceFactory.Config(A, null, null, 0)).hasMessage("limit: must be positive, found 0");
        assertThatThrownBy(() -> new JsonSourceFactory.Config(A, null, null, JsonSourceTest.HN, null, null, null, null, null, null, null, -2))
                .hasMessage("limit: must be positive, found -2");
        assertThatThrownBy(() -> new HtmlSourceFactory.Config(A, null, HtmlSourceTest.CARDS, null, 0, null, null, null, null))
                .hasMessage("pages: must be at least 1, found 0");
        assertThatThrownBy(() -> new HtmlSourceFactory.Config(A, null, null, null, null, null, null, null, null))
                .hasMessage("missing required key 'select' (item, title, link, ... selectors)");
    }

    @Test
    void anHtmlItemThatIsNoCssSelectorIsRejectedWhenTheConfigIsBoundNotWhenTheSourceIsMade() {
        // '@data-id' is an attribute of the item element: fine for a field, no selector for the item itself
        Select attributeOnly = new Select("@data-id", "h2", null, null, null, null, null, null, null, null);
        assertThatThrownBy(() -> new HtmlSourceFactory.Config(A, null, attributeOnly, null, null, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("select.item: must be a CSS selector, found '@data-id'");
    }
}
