package io.flywheel.engine.trading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flywheel.api.market.Bar;
import io.flywheel.engine.rules.StrategyWeightRule;
import io.flywheel.testkit.PriceFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BacktesterTest {
    private static final StrategyWeightRule KEEP = (r, current) -> current;

    @Test
    void theSameMoneyOnTwoIdenticalSymbolsHasTheSameSharpeAsOnOne() {
        List<Bar> eth = PriceFixtures.ethDaily().subList(0, 700);
        List<Bar> copy = eth.stream().map(b -> new Bar("ETH-COPY", b.time(), b.open(), b.high(), b.low(), b.close(), b.volume())).toList();
        List<Bar> both = new ArrayList<>(eth);
        both.addAll(copy);
        both.sort(Comparator.comparing(Bar::time));
        Backtester bt = new Backtester(new Backtester.Costs(0, 0));
        TradingBook.Settings s = new TradingBook.Settings(10_000, Duration.ofDays(7), 0, eth.get(100).time());

        BacktestResult one = bt.run("one", eth, List.of(new Backtester.Entry("h1", "ETH-USD", () -> h -> 1.0),
                new Backtester.Entry("h2", "ETH-USD", () -> h -> 1.0)), s, null, KEEP, Map.of(), Backtester.Progress.NONE);
        BacktestResult two = bt.run("two", both, List.of(new Backtester.Entry("h1", "ETH-USD", () -> h -> 1.0),
                new Backtester.Entry("h2", "ETH-COPY", () -> h -> 1.0)), s, null, KEEP, Map.of(), Backtester.Progress.NONE);

        assertThat(two.metrics().totalReturn()).isCloseTo(one.metrics().totalReturn(), within(1e-9));
        assertThat(two.metrics().sharpe()).isCloseTo(one.metrics().sharpe(), within(1e-9));
        assertThat(two.metrics().sortino()).isCloseTo(one.metrics().sortino(), within(1e-9));
        assertThat(two.metrics().maxDrawdown()).isCloseTo(one.metrics().maxDrawdown(), within(1e-9));
        assertThat(two.times()).hasSize(600).doesNotHaveDuplicates();
        assertThat(two.equity()).hasSize(600);
        assertThat(two.strategyEquity().get("h2")).hasSize(600);
    }
}
