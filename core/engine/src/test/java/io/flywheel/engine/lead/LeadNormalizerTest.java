package io.flywheel.engine.lead;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.lead.RawLead;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeadNormalizerTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private final LeadNormalizer normalizer = new LeadNormalizer(new UrlCanonicalizer(), new KeywordMatcher(List.of("rust", "remote")));

    private Lead lead(String title, String url, String company, String platform) {
        return normalizer.normalize(new RawLead(title, url, null, company, null, null, null, platform, Map.of()), "src", "default", NOW).orElseThrow();
    }

    @Test
    void keyIsTheCanonicalUrlWhenThereIsOne() {
        assertThat(lead("Rust dev", "http://Example.org/jobs/1?utm_source=x", null, null).key()).isEqualTo("https://example.org/jobs/1");
    }

    @Test
    void withoutAUrlTheKeyIsAFingerprintOfTitleCompanyAndPlatform() {
        Lead a = lead("Senior Rust Engineer (Remote)", null, "Acme, Inc.", "hn");
        assertThat(a.key()).startsWith("fp:").hasSize(3 + 32);
        // Case, accents, punctuation and spacing do not change the fingerprint...
        assertThat(lead("  senior   RUST engineer – remote ", "not a url", "ACME Inc", "HN").key()).isEqualTo(a.key());
        assertThat(lead("Sénior Rust Engineer, Remote", null, "acme inc", "hn").key()).isEqualTo(a.key());
        // ...the words, the company and the platform do.
        assertThat(lead("Senior Rust Engineer (Onsite)", null, "Acme, Inc.", "hn").key()).isNotEqualTo(a.key());
        assertThat(lead("Senior Rust Engineer (Remote)", null, "Other Corp", "hn").key()).isNotEqualTo(a.key());
        assertThat(lead("Senior Rust Engineer (Remote)", null, "Acme, Inc.", "reddit").key()).isNotEqualTo(a.key());
    }

    @Test
    void matchesKeywordsAsWholeWordsInTitleAndBody() {
        Lead l = normalizer.normalize(RawLead.of("Rustacean wanted", "https://x.org/1").withBody("Fully REMOTE role writing Rust."), "s", "p", NOW)
                .orElseThrow();
        assertThat(l.keywords()).containsExactly("rust", "remote"); // from the body: "Rustacean" is not the word rust
    }

    @Test
    void rejectsAPostingWithoutATitle() {
        assertThat(normalizer.normalize(RawLead.of("  \u0007 ", "https://x.org/1"), "s", "p", NOW)).isEmpty();
    }
}
