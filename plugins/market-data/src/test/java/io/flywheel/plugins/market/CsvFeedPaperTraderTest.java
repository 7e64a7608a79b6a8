package io.flywheel.plugins.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.market.Bar;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.trading.Backtester;
import io.flywheel.engine.trading.HedgeRule;
import io.flywheel.engine.trading.PaperTrader;
import io.flywheel.engine.trading.TradingBook;
import io.flywheel.testkit.ManualClock;
import io.flywheel.testkit.PriceFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's paper trader on real CSV feeds: files that grow, one written later than the other. */
class CsvFeedPaperTraderTest {
    private static final List<Bar> ETH = PriceFixtures.ethDaily().subList(0, 300);
    private static final List<Bar> BTC = ETH.stream()
            .map(b -> new Bar("BTC-USD", b.time(), b.open() * 20, b.high() * 20, b.low() * 20, b.close() * 20, b.volume())).toList();

    @TempDir
    Path dir;

    private static void write(Path file, List<Bar> bars, int rows) throws IOException {
        StringBuilder b = new StringBuilder("time,open,high,low,close,volume\n");
        for (Bar x : bars.subList(0, rows)) {
            b.append(x.time()).append(',').append(x.open()).append(',').append(x.high()).append(',').append(x.low()).append(',').append(x.close())
                    .append(',').append(x.volume()).append('\n');
        }
        Files.writeString(file, b);
    }

    private PaperTrader trader(ManualClock clock, MapDbStore store) {
        var config = new CsvFeedFactory.Config(null, Map.of("ETH-USD", dir.resolve("eth.csv"), "BTC-USD", dir.resolve("btc.csv")), null, null, null, null,
                null, null, Duration.ofDays(1), null, null, null);
        var specs = List.of(new PaperTrader.Spec("hold-eth", "crypto", "ETH-USD", () -> h -> 1.0),
                new PaperTrader.Spec("hold-btc", "crypto", "BTC-USD", () -> h -> 1.0));
        var setup = new PaperTrader.Setup(specs, Map.of("crypto", new CsvFeed(config, w -> {})),
                new TradingBook.Settings(10_000, Duration.ofDays(7), 0.02, ETH.get(150).time()), new Backtester.Costs(10, 5), new HedgeRule(10),
                () -> "java:hedge", List.of("console"), dir.resolve("trading"));
        return new PaperTrader(setup, store, store, store, clock);
    }

    @Test
    void aSymbolWhoseFileIsWrittenLaterLosesNoBarsAndARestartRebuildsTheSameBook() throws IOException {
        Path eth = dir.resolve("eth.csv");
        Path btc = dir.resolve("btc.csv");
        write(eth, ETH, 200);
        write(btc, BTC, 200);
        ManualClock clock = new ManualClock(ETH.get(200).time());
        try (MapDbStore store = MapDbStore.open(dir.resolve("flywheel.db"))) {
            PaperTrader live = trader(clock, store);
            live.poll(null);
            write(eth, ETH, 202); // the ETH file is two rows ahead when a poll comes
            clock.advance(Duration.ofDays(2));
            live.poll(null);
            write(btc, BTC, 202);
            clock.advance(Duration.ofHours(1));
            live.poll(null);
            write(eth, ETH, 203);
            write(btc, BTC, 203);
            clock.advance(Duration.ofDays(1));
            live.poll(null);
            live.poll(null);

            assertThat(live.book().barCount()).as("every row of both files, each once").isEqualTo(406);
            assertThat(live.book().lastTime()).isEqualTo(ETH.get(202).time());
            List<String> journal = Files.readAllLines(dir.resolve("trading/fills.csv"));
            assertThat(journal).doesNotHaveDuplicates();

            PaperTrader restarted = trader(clock, store);
            restarted.poll(null);
            assertThat(restarted.book().barCount()).isEqualTo(406);
            assertThat(restarted.book().equities()).isEqualTo(live.book().equities());
            assertThat(restarted.book().holdings()).isEqualTo(live.book().holdings());
            assertThat(restarted.book().weights()).isEqualTo(live.book().weights());
            assertThat(Files.readAllLines(dir.resolve("trading/fills.csv"))).as("the restart reports nothing twice").isEqualTo(journal);
        }
    }
}
