package io.flywheel.engine.learning;

import io.flywheel.api.market.Bar;
import io.flywheel.api.strategy.Strategy;
import io.flywheel.engine.rules.JsRuntime;
import io.flywheel.engine.rules.JsStrategyWeightRule;
import io.flywheel.engine.rules.RuleKind;
import io.flywheel.engine.rules.RulesConfig;
import io.flywheel.engine.rules.ScriptSource;
import io.flywheel.engine.text.Cells;
import io.flywheel.engine.trading.BacktestResult;
import io.flywheel.engine.trading.Backtester;
import io.flywheel.engine.trading.Ensemble;
import io.flywheel.engine.trading.PeriodReport;
import io.flywheel.engine.trading.ReturnHistory;
import io.flywheel.engine.trading.TradingBook;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Proving the strategy rule learns ({@code flywheel simulate}, strategies): the configured
 * strategies on real price series, through the real {@link Ensemble} (the paper desk, the paper
 * broker, walk-forward weights from {@code strategy-weights.js} on GraalJS), adaptive against
 * equal weights against the best single strategy in hindsight.
 *
 * <p>Two regrets are reported. In money: the best single strategy's log growth
 * {@code ln(final/start)} minus the adaptive book's, over the same traded bars. In the rule's own
 * reward: Hedge's guarantee is about the rewards it is fed, which for the bundled rule are each
 * period's log return divided by the strategy's volatility. They are the script's own: its
 * {@code reward(returns, past)}, the function its weights follow, called on each closed period's
 * return with the record the allocator hands the rule (a script that defines no {@code reward} is
 * taken to reward raw log returns). The reward regret is the best strategy's summed reward minus the sum
 * over periods of the weights in force times the rewards, over the closed periods. For rewards in
 * [0, 1], Hedge with learning rate {@code eta'} over {@code T} periods and {@code N} strategies has
 * regret at most {@code ln N / eta' + eta' T / 8}. In each period the rewards lie in an interval of
 * width {@code V} (the widest spread across strategies in any one period: adding the same amount to
 * every strategy's reward changes nothing). Dividing by {@code V} (after shifting) puts them in
 * [0, 1] and gives the same weights with {@code eta' = eta V}; scaling back by {@code V}, the reward
 * regret is at most {@code ln N / eta + eta T V^2 / 8}. {@code V} is read off the run, so the bound
 * is stated in hindsight; the script's step cap and floor are outside Hedge's analysis, so the
 * report checks the bound rather than assumes it. In money there is no such bound for a rule that
 * scales by volatility: it prefers a steadier strategy to one that earns more with more risk.
 */
public final class StrategySimulation {

    /** One price series: its bars, one symbol, time-sorted. */
    public record Series(String name, List<Bar> bars) {
        private static final String[] COLUMNS = {"open", "high", "low", "close", "volume"};

        public Series {
            Objects.requireNonNull(name, "name");
            bars = List.copyOf(bars);
            if (bars.isEmpty()) {
                throw new IllegalArgumentException("series " + name + ": no bars");
            }
        }

        public String symbol() {
            return bars.getFirst().symbol();
        }

        /**
         * A CSV (optionally gzipped) with the header {@code time,open,high,low,close,volume},
         * {@code time} ISO-8601 in UTC: the shape of the test price fixtures.
         */
        public static Series readCsv(String name, String symbol, Path file) {
            try (InputStream raw = Files.newInputStream(file);
                    InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
                return readCsv(name, symbol, in, file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }

        /** As {@link #readCsv(String, String, Path)}, from a stream; {@code source} names it in errors. */
        public static Series readCsv(String name, String symbol, InputStream in, String source) throws IOException {
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String header = r.readLine();
            if (header == null || !header.trim().equals("time,open,high,low,close,volume")) {
                throw new IllegalArgumentException(source + ":1: expected the header time,open,high,low,close,volume, found " + header);
            }
            List<Bar> bars = new ArrayList<>();
            String line;
            int no = 1;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                if (f.length != 6) {
                    throw new IllegalArgumentException(source + ":" + no + ": expected 6 fields, found " + f.length + ": " + line);
                }
                Instant time;
                try {
                    time = Instant.parse(f[0].strip());
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException(source + ":" + no + ": time '" + f[0] + "' is not an ISO-8601 UTC time such as 2024-01-01T00:00:00Z");
                }
                double[] v = new double[5];
                for (int i = 0; i < 5; i++) {
                    try {
                        v[i] = Double.parseDouble(f[i + 1].strip());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(source + ":" + no + ": " + COLUMNS[i] + " '" + f[i + 1] + "' is not a number");
                    }
                }
                try {
                    bars.add(new Bar(symbol, time, v[0], v[1], v[2], v[3], v[4]));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(source + ":" + no + ": " + e.getMessage(), e);
                }
            }
            return new Series(name, bars);
        }
    }

    /** A strategy to run on every series, made fresh for each run. */
    public record StrategySpec(String id, Supplier<Strategy> strategy) {}

    /**
     * @param strategies the strategies, the same on every series
     * @param rules where {@code strategy-weights.js} comes from, and its limits
     * @param costs fee and slippage of the paper broker
     * @param rebalance the period: weights change once per period; a series whose bars are further
     *     apart rebalances every bar
     * @param minWeight the allocator's floor (as {@code trading.min-weight})
     * @param warmupBars bars that only warm the strategies up, the same for all runs
     * @param out a folder for one PNG chart per series, or {@code null} for none
     */
    public record Options(List<StrategySpec> strategies, RulesConfig rules, Backtester.Costs costs, Duration rebalance, double minWeight, int warmupBars,
            Path out) {
        public Options {
            strategies = List.copyOf(strategies);
            if (strategies.size() < 2) {
                throw new IllegalArgumentException("strategies: a simulation needs at least 2, found " + strategies.size());
            }
            Objects.requireNonNull(rules, "rules");
            Objects.requireNonNull(costs, "costs");
            Objects.requireNonNull(rebalance, "rebalance");
            if (warmupBars < 0) {
                throw new IllegalArgumentException("warmupBars: must be >= 0, found " + warmupBars);
            }
        }

        /** Weekly periods, 10 bps fee and 5 bps slippage, a 2% floor, 200 warm-up bars, no charts. */
        public static Options defaults(List<StrategySpec> strategies, RulesConfig rules) {
            return new Options(strategies, rules, new Backtester.Costs(10, 5), Duration.ofDays(7), 0.02, 200, null);
        }

        public Options withOut(Path out) {
            return new Options(strategies, rules, costs, rebalance, minWeight, warmupBars, out);
        }

        public Options withRules(RulesConfig rules) {
            return new Options(strategies, rules, costs, rebalance, minWeight, warmupBars, out);
        }
    }

    /** Return, Sharpe and drawdown of one run. */
    public record Figures(String label, double totalReturn, double sharpe, double maxDrawdown) {
        static Figures of(BacktestResult r) {
            return new Figures(r.label(), r.metrics().totalReturn(), r.metrics().sharpe(), r.metrics().maxDrawdown());
        }
    }

    /**
     * One series.
     *
     * @param periods rebalance periods traded (the last one may be partial)
     * @param regret the best single strategy's log growth minus the adaptive book's
     * @param rewardRegret in the rule's reward, over the closed periods: the best strategy's sum minus the weighted sum
     * @param bound Hedge's bound on {@code rewardRegret} for this run ({@code NaN} when the script declares no {@code ETA})
     * @param width the widest spread of one closed period's rewards across strategies, the {@code V} of the bound
     * @param chart the PNG written, or {@code null}
     * @param singles every strategy alone, in the order given
     */
    public record Row(String series, String span, Figures adaptive, Figures equal, Figures bestSingle, int periods, double regret,
            double rewardRegret, double bound, double width, Path chart, List<Figures> singles) {
        public Row {
            singles = List.copyOf(singles);
        }

        public boolean sharpeWin() {
            return adaptive.sharpe() > equal.sharpe();
        }

        public boolean withinBound() {
            return rewardRegret <= bound;
        }
    }

    /**
     * @param eta the rule's learning rate, read from the script's {@code const ETA}
     * @param reward what the reward regret is measured in: the script's {@code reward(returns, past)},
     *     or raw log returns when it defines none (said so, with a hint when the script looks like it
     *     scales its reward)
     * @param sharpeWins series where the adaptive Sharpe is above equal weights'
     * @param series series run
     */
    public record Report(String rule, double eta, String reward, List<Row> rows, int sharpeWins, int series, int withinBound) {
        /** No series run (the scenario was skipped). */
        public static Report none() {
            return new Report("", 0, "", List.of(), 0, 0, 0);
        }

        public void print(PrintStream out) {
            out.printf(Locale.ROOT, "Strategies: %s, walk-forward weights from %s (ETA %s)%n", "adaptive vs equal vs best single in hindsight", rule,
                    Double.isNaN(eta) ? "not declared" : fmt(eta));
            out.printf(Locale.ROOT, "reward: %s%n%n", reward);
            out.printf(Locale.ROOT, "%-12s %-22s %-16s %15s %7s %7s %7s %8s %8s%n", "series", "span", "run", "return", "sharpe", "max dd", "regret",
                    "reward", "bound");
            for (Row r : rows) {
                for (Figures f : List.of(r.adaptive(), r.equal(), r.bestSingle())) {
                    boolean first = f == r.adaptive();
                    out.printf(Locale.ROOT, "%s %s %s %,14.0f%% %7.3f %6.1f%% %7s %8s %8s%n", Cells.pad(first ? r.series() : "", 12), Cells.pad(first ? r.span() : "", 22),
                            Cells.pad(f == r.bestSingle() ? "best:" + f.label() : f.label(), 16), f.totalReturn() * 100, f.sharpe(), f.maxDrawdown() * 100,
                            first ? fmt(r.regret()) : "", first ? fmt(r.rewardRegret()) : "", first ? fmt(r.bound()) : "");
                }
            }
            out.printf(Locale.ROOT, "%nregret: log growth given up against the best single strategy; reward: the same in the reward above, "
                    + "which Hedge's bound is about%n");
            out.printf(Locale.ROOT, "adaptive Sharpe above equal weights on %d of %d series; reward regret within the Hedge bound on %d of %d%n", sharpeWins,
                    series, withinBound, series);
        }

        private static String fmt(double v) {
            return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
        }
    }

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private StrategySimulation() {}

    /** Runs every series (adaptive, equal, each strategy alone) and, with {@code o.out()}, writes a chart per series. */
    public static Report run(List<Series> series, Options o) {
        if (series.isEmpty()) {
            throw new IllegalArgumentException("series: none given");
        }
        ScriptSource source = o.rules().source(RuleKind.STRATEGY_WEIGHTS);
        double eta = eta(source.text());
        List<Row> rows = new ArrayList<>();
        String reward;
        try (JsRuntime js = JsRuntime.start(); JsStrategyWeightRule rule = JsStrategyWeightRule.standalone(o.rules(), js)) {
            reward = reward(source, rule.definesReward());
            Backtester backtester = new Backtester(o.costs());
            for (Series s : series) {
                rows.add(one(s, o, backtester, rule, eta));
            }
        }
        int wins = (int) rows.stream().filter(Row::sharpeWin).count();
        int within = (int) rows.stream().filter(Row::withinBound).count();
        return new Report(source.name(), eta, reward, List.copyOf(rows), wins, rows.size(), within);
    }

    /**
     * What the report measures the reward regret in. A script without {@code reward()} that
     * declares {@code VOL_PERIODS} has the shape of the bundled script before it had one (scaling
     * inline), whose regret simulate used to measure in scaled returns: say that it no longer does.
     */
    static String reward(ScriptSource source, boolean defined) {
        if (defined) {
            return "the script's own reward(returns, past), from " + source.name();
        }
        String raw = "raw log returns (" + source.name() + " defines no reward(returns, past))";
        if (Double.isNaN(constant(source.text(), "VOL_PERIODS"))) {
            return raw;
        }
        return raw + "; it declares VOL_PERIODS, so its weights likely follow volatility-scaled returns and the reward regret and"
                + " bound below are not in its reward: define reward(returns, past) as the bundled strategy-weights.js does";
    }

    private static Row one(Series s, Options o, Backtester backtester, JsStrategyWeightRule rule, double eta) {
        if (s.bars().size() <= o.warmupBars() + 2) {
            throw new IllegalArgumentException("series " + s.name() + ": " + s.bars().size() + " bars, fewer than the " + o.warmupBars() + " warm-up bars + 2");
        }
        List<Backtester.Entry> entries = o.strategies().stream().map(sp -> new Backtester.Entry(sp.id(), s.symbol(), sp.strategy())).toList();
        Instant from = s.bars().get(o.warmupBars()).time();
        TradingBook.Settings settings = new TradingBook.Settings(10_000, o.rebalance(), o.minWeight(), from);
        Ensemble e = Ensemble.run(backtester, s.bars(), entries, settings, null, rule, Backtester.Progress.NONE);
        BacktestResult a = e.adaptive();
        double regret = growth(e.bestSingle()) - growth(a);
        // The rule's rewards per closed period, from the script's own reward() on each strategy's return
        // and its record as the allocator hands them to the rule. Hedge is unchanged by adding the same
        // amount to every strategy's reward in a period, so each period's rewards only need to fit in
        // some interval of width V, not one fixed interval.
        ReturnHistory history = new ReturnHistory();
        Map<String, Double> total = new TreeMap<>();
        double earned = 0;
        double width = 0;
        for (PeriodReport p : a.periods()) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            Map<String, List<Double>> returns = new TreeMap<>();
            Map<String, List<Double>> past = new TreeMap<>();
            for (var r : new TreeMap<>(p.returns()).entrySet()) {
                returns.put(r.getKey(), List.of(r.getValue()));
                past.put(r.getKey(), history.add(r.getKey(), r.getValue()));
            }
            Map<String, Double> rewards = rule.rewards(returns, past).orElseGet(() -> logReturns(returns));
            for (var r : rewards.entrySet()) {
                double y = r.getValue();
                total.merge(r.getKey(), y, Double::sum);
                earned += p.weightsBefore().getOrDefault(r.getKey(), 0.0) * y;
                lo = Math.min(lo, y);
                hi = Math.max(hi, y);
            }
            width = Math.max(width, hi - lo);
        }
        double rewardRegret = total.values().stream().mapToDouble(Double::doubleValue).max().orElse(0) - earned;
        int periods = a.periods().size() + 1;
        double bound = Math.log(entries.size()) / eta + eta * a.periods().size() * width * width / 8;
        Path chart = null;
        if (o.out() != null) {
            chart = o.out().resolve(fileName(s.name()) + ".png");
            chart(chart, s.name(), e);
        }
        return new Row(s.name(), span(a), Figures.of(a), Figures.of(e.equal()), Figures.of(e.bestSingle()), periods, regret, rewardRegret, bound,
                width, chart, e.singles().stream().map(Figures::of).toList());
    }

    /** The reward of a script that defines no {@code reward()}: each return's log. */
    private static Map<String, Double> logReturns(Map<String, List<Double>> returns) {
        Map<String, Double> out = new TreeMap<>();
        returns.forEach((id, rs) -> out.put(id, rs.stream().mapToDouble(r -> Math.log(Math.max(1e-9, 1 + r))).sum()));
        return out;
    }

    private static String span(BacktestResult r) {
        return r.times().isEmpty() ? "no bars" : r.times().getFirst().toString().substring(0, 10) + ".." + r.times().getLast().toString().substring(0, 10);
    }

    private static double growth(BacktestResult r) {
        double[] eq = r.equity();
        return eq.length < 2 ? 0 : Math.log(eq[eq.length - 1] / eq[0]);
    }

    /** The script's {@code const ETA = x;}, or NaN when it declares none. */
    static double eta(String script) {
        return constant(script, "ETA");
    }

    /** The script's {@code const NAME = x;} (a plain number), or NaN when it declares none. */
    static double constant(String script, String name) {
        Matcher m = Pattern.compile("(?m)^\\s*(?:const|let|var)\\s+" + name + "\\s*=\\s*([0-9.eE+-]+)\\s*;").matcher(script);
        if (!m.find()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(m.group(1));
        } catch (NumberFormatException ex) {
            return Double.NaN;
        }
    }

    static String fileName(String series) {
        return "strategies-" + series.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    /** Equity of the three ways (log scale, from 1) above, the adaptive weights below. */
    private static void chart(Path file, String name, Ensemble e) {
        XYChart equity = new XYChartBuilder().width(1200).height(520).title(name + ": growth of 1 (log scale)").yAxisTitle("equity").build();
        style(equity);
        equity.getStyler().setYAxisLogarithmic(true);
        for (BacktestResult r : List.of(e.adaptive(), e.equal(), e.bestSingle())) {
            List<Date> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            double[] eq = r.equity();
            int step = Math.max(1, eq.length / 1500);
            for (int i = 0; i < eq.length; i += step) {
                x.add(Date.from(r.times().get(i)));
                y.add(eq[i] / eq[0]);
            }
            if (!x.isEmpty()) {
                XYSeries line = equity.addSeries(r == e.bestSingle() ? "best single: " + r.label() : r.label(), x, y);
                line.setMarker(SeriesMarkers.NONE);
                line.setLineStyle(new BasicStroke(1.5f));
            }
        }
        XYChart weights = new XYChartBuilder().width(1200).height(300).title("adaptive weights at each period's start").yAxisTitle("weight").build();
        style(weights);
        List<PeriodReport> periods = e.adaptive().periods();
        if (!periods.isEmpty()) {
            for (String id : periods.getFirst().weightsAfter().keySet().stream().sorted().toList()) {
                List<Date> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                int step = Math.max(1, periods.size() / 1500);
                for (int i = 0; i < periods.size(); i += step) {
                    x.add(Date.from(periods.get(i).end()));
                    y.add(periods.get(i).weightsAfter().get(id));
                }
                XYSeries line = weights.addSeries(id, x, y);
                line.setMarker(SeriesMarkers.NONE);
                line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
            }
        } else {
            weights.addSeries("(no periods)", new double[] {0, 1}, new double[] {0, 0});
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            var top = BitmapEncoder.getBufferedImage(equity);
            var bottom = BitmapEncoder.getBufferedImage(weights);
            var both = new java.awt.image.BufferedImage(1200, top.getHeight() + bottom.getHeight(), java.awt.image.BufferedImage.TYPE_INT_RGB);
            var g = both.createGraphics();
            g.drawImage(top, 0, 0, null);
            g.drawImage(bottom, 0, top.getHeight(), null);
            g.dispose();
            javax.imageio.ImageIO.write(both, "png", file.toFile());
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the chart " + file, ex);
        }
    }

    private static void style(XYChart c) {
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotGridLinesColor(new Color(0xE0E0E0));
        c.getStyler().setDatePattern("yyyy-MM");
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    }
}
