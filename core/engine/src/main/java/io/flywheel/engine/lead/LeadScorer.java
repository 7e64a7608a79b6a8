package io.flywheel.engine.lead;

import io.flywheel.api.lead.Lead;
import java.util.List;
import java.util.Map;

/** Scores a batch of leads with the current keyword weights; one score per lead, in order. */
@FunctionalInterface
public interface LeadScorer {
    double[] score(List<Lead> leads, Map<String, Double> weights);
}
