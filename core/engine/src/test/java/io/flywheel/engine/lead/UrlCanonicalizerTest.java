package io.flywheel.engine.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UrlCanonicalizerTest {
    private final UrlCanonicalizer canonicalizer = new UrlCanonicalizer(Set.of("src"));

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://news.ycombinator.com/item?id=44159535 | https://news.ycombinator.com/item?id=44159535",
        "http://News.YCombinator.com/item?id=44159535#comments | https://news.ycombinator.com/item?id=44159535",
        "https://news.ycombinator.com/item?utm_source=digest&id=44159535&utm_medium=rss | https://news.ycombinator.com/item?id=44159535",
        "https://remoteok.com/remote-jobs/123/ | https://remoteok.com/remote-jobs/123",
        "https://www.upwork.com/jobs/~0123?b=2&a=1&fbclid=XYZ&gclid=1&ref=feed&source=rss | https://www.upwork.com/jobs/~0123?a=1&b=2",
        "https://example.org:443/a | https://example.org/a",
        "http://example.org:80/a | https://example.org/a",
        "https://example.org:8443/a | https://example.org:8443/a",
        "https://example.org/a?src=newsletter&q=java | https://example.org/a?q=java",
        "https://EXAMPLE.org./Path/Case | https://example.org/Path/Case",
        "https://example.org | https://example.org",
        "https://example.org/?utm_campaign=x | https://example.org"
    })
    void mapsSpellingsOfOnePostingToOneKey(String url, String canonical) {
        assertThat(canonicalizer.canonicalize(url)).contains(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not a url", "/relative/path", "mailto:jobs@example.org", "ftp://example.org/x", "https://"})
    void refusesWhatIsNotAnAbsoluteWebUrl(String url) {
        assertThat(canonicalizer.canonicalize(url)).isEmpty();
    }
}
