package io.flywheel.engine.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.engine.trading.PaperTrader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strategy table of {@code flywheel status} and {@code /strategies}. */
class StrategyTableTest {
    @Test
    void aLongStrategyIdIsCutWithAnEllipsisAndTheColumnsStay() {
        Instant t = Instant.parse("2026-03-01T00:00:00Z");
        String longId = "a-very-long-strategy-id-indeed";
        PaperTrader.Snapshot s = new PaperTrader.Snapshot(t, t, 10_000, 10_000, Map.of("sma-cross", 5_000.0, longId, 5_000.0),
                Map.of("sma-cross", 0.5, longId, 0.5), List.of());
        assertThat(TradingStatusFile.StrategyTable.rows(s, List.of("sma-cross", longId), null)).containsExactly(
                "strategy                   equity   weight",
                "sma-cross                 5000.00    50.0%",
                "a-very-long-strateg…      5000.00    50.0%");
    }
}
