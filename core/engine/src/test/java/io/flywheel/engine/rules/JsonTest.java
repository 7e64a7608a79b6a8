package io.flywheel.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A rule's inputs are the same text whatever order the maps behind them iterate in (Map.copyOf's changes per JVM). */
class JsonTest {
    @Test
    void weightsAndReturnsAreWrittenInNameOrder() {
        Map<String, Double> weights = new LinkedHashMap<>();
        weights.put("rust", 1.0);
        weights.put("go", 2.0);
        weights.put("java", 3.0);
        assertThat(Json.weights(weights)).isEqualTo("{\"go\":2.0,\"java\":3.0,\"rust\":1.0}");

        Map<String, List<Double>> returns = new LinkedHashMap<>();
        returns.put("sma", List.of(0.01));
        returns.put("hold", List.of(-0.02));
        assertThat(Json.returns(returns)).isEqualTo("{\"hold\":[-0.02],\"sma\":[0.01]}");
    }

    @Test
    void keywordStatsAreWrittenInNameOrder() {
        Map<String, List<KeywordStats.Counts>> per = new LinkedHashMap<>();
        per.put("rust", List.of(KeywordStats.Counts.NONE));
        per.put("go", List.of(KeywordStats.Counts.NONE));
        String json = new KeywordStats(Instant.parse("2026-01-01T00:00:00Z"), Duration.ofDays(1), 1, per, 3).json();
        assertThat(json.indexOf("\"go\"")).isPositive().isLessThan(json.indexOf("\"rust\""));
    }
}
