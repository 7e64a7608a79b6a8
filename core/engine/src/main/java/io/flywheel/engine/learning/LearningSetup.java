package io.flywheel.engine.learning;

import io.flywheel.engine.config.FlywheelConfig;
import io.flywheel.engine.config.Settings;
import io.flywheel.engine.feedback.WeightHistory;
import io.flywheel.engine.rules.Rules;
import io.flywheel.engine.rules.StrategyWeightRule;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The learning parts of one running Flywheel, built from the {@code learning:} section: the
 * keyword loop (with its shadow rule) and the guard around the strategy rule.
 */
public record LearningSetup(LearningLoop loop, FreezeSwitch freeze, Settings.Learning settings) implements AutoCloseable {

    public static LearningSetup of(FlywheelConfig config, Rules rules, WeightHistory history, Path dataDir, Clock clock) {
        Settings.Learning s = config.learning();
        FreezeSwitch freeze = new FreezeSwitch(s.freeze(), FreezeSwitch.file(dataDir));
        ShadowRule shadow = null;
        if (s.shadow() != null) {
            Path file = s.shadow().toAbsolutePath().normalize();
            Path base = config.baseDir().toAbsolutePath().normalize();
            shadow = new ShadowRule(rules, file, file.startsWith(base) ? base.relativize(file).toString() : file.toString());
        }
        return new LearningSetup(new LearningLoop(rules.keywordUpdater(), s, freeze, shadow, history, clock), freeze, s);
    }

    /** {@code rule} behind the same guardrails (freeze, max change, min feedback), for the paper book. */
    public StrategyWeightRule guard(StrategyWeightRule rule, double minWeight) {
        return new StrategyGuard(rule, freeze, settings.maxChange(), settings.minFeedback(), minWeight);
    }

    @Override
    public void close() {
        loop.close();
    }
}
