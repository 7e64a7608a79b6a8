package io.flywheel.engine.lead;

import io.flywheel.api.lead.Lead;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The default lead rule ({@code scripts/lead-score.js}) written in Java: the sum of the weights of
 * matched keywords, a keyword in the title counting {@link #TITLE_FACTOR} times; plus a recency
 * bonus that halves every {@link #RECENCY_HALF_LIFE_HOURS} hours; plus a per-source prior. Scores
 * a batch when the JavaScript rule fails, and is the reference the rule's benchmark compares with.
 */
public final class KeywordScorer implements LeadScorer {
    public static final double TITLE_FACTOR = 2.0;
    public static final double RECENCY_BONUS = 1.0;
    public static final double RECENCY_HALF_LIFE_HOURS = 72.0;
    /** e^(-rate * age) = 0.5^(age / half-life), computed as the JavaScript rule does. */
    private static final double RECENCY_RATE = Math.log(2) / RECENCY_HALF_LIFE_HOURS;
    /** The same priors as the bundled lead-score.js. */
    public static final Map<String, Double> DEFAULT_SOURCE_PRIOR = Map.of("hn-hiring", 0.5);

    private final Clock clock;
    private final double recencyBonus;
    private final Map<String, Double> sourcePrior;

    /** The keyword part alone: no recency bonus, no source prior. */
    public KeywordScorer() {
        this(null, 0, Map.of());
    }

    /** The default rule: keywords, recency measured on {@code clock}, the default source priors. */
    public KeywordScorer(Clock clock) {
        this(clock, RECENCY_BONUS, DEFAULT_SOURCE_PRIOR);
    }

    public KeywordScorer(Clock clock, Map<String, Double> sourcePrior) {
        this(clock, RECENCY_BONUS, sourcePrior);
    }

    private KeywordScorer(Clock clock, double recencyBonus, Map<String, Double> sourcePrior) {
        this.clock = clock;
        this.recencyBonus = recencyBonus;
        this.sourcePrior = Map.copyOf(sourcePrior);
    }

    @Override
    public double[] score(List<Lead> leads, Map<String, Double> weights) {
        long now = clock == null ? 0 : clock.millis();
        double[] scores = new double[leads.size()];
        for (int i = 0; i < scores.length; i++) {
            Lead lead = leads.get(i);
            String title = lead.title().toLowerCase(Locale.ROOT);
            double s = 0;
            for (String kw : lead.keywords()) {
                double w = weights.getOrDefault(kw, 0.0);
                s += TitleMatch.containsWord(title, kw) ? TITLE_FACTOR * w : w;
            }
            if (recencyBonus != 0) {
                double ageHours = Math.max(0, now - lead.time().toEpochMilli()) / 3_600_000.0;
                s += recencyBonus * Math.exp(-RECENCY_RATE * ageHours);
            }
            s += sourcePrior.getOrDefault(lead.sourceId(), 0.0);
            scores[i] = s;
        }
        return scores;
    }
}
