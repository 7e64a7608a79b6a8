package io.flywheel.engine.trading;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.trading.Fill;
import io.flywheel.api.trading.Order;
import java.time.Instant;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BacktestReportTest {
    /** The journal's line as it was written before only its numbers went through the Formatter: journals stay byte for byte the same. */
    private static String asBefore(Fill f) {
        return String.format(Locale.ROOT, "%s,%s,%s,%.10g,%.10g,%.6f,%s,%s%n", f.time(), f.order().account(), f.order().symbol(), f.quantity(), f.price(), f.fee(),
                f.order().reason(), f.order().placedAt());
    }

    @Test
    void aFillLineIsTheOneThePatternGives() {
        Random r = new Random(5);
        Instant t = Instant.parse("2024-03-01T04:00:00Z");
        for (int i = 0; i < 2_000; i++) {
            double q = (r.nextBoolean() ? -1 : 1) * Math.pow(10, r.nextInt(12) - 6) * (0.5 + r.nextDouble());
            double price = Math.pow(10, r.nextInt(8) - 2) * (1 + r.nextDouble());
            Order o = new Order("strategy-" + i % 3, i % 2 == 0 ? "BTC-USD" : "SPY", q, t.minusSeconds(14_400), i % 5 == 0 ? "exit" : "rebalance");
            Fill f = new Fill(o, t.plusNanos(i % 7 == 0 ? 1_500_000 : 0), price, Math.abs(q * price) * 0.001);
            assertThat(BacktestReport.fill(f)).isEqualTo(asBefore(f));
        }
        Fill feeless = new Fill(new Order("a", "X", 1e-12, t, "entry"), t, 1e9, 0.0);
        assertThat(BacktestReport.fill(feeless)).isEqualTo(asBefore(feeless));
    }
}
