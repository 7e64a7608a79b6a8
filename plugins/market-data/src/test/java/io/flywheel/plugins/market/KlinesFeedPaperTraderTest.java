package io.flywheel.plugins.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.market.Bar;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.trading.Backtester;
import io.flywheel.engine.trading.HedgeRule;
import io.flywheel.engine.trading.PaperTrader;
import io.flywheel.engine.trading.TradingBook;
import io.flywheel.testkit.LocalHttpServer;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.PriceFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's paper trader on a real klines feed (served on 127.0.0.1), across a restart. */
class KlinesFeedPaperTraderTest {
    private static final Duration FOUR_HOURS = Duration.ofHours(4);
    private static final List<Bar> BTC = PriceFixtures.btc4h().subList(0, 1200);

    private final LocalHttpServer server = LocalHttpServer.start();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        server.close();
    }

    private PaperTrader trader(ManualClock clock, MapDbStore store) {
        // asked for everything, the feed serves the last 100 bars
        var config = new KlinesFeedFactory.Config(server.uri("/api/v3/klines"), List.of("BTCUSD"), FOUR_HOURS, null, 1000, 100, null, null, null);
        var specs = List.of(new PaperTrader.Spec("hold", "btc", "BTCUSD", () -> h -> 1.0),
                new PaperTrader.Spec("dip", "btc", "BTCUSD", () -> h -> h.size() > 3 && h.current().close() < h.bar(h.size() - 4).close() ? 0.5 : 0));
        var setup = new PaperTrader.Setup(specs, Map.of("btc", new KlinesFeed(config, new KlinesFeedTest.LoopbackFetcher(), clock, w -> {})),
                new TradingBook.Settings(10_000, Duration.ofDays(1), 0.02, null), new Backtester.Costs(10, 5), new HedgeRule(10), () -> "java:hedge",
                List.of("console"), dir.resolve("trading"));
        return new PaperTrader(setup, store, store, store, clock);
    }

    @Test
    void aRestartRebuildsTheBookItHadNotOneFromTheLastHistoryBars() {
        ManualClock clock = new ManualClock(BTC.get(600).time().plus(Duration.ofHours(1)));
        server.route("/api/v3/klines", KlinesFeedTest.klines(BTC, clock));
        try (MapDbStore store = MapDbStore.open(dir.resolve("flywheel.db"))) {
            PaperTrader live = trader(clock, store);
            live.poll(null);
            for (int i = 0; i < 400; i++) {
                clock.advance(FOUR_HOURS);
                live.poll("btc");
            }
            assertThat(live.book().barCount()).as("bars 501..999").isEqualTo(499);

            PaperTrader restarted = trader(clock, store);
            restarted.poll(null);

            assertThat(restarted.start()).isEqualTo(live.start());
            assertThat(restarted.book().barCount()).isEqualTo(499);
            assertThat(restarted.book().equities()).isEqualTo(live.book().equities());
            assertThat(restarted.book().weights()).isEqualTo(live.book().weights());
            assertThat(restarted.problems()).isEmpty();
        }
    }
}
