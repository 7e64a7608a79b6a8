package io.flywheel.api.market;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarketFeedTest {
    private static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");

    private static Bar bar(String symbol, int day) {
        return new Bar(symbol, T0.plusSeconds(86_400L * day), 10, 11, 9, 10.5, 100);
    }

    /** A feed that can only fetch from one instant: the default per-symbol fetch asks from the oldest and drops what each symbol has. */
    @Test
    void theDefaultFetchesFromTheOldestAndKeepsEachSymbolsNewBarsOnly() throws Exception {
        List<Bar> all = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            all.add(bar("BTC", d));
            if (d < 4) {
                all.add(bar("OLD", d));
            }
            if (d >= 6) {
                all.add(bar("NEW", d));
            }
        }
        List<Instant> asked = new ArrayList<>();
        MarketFeed feed = since -> {
            asked.add(since);
            return all.stream().filter(b -> since == null || b.time().isAfter(since)).toList();
        };

        List<Bar> bars = feed.fetch(Map.of("BTC", bar("BTC", 7).time(), "OLD", bar("OLD", 3).time()), bar("OLD", 3).time());

        assertThat(asked).containsExactly(bar("OLD", 3).time());
        assertThat(bars).containsExactly(bar("NEW", 6), bar("NEW", 7), bar("BTC", 8), bar("NEW", 8), bar("BTC", 9), bar("NEW", 9));
        assertThat(feed.fetch(Map.of("BTC", bar("BTC", 7).time()), null)).as("others null: every bar of a symbol not in the map")
                .containsExactly(bar("OLD", 0), bar("OLD", 1), bar("OLD", 2), bar("OLD", 3), bar("NEW", 6), bar("NEW", 7), bar("BTC", 8), bar("NEW", 8),
                        bar("BTC", 9), bar("NEW", 9));
        assertThat(asked).last().isNull();
    }
}
