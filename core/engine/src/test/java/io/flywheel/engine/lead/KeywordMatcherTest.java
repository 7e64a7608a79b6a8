package io.flywheel.engine.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeywordMatcherTest {
    private final KeywordMatcher matcher = new KeywordMatcher(List.of("Java", "c++", "node.js", "machine learning", "go", "ai"));

    @Test
    void matchesWholeWordsCaseInsensitively() {
        assertThat(matcher.match("Senior JAVA Engineer")).containsExactly("java");
        assertThat(matcher.match("JavaScript developer")).isEmpty();
        assertThat(matcher.match("Go / C++ / Node.js")).containsExactly("c++", "node.js", "go");
        assertThat(matcher.match("Machine  learning")).isEmpty();
        assertThat(matcher.match("machine learning (ML)")).containsExactly("machine learning");
        assertThat(matcher.match("We are going to train AI models")).containsExactly("ai");
        assertThat(matcher.match("")).isEmpty();
        assertThat(matcher.match(null)).isEmpty();
    }
}
