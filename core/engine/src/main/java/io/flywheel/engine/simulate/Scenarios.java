package io.flywheel.engine.simulate;

import java.time.Duration;
import java.util.List;

/** The built-in audiences and the simulation's default setup. */
public final class Scenarios {
    private Scenarios() {}

    public static final List<String> KEYWORDS = List.of("rust", "kotlin", "scala", "elixir", "haskell", "golang", "python", "typescript",
            "clojure", "swift");
    /** Engagement probabilities of {@link #KEYWORDS}, best first. */
    public static final List<Double> RATES = List.of(0.30, 0.26, 0.22, 0.19, 0.16, 0.13, 0.10, 0.08, 0.06, 0.04);

    /** The same audience for the whole run. */
    public static KeywordSimulation.Audience stationary() {
        return new KeywordSimulation.Audience("keywords", KEYWORDS, RATES, null, Integer.MAX_VALUE);
    }

    /** Halfway through, the order turns round: the best keywords become the worst and the worst the best. */
    public static KeywordSimulation.Audience drift(int rounds) {
        return new KeywordSimulation.Audience("drift", KEYWORDS, RATES, RATES.reversed(), rounds / 2);
    }

    /**
     * 10 candidates a round, one round an hour, a keyword update every 48 rounds on 14 windows of
     * 4 days, 5% exploration, seed 8. The window and interval were tuned for the earlier bundled
     * keyword-weights.js (Thompson draws with a decay) and kept for the current one
     * (docs/BENCHMARKS.md, Learning): with the {@code rules:} defaults (1 day x 14) a rule sees 336
     * rounds, too little evidence to keep the top keywords in order.
     */
    public static KeywordSimulation.Setup defaults(int rounds) {
        return new KeywordSimulation.Setup(rounds, 10, 48, Duration.ofHours(1), Duration.ofDays(4), 14, 0.05, 8);
    }
}
