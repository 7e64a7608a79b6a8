package io.flywheel.engine.rules;

import io.flywheel.engine.feedback.FeedbackLog;
import io.flywheel.engine.feedback.WeightHistory;
import io.flywheel.engine.store.LeadStore;

/** What the rules learn from and are replayed against: the feedback log, the weight history and the stored leads. */
public record RuleHistory(FeedbackLog feedback, WeightHistory weights, LeadStore leads) {}
