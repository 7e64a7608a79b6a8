package io.flywheel.engine.simulate;

import io.flywheel.engine.rules.Rules;

/**
 * How the simulation asks for a keyword update every few rounds. The default calls the rules'
 * {@link io.flywheel.engine.rules.KeywordWeightUpdater} directly (what {@code flywheel run}'s
 * scheduled update does); a learning loop with guardrails can be put here instead.
 */
@FunctionalInterface
public interface KeywordLearning {
    void update(Rules rules);

    /** Propose with the live keyword-weights.js and apply the result. */
    static KeywordLearning direct() {
        return rules -> rules.keywordUpdater().update();
    }
}
