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
    void patternsAndPathsArePercentEncodingNormalised() {
        RobotsTxt r = RobotsTxt.parse("User-agent: *\nDisallow: /café\nDisallow: /a%3cd\nDisallow: /x/~y\nDisallow: /%7Ez\n");
        assertThat(r.allows("x", "/caf%C3%A9/jobs")).isFalse();
        assertThat(r.allows("x", "/caf%c3%a9/jobs")).isFalse();
        assertThat(r.allows("x", "/café/jobs")).isFalse();
        assertThat(r.allows("x", "/a%3Cd")).isFalse();
        assertThat(r.allows("x", "/x/%7Ey")).isFalse();
        assertThat(r.allows("x", "/~z/1")).isFalse();
        assertThat(r.allows("x", "/cafe/jobs")).isTrue();
        assertThat(r.allows("x", "/a%3Ed")).isTrue();
    }

    @Test
    void normalisationEncodesNonAsciiUpperCasesHexAndDecodesOnlyUnreserved() {
        assertThat(RobotsTxt.normalize("/café")).isEqualTo("/caf%C3%A9");
        assertThat(RobotsTxt.normalize("/a%3cd%2f%41%7e")).isEqualTo("/a%3Cd%2FA~");
        assertThat(RobotsTxt.normalize("/100%/x%z")).isEqualTo("/100%/x%z");
        assertThat(RobotsTxt.normalize("/*.pdf$")).isEqualTo("/*.pdf$");
    }

    @Test
    void wildcardMatchingStaysPolynomialOnPathologicalPatterns() {
        String path = "/" + "a".repeat(100);
        long[] steps = {0};
        assertThat(RobotsTxt.matches("/*a*a*a*a*a*b", path, steps)).isFalse();
        assertThat(steps[0]).isLessThanOrEqualTo(14L * 101);

        String many = "/" + "*a".repeat(40) + "*b";
        String longPath = "/" + "a".repeat(5_000);
        long[] more = {0};
        assertThat(RobotsTxt.matches(many, longPath, more)).isFalse();
        assertThat(more[0]).isLessThanOrEqualTo((long) (many.length() + 1) * (longPath.length() + 1));
        assertThat(RobotsTxt.matches(many, longPath + "b", new long[1])).isTrue();
        assertThat(RobotsTxt.parse("User-agent: *\nDisallow: " + many + "\n").allows("x", longPath + "b?q=1")).isFalse();
    }

    @Test
    void matcherAgreesOnAnchorsAndStars() {
        assertThat(RobotsTxt.matches("/a*b$", "/axxb")).isTrue();
        assertThat(RobotsTxt.matches("/a*b$", "/axxbc")).isFalse();
        assertThat(RobotsTxt.matches("/a*b", "/axxbc")).isTrue();
        assertThat(RobotsTxt.matches("/a*b*c$", "/abcbc")).isTrue();
        assertThat(RobotsTxt.matches("/$", "/")).isTrue();
        assertThat(RobotsTxt.matches("/$", "/x")).isFalse();
        assertThat(RobotsTxt.matches("*", "/x")).isTrue();
        assertThat(RobotsTxt.matches("/x**y$", "/xy")).isTrue();
        assertThat(RobotsTxt.matches("/abc", "/ab")).isFalse();
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
