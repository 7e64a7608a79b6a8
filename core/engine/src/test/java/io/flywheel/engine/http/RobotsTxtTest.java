package io.flywheel.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RobotsTxtTest {

    @Test
    void longestMatchWinsAndAllowWinsATie() {
        RobotsTxt r = RobotsTxt.parse("""
                User-agent: *
                Disallow: /jobs
                Allow: /jobs/public
                Disallow: /page
                Allow: /page
                """);
        assertThat(r.allows("flywheel", "/jobs/123")).isFalse();
        assertThat(r.allows("flywheel", "/jobs/public/1")).isTrue();
        assertThat(r.allows("flywheel", "/page")).isTrue();
        assertThat(r.allows("flywheel", "/about")).isTrue();
    }

    @Test
    void wildcardsAndEndAnchors() {
        RobotsTxt r = RobotsTxt.parse("User-agent: *\nDisallow: /*.pdf$\nDisallow: /search*q=\n");
        assertThat(r.allows("x", "/files/cv.pdf")).isFalse();
        assertThat(r.allows("x", "/files/cv.pdf?download=1")).isTrue();
        assertThat(r.allows("x", "/search?page=2&q=java")).isFalse();
        assertThat(r.allows("x", "/search?page=2")).isTrue();
    }

    @Test
    void groupsForOurTokenAreMergedAndReplaceTheStarGroup() {
        RobotsTxt r = RobotsTxt.parse("""
                # comment
                User-agent: *
                Disallow: /

                User-agent: Flywheel/2.0
                User-agent: other
                Disallow: /private
                Crawl-delay: 2.5

                User-agent: flywheel
                Disallow: /tmp
                """);
        assertThat(r.allows("flywheel", "/jobs")).isTrue();
        assertThat(r.allows("flywheel", "/private/x")).isFalse();
        assertThat(r.allows("flywheel", "/tmp/x")).isFalse();
        assertThat(r.allows("somebot", "/jobs")).isFalse();
        assertThat(r.crawlDelay("flywheel")).contains(Duration.ofMillis(2500));
        assertThat(r.allows("somebot", "/robots.txt")).isTrue();
    }

    @Test
    void emptyDisallowAndGarbageAllowEverything() {
        assertThat(RobotsTxt.parse("User-agent: *\nDisallow:\n").allows("x", "/a")).isTrue();
        assertThat(RobotsTxt.parse("<html><body>not robots</body></html>").allows("x", "/a")).isTrue();
        assertThat(RobotsTxt.parse("").allows("x", "/a")).isTrue();
    }

    @Test
    void productTokenIsTheUserAgentsFirstWord() {
        assertThat(RobotsPolicy.productToken("Flywheel/0.1 (lead finder; contact: ops@example.org)")).isEqualTo("flywheel");
        assertThat(RobotsPolicy.productToken("MyBot")).isEqualTo("mybot");
    }
}
