package io.flywheel.engine.lead;

import io.flywheel.api.lead.Lead;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The built-in scorer: the sum of the weights of matched keywords, a keyword in the title
 * counting {@link #TITLE_FACTOR} times one found only in the body.
 */
public final class KeywordScorer implements LeadScorer {
    static final double TITLE_FACTOR = 2.0;

    @Override
    public double[] score(List<Lead> leads, Map<String, Double> weights) {
        double[] scores = new double[leads.size()];
        for (int i = 0; i < leads.size(); i++) {
            Lead lead = leads.get(i);
            String title = lead.title().toLowerCase(Locale.ROOT);
            double s = 0;
            for (String kw : lead.keywords()) {
                double w = weights.getOrDefault(kw, 0.0);
                s += title.contains(kw) ? TITLE_FACTOR * w : w;
            }
            scores[i] = s;
        }
        return scores;
    }
}
