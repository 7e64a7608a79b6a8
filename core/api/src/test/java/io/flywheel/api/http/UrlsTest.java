package io.flywheel.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UrlsTest {
    @Test
    void charactersBrowsersLeaveUnescapedArePercentEncoded() {
        URI u = Urls.parse("https://jobs.example/search?sort=date|desc&f={\"remote\":true}&q=a b^c`d\\e<f>#top#x");

        assertThat(u).isEqualTo(URI.create("https://jobs.example/search?sort=date%7Cdesc&f=%7B%22remote%22:true%7D&q=a%20b%5Ec%60d%5Ce%3Cf%3E#top%23x"));
        assertThat(u.getQuery()).isEqualTo("sort=date|desc&f={\"remote\":true}&q=a b^c`d\\e<f>");
        assertThat(Urls.parse("https://jobs.example/zürich")).isEqualTo(URI.create("https://jobs.example/z%C3%BCrich"));
    }

    @Test
    void aLegalUrlIsUnchangedAndWhatIsNoUrlEvenEscapedIsNull() {
        assertThat(Urls.parse(" https://jobs.example/a?b=%7C&c=d#e ")).isEqualTo(URI.create("https://jobs.example/a?b=%7C&c=d#e"));
        assertThat(Urls.parse("http://[::1")).isNull();
        assertThat(Urls.parse("  ")).isNull();
        assertThat(Urls.parse(null)).isNull();
    }
}
