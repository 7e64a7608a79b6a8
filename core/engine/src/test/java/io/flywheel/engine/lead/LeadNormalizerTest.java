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
    @Test
    void cutsOverlongTextBetweenCharactersNeverInsideOne() {
        // The limit (500) falls inside a surrogate pair, then between a letter and its combining accent.
        String emoji = "b".repeat(499) + "\uD83D\uDE00" + "x";
        assertThat(normalizer.normalize(RawLead.of(emoji, "https://x.org/1"), "s", "p", NOW).orElseThrow().title()).isEqualTo("b".repeat(499));
        String accent = "c".repeat(499) + "e\u0301" + "x";
        assertThat(normalizer.normalize(RawLead.of(accent, "https://x.org/2"), "s", "p", NOW).orElseThrow().title()).isEqualTo("c".repeat(499));
        String fits = "d".repeat(498) + "\uD83D\uDE00" + "x";
        assertThat(normalizer.normalize(RawLead.of(fits, "https://x.org/3"), "s", "p", NOW).orElseThrow().title()).isEqualTo("d".repeat(498) + "\uD83D\uDE00");
        String zalgo = "e" + "\u0301".repeat(600); // one character longer than the limit: cut between code points, not to nothing
        assertThat(normalizer.normalize(RawLead.of(zalgo, "https://x.org/4"), "s", "p", NOW).orElseThrow().title()).hasSize(500);
    }

    @Test
    void stripsBidiEmbeddingOverrideAndIsolateControlsButKeepsTheMarks() {
        Lead l = normalizer.normalize(new RawLead("Evil \u202Egnirts \u2066x\u2069 \u202Ay\u202C", "https://x.org/1", "body \u202Dz", "Acme\u2067",
                "Berlin\u2068", "\u202B100k", null, null, Map.of()), "s", "p", NOW).orElseThrow();
        assertThat(l.title()).isEqualTo("Evil gnirts x y");
        assertThat(l.body()).isEqualTo("body z");
        assertThat(l.company()).isEqualTo("Acme");
        assertThat(l.location()).isEqualTo("Berlin");
        assertThat(l.compensation()).isEqualTo("100k");
        // Right-to-left text keeps its marks (they order neutral characters, they do not turn the rest of a line).
        assertThat(lead("\u05E9\u05DC\u05D5\u05DD\u200F Java\u200E", "https://x.org/2", null, null).title()).isEqualTo("\u05E9\u05DC\u05D5\u05DD\u200F Java\u200E");
        assertThat(normalizer.normalize(RawLead.of("\u202E\u2066 ", "https://x.org/3"), "s", "p", NOW)).isEmpty();
    }
}
