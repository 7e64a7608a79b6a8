package io.flywheel.engine.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UrlCanonicalizerTest {
    private final UrlCanonicalizer urls = new UrlCanonicalizer(List.of("campaign", "ITM_SOURCE"));

    // Real-world spellings of the same posting, each with the one canonical key it must give.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            http://news.ycombinator.com/item?id=46108947                                             | https://news.ycombinator.com/item?id=46108947
            HTTPS://News.YCombinator.com/item?id=46108947#46109000                                    | https://news.ycombinator.com/item?id=46108947
            https://news.ycombinator.com:443/item?id=46108947&utm_source=digest&utm_medium=email       | https://news.ycombinator.com/item?id=46108947
            https://www.linkedin.com/jobs/view/3961234567/?trk=public_jobs_topcard&refId=abc%3D%3D&trackingId=xyz | https://www.linkedin.com/jobs/view/3961234567
            https://boards.greenhouse.io/acme/jobs/4012345?gh_src=8f2a1c&utm_campaign=q3             | https://boards.greenhouse.io/acme/jobs/4012345
            https://jobs.lever.co/acme/0b1c2d3e-aaaa-bbbb-cccc-1234567890ab/?lever-source=LinkedIn      | https://jobs.lever.co/acme/0b1c2d3e-aaaa-bbbb-cccc-1234567890ab
            https://weworkremotely.com/remote-jobs/acme-senior-rust-engineer?ref=rss                    | https://weworkremotely.com/remote-jobs/acme-senior-rust-engineer
            https://remoteok.com/remote-jobs/123456-senior-backend-engineer-acme?fbclid=IwAR0xyz         | https://remoteok.com/remote-jobs/123456-senior-backend-engineer-acme
            https://www.upwork.com/freelance-jobs/apply/React-Developer_~01abc/?source=rss&gclid=Cj0K    | https://www.upwork.com/freelance-jobs/apply/React-Developer_~01abc
            https://example.org/jobs?b=2&a=1&UTM_Content=x                                              | https://example.org/jobs?a=1&b=2
            https://example.org/jobs/?                                                                  | https://example.org/jobs
            https://example.org/jobs//                                                                  | https://example.org/jobs
            https://example.org/a/./b/../jobs/42                                                        | https://example.org/a/jobs/42
            https://example.org/%7Ejobs/%4142?q=c%2b%2B                                                 | https://example.org/~jobs/A42?q=c%2B%2B
            https://Example.org.:80/jobs                                                                | https://example.org/jobs
            https://example.org:8443/jobs/42?campaign=spring                                            | https://example.org:8443/jobs/42
            https://example.org/jobs/42?itm_source=feed&id=7                                            | https://example.org/jobs/42?id=7
            https://example.org/jobs/senior engineer                                                    | https://example.org/jobs/senior%20engineer
            https://bücher.example/stellen/7                                                            | https://xn--bcher-kva.example/stellen/7
            """)
    void givesEverySpellingOfAPostingOneKey(String raw, String canonical) {
        assertThat(urls.canonicalize(raw)).contains(canonical.strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not a url", "mailto:jobs@example.org", "ftp://example.org/jobs", "/jobs/42", "https://", "javascript:alert(1)"})
    void refusesWhatIsNotAnAbsoluteWebUrl(String raw) {
        assertThat(urls.canonicalize(raw)).isEmpty();
    }

    @Test
    void keepsParametersThatSelectAPosting() {
        assertThat(urls.canonicalize("https://example.org/view?id=1&page=2&sort=new")).contains("https://example.org/view?id=1&page=2&sort=new");
        assertThat(urls.canonicalize("https://example.org/view?id=1")).isNotEqualTo(urls.canonicalize("https://example.org/view?id=2"));
    }

    @Test
    void configuredParametersAreDroppedOnlyWhenConfigured() {
        assertThat(new UrlCanonicalizer().canonicalize("https://example.org/j?campaign=x")).contains("https://example.org/j?campaign=x");
        assertThat(urls.canonicalize("https://example.org/j?campaign=x")).contains("https://example.org/j");
    }
}
