package io.flywheel.engine.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.market.Bar;
import io.flywheel.api.strategy.Strategy;
import io.flywheel.engine.learning.StrategySimulation.Options;
import io.flywheel.engine.learning.StrategySimulation.Report;
import io.flywheel.engine.learning.StrategySimulation.Row;
import io.flywheel.engine.learning.StrategySimulation.Series;
import io.flywheel.engine.learning.StrategySimulation.StrategySpec;
import io.flywheel.engine.rules.RuleKind;
import io.flywheel.engine.rules.RuleLimits;
import io.flywheel.engine.rules.RulesConfig;
import io.flywheel.testkit.PriceFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness itself, with plain Java strategies (the classic ones run through it in the strategies-classic plugin's tests). */
class StrategySimulationTest {
    /** The bundled {@code strategy-weights.js}. */
    static final RulesConfig BUNDLED = new RulesConfig(Map.of(), Map.of(), RuleLimits.DEFAULT, Duration.ofDays(1), 1, false, 100);

    private static final List<StrategySpec> TWO = List.of(new StrategySpec("hold", () -> h -> 1.0), new StrategySpec("cash", () -> h -> 0.0));

    @Test
    void runsAdaptiveEqualAndBestSingleThroughTheScriptAndDrawsAChart(@TempDir Path out) throws Exception {
        Series eth = new Series("ETH-USD 1d", PriceFixtures.ethDaily());
        Report r = StrategySimulation.run(List.of(eth), Options.defaults(TWO, BUNDLED).withOut(out));

        assertThat(r.series()).isEqualTo(1);
        assertThat(r.rule()).isEqualTo("bundled:strategy-weights.js");
        assertThat(r.eta()).isEqualTo(StrategySimulation.eta(Files.readString(Path.of("../../scripts/strategy-weights.js"))));
        Row row = r.rows().getFirst();
        assertThat(row.bestSingle().label()).isEqualTo("hold");
        assertThat(row.equal().totalReturn()).isBetween(0.0, row.bestSingle().totalReturn());
        // Regret is the log growth given up against the best strategy alone.
        assertThat(row.regret()).isCloseTo(Math.log1p(row.bestSingle().totalReturn()) - Math.log1p(row.adaptive().totalReturn()),
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(row.periods()).isBetween((3582 - 200) / 7, (3582 - 200) / 7 + 2);
        assertThat(row.width()).isPositive();
        // Hedge's bound is on the regret in the rule's reward, over the closed periods (all but the last, partial one).
        assertThat(row.bound()).isCloseTo(Math.log(2) / r.eta() + r.eta() * (row.periods() - 1) * row.width() * row.width() / 8,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(row.rewardRegret()).isLessThanOrEqualTo(row.bound());
        assertThat(row.withinBound()).isTrue();
        assertThat(r.sharpeWins()).isEqualTo(row.sharpeWin() ? 1 : 0);
        byte[] png = Files.readAllBytes(row.chart());
        assertThat(row.chart()).isEqualTo(out.resolve("strategies-eth-usd-1d.png"));
        assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        r.print(new PrintStream(text, true, StandardCharsets.UTF_8));
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("ETH-USD 1d", "adaptive", "equal", "best:hold", "on " + r.sharpeWins() + " of 1 series");
    }

    @Test
    void isDeterministic() {
        Series sp = new Series("S&P 500 1w", PriceFixtures.sp500Weekly().subList(0, 900));
        Options o = Options.defaults(TWO, BUNDLED);
        assertThat(StrategySimulation.run(List.of(sp), o).rows()).isEqualTo(StrategySimulation.run(List.of(sp), o).rows());
    }

    @Test
    void runsTheConfiguredScript(@TempDir Path dir) throws Exception {
        // A rule that always moves everything to cash: the adaptive book must end up earning like cash.
        Path script = dir.resolve("strategy-weights.js");
        Files.writeString(script, "const ETA = 2;\nfunction updateStrategyWeights(p, c) { return { hold: 0, cash: 1 }; }\n");
        RulesConfig rules = new RulesConfig(Map.of(RuleKind.STRATEGY_WEIGHTS, script), Map.of(RuleKind.STRATEGY_WEIGHTS, "strategy-weights.js"),
                RuleLimits.DEFAULT, Duration.ofDays(1), 1, false, 100);
        Options o = new Options(TWO, rules, new io.flywheel.engine.trading.Backtester.Costs(0, 0), Duration.ofDays(7), 0, 10, null);
        Report r = StrategySimulation.run(List.of(new Series("ETH-USD 1d", PriceFixtures.ethDaily().subList(0, 400))), o);

        assertThat(r.rule()).isEqualTo("strategy-weights.js");
        assertThat(r.eta()).isEqualTo(2);
        Row row = r.rows().getFirst();
        assertThat(row.bestSingle().label()).isEqualTo("hold");
        assertThat(row.bestSingle().totalReturn()).isGreaterThan(1);
        // Half in ETH for the first week only, then all in cash.
        assertThat(Math.abs(row.adaptive().totalReturn())).isLessThan(0.2);
        assertThat(row.adaptive().maxDrawdown()).isLessThan(row.equal().maxDrawdown());
        // No reward(): the reward is the raw log return. After the first week the ETH sub-account has
        // no capital, so its return in the book is 0 like cash's: the reward regret is the first week's
        // alone, the best of the two strategies' sums less the half of it the book held.
        List<Bar> bars = PriceFixtures.ethDaily().subList(0, 400);
        var alone = new io.flywheel.engine.trading.Backtester(new io.flywheel.engine.trading.Backtester.Costs(0, 0)).run("hold", bars,
                List.of(new io.flywheel.engine.trading.Backtester.Entry("hold", bars.getFirst().symbol(), o.strategies().getFirst().strategy())),
                new io.flywheel.engine.trading.TradingBook.Settings(10_000, Duration.ofDays(7), 0, bars.get(10).time()), null, (x, c) -> c, Map.of(),
                io.flywheel.engine.trading.Backtester.Progress.NONE);
        double firstWeek = Math.log1p(alone.periods().getFirst().returns().get("hold"));
        assertThat(firstWeek).isNotZero();
        assertThat(row.rewardRegret()).isCloseTo(Math.max(firstWeek, 0) - 0.5 * firstWeek, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void theRewardIsTheScriptsOwnRewardFunction(@TempDir Path dir) throws Exception {
        // The always-cash rule again, rewarding twice the log return: the reward regret is twice the raw one.
        Path script = dir.resolve("strategy-weights.js");
        Files.writeString(script, """
                const ETA = 2;
                const VOL_PERIODS = 3;
                function reward(returns, past) { let s = 0; for (const r of returns) s += 2 * Math.log(1 + r); return s; }
                function updateStrategyWeights(p, c) { return { hold: 0, cash: 1 }; }
                """);
        RulesConfig rules = new RulesConfig(Map.of(RuleKind.STRATEGY_WEIGHTS, script), Map.of(RuleKind.STRATEGY_WEIGHTS, "strategy-weights.js"),
                RuleLimits.DEFAULT, Duration.ofDays(1), 1, false, 100);
        Options o = new Options(TWO, rules, new io.flywheel.engine.trading.Backtester.Costs(0, 0), Duration.ofDays(7), 0, 10, null);
        List<Bar> bars = PriceFixtures.ethDaily().subList(0, 400);
        Row row = StrategySimulation.run(List.of(new Series("ETH-USD 1d", bars)), o).rows().getFirst();
        Row raw = StrategySimulation.run(List.of(new Series("ETH-USD 1d", bars)), o.withRules(new RulesConfig(Map.of(RuleKind.STRATEGY_WEIGHTS,
                Files.writeString(dir.resolve("raw.js"), "const ETA = 2;\nfunction updateStrategyWeights(p, c) { return { hold: 0, cash: 1 }; }\n")),
                Map.of(RuleKind.STRATEGY_WEIGHTS, "raw.js"), RuleLimits.DEFAULT, Duration.ofDays(1), 1, false, 100))).rows().getFirst();
        assertThat(raw.rewardRegret()).isNotZero();
        assertThat(row.rewardRegret()).isCloseTo(2 * raw.rewardRegret(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(row.width()).isCloseTo(2 * raw.width(), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void theReportSaysWhichRewardItMeasuresAndWarnsWhenAnOlderScalingScriptHasNoRewardFunction(@TempDir Path dir) throws Exception {
        // the shape of strategy-weights.js before reward(): scaling inline, constants declared; simulate used to read them
        Path legacy = Files.writeString(dir.resolve("strategy-weights.js"), """
                const ETA = 0.1;
                const VOL_PERIODS = 104;
                function updateStrategyWeights(p, c, h) { return c; }
                """);
        Path plain = Files.writeString(dir.resolve("plain.js"), "const ETA = 0.1;\nfunction updateStrategyWeights(p, c) { return c; }\n");
        Series eth = new Series("ETH-USD 1d", PriceFixtures.ethDaily().subList(0, 200));
        Options o = new Options(TWO, BUNDLED, new io.flywheel.engine.trading.Backtester.Costs(0, 0), Duration.ofDays(7), 0, 10, null);

        String bundled = printed(StrategySimulation.run(List.of(eth), o));
        assertThat(bundled).contains("reward: the script's own reward(returns, past), from bundled:strategy-weights.js").doesNotContain("raw log returns");
        String old = printed(StrategySimulation.run(List.of(eth), o.withRules(rules(legacy, "strategy-weights.js"))));
        assertThat(old).contains("reward: raw log returns (strategy-weights.js defines no reward(returns, past)); it declares VOL_PERIODS,")
                .contains("define reward(returns, past) as the bundled strategy-weights.js does").doesNotContain("scaled log returns)");
        String raw = printed(StrategySimulation.run(List.of(eth), o.withRules(rules(plain, "plain.js"))));
        assertThat(raw).contains("reward: raw log returns (plain.js defines no reward(returns, past))\n").doesNotContain("VOL_PERIODS");
    }

    private static RulesConfig rules(Path script, String name) {
        return new RulesConfig(Map.of(RuleKind.STRATEGY_WEIGHTS, script), Map.of(RuleKind.STRATEGY_WEIGHTS, name), RuleLimits.DEFAULT,
                Duration.ofDays(1), 1, false, 100);
    }

    private static String printed(Report r) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        r.print(new PrintStream(text, true, StandardCharsets.UTF_8));
        return text.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    @Test
    void aRewardThatIsNoNumberNamesTheScriptAndTheStrategy(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("strategy-weights.js"), """
                const ETA = 2;
                function reward(returns, past) { return past.length > 1 ? 'lots' : 0; }
                function updateStrategyWeights(p, c) { return c; }
                """);
        RulesConfig rules = new RulesConfig(Map.of(RuleKind.STRATEGY_WEIGHTS, script), Map.of(RuleKind.STRATEGY_WEIGHTS, "strategy-weights.js"),
                RuleLimits.DEFAULT, Duration.ofDays(1), 1, false, 100);
        Options o = new Options(TWO, rules, new io.flywheel.engine.trading.Backtester.Costs(0, 0), Duration.ofDays(7), 0, 10, null);
        assertThatThrownBy(() -> StrategySimulation.run(List.of(new Series("ETH-USD 1d", PriceFixtures.ethDaily().subList(0, 400))), o))
                .isInstanceOf(io.flywheel.engine.rules.RuleException.class)
                .hasMessage("strategy-weights.js: reward() returned the string \"lots\" for \"cash\"; expected a finite number");
    }

    @Test
    void readsTheFixtureCsvShapeAndNamesBadLines() throws Exception {
        String csv = "time,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n2024-01-02T00:00:00Z,1.5,2,1,1.8,11\n";
        Series s = Series.readCsv("X 1d", "X", new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "x.csv");
        assertThat(s.bars()).hasSize(2);
        assertThat(s.bars().get(1)).isEqualTo(new Bar("X", java.time.Instant.parse("2024-01-02T00:00:00Z"), 1.5, 2, 1, 1.8, 11));

        assertThatThrownBy(() -> Series.readCsv("X", "X", new ByteArrayInputStream("date,o\n".getBytes(StandardCharsets.UTF_8)), "x.csv"))
                .hasMessageStartingWith("x.csv:1: expected the header time,open,high,low,close,volume, found date,o");
        String bad = "time,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n2024-01-02T00:00:00Z,1.5,2,1,NaN,11\n";
        assertThatThrownBy(() -> Series.readCsv("X", "X", new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8)), "x.csv"))
                .hasMessageStartingWith("x.csv:3: ");
        String garbled = "time,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,abc,10\n";
        assertThatThrownBy(() -> Series.readCsv("X", "X", new ByteArrayInputStream(garbled.getBytes(StandardCharsets.UTF_8)), "x.csv"))
                .hasMessage("x.csv:2: close 'abc' is not a number");
        String badTime = "time,open,high,low,close,volume\n2024-01-01,1,2,0.5,1.5,10\n";
        assertThatThrownBy(() -> Series.readCsv("X", "X", new ByteArrayInputStream(badTime.getBytes(StandardCharsets.UTF_8)), "x.csv"))
                .hasMessage("x.csv:2: time '2024-01-01' is not an ISO-8601 UTC time such as 2024-01-01T00:00:00Z");
        String shortLine = "time,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2\n";
        assertThatThrownBy(() -> Series.readCsv("X", "X", new ByteArrayInputStream(shortLine.getBytes(StandardCharsets.UTF_8)), "x.csv"))
                .hasMessage("x.csv:2: expected 6 fields, found 3: 2024-01-01T00:00:00Z,1,2");
    }

    @Test
    void refusesWhatCannotBeSimulated() {
        Strategy hold = h -> 1.0;
        assertThatThrownBy(() -> Options.defaults(List.of(new StrategySpec("hold", () -> hold)), BUNDLED))
                .hasMessage("strategies: a simulation needs at least 2, found 1");
        assertThatThrownBy(() -> StrategySimulation.run(List.of(), Options.defaults(TWO, BUNDLED))).hasMessage("series: none given");
        Series tiny = new Series("tiny", PriceFixtures.ethDaily().subList(0, 150));
        assertThatThrownBy(() -> StrategySimulation.run(List.of(tiny), Options.defaults(TWO, BUNDLED)))
                .hasMessage("series tiny: 150 bars, fewer than the 200 warm-up bars + 2");
    }

    @Test
    void readsTheLearningRateTheScriptDeclares() {
        assertThat(StrategySimulation.eta("// x\nconst ETA = 1.5;  // rate\n")).isEqualTo(1.5);
        assertThat(StrategySimulation.eta("let ETA=3;")).isEqualTo(3);
        assertThat(StrategySimulation.eta("function f() { return 1; }")).isNaN();
    }
}
