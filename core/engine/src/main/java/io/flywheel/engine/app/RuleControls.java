package io.flywheel.engine.app;

import io.flywheel.engine.command.Controls;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.learning.LearningSetup;
import io.flywheel.engine.learning.ShadowReport;
import io.flywheel.engine.learning.ShadowRule;
import io.flywheel.engine.rules.RuleDryRun;
import io.flywheel.engine.rules.RuleException;
import io.flywheel.engine.rules.RuleHistory;
import io.flywheel.engine.rules.RuleKind;
import io.flywheel.engine.rules.Rules;
import io.flywheel.engine.store.MapDbStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** The {@code /rules} admin commands on the running rules: dry run, reload, rollback, and the learning loop's update, freeze, shadow, promote. */
final class RuleControls implements Controls.Rules {
    private final Rules rules;
    private final MapDbStore store;
    private final KeywordWeights weights;
    private final Path dataDir;
    private final Clock clock;
    private final RandomGenerator random;
    private final LearningSetup learning;

    RuleControls(Rules rules, MapDbStore store, KeywordWeights weights, Path dataDir, Clock clock, RandomGenerator random, LearningSetup learning) {
        this.learning = learning;
        this.rules = rules;
        this.store = store;
        this.weights = weights;
        this.dataDir = dataDir;
        this.clock = clock;
        this.random = random;
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.empty();
    }

    @Override
    public List<String> names() {
        return Arrays.stream(RuleKind.values()).map(RuleKind::id).toList();
    }

    @Override
    public String test(String rule) {
        List<String> lines = new ArrayList<>();
        for (RuleKind kind : kinds(rule)) {
            try {
                lines.addAll(RuleDryRun.describe(RuleDryRun.run(rules.config(), rules.runtime(), new RuleHistory(store, store, store), weights, dataDir,
                        rules.config().source(kind), kind, clock, random, 20, learning.settings(), learning.freeze())));
            } catch (RuleException e) {
                lines.add(kind.id() + ": does not load: " + e.getMessage());
            }
        }
        return String.join("\n", lines);
    }

    @Override
    public String reload(String rule) {
        List<String> lines = new ArrayList<>();
        for (RuleKind kind : kinds(rule)) {
            Rules.Reload r = rules.reload(kind);
            lines.add(kind.id() + ": " + r.outcome().name().toLowerCase(java.util.Locale.ROOT) + ": " + r.message());
        }
        return String.join("\n", lines);
    }

    @Override
    public String rollback(String rule) {
        RuleKind kind = rule == null || rule.isBlank() ? Rules.lastChanged(dataDir).orElse(null) : kinds(rule).getFirst();
        if (kind == null) {
            return "No rule has gone live yet with this store; nothing to roll back.";
        }
        try {
            Rules.Rollback done = Rules.rollback(rules.config(), dataDir, kind, clock);
            Rules.Reload r = rules.reload(kind);
            return kind.id() + ": back to version " + done.to().substring(0, 12) + " (was " + done.from().substring(0, 12) + "): " + r.message();
        } catch (RuleException e) {
            return kind.id() + ": " + e.getMessage();
        }
    }

    @Override
    public String update(String by) {
        return learning.loop().update(by).message();
    }

    @Override
    public String freeze(boolean frozen, String by) {
        return learning.freeze().set(frozen, by, clock.instant());
    }

    @Override
    public String shadow() {
        String head = learning.loop().shadow().map(s -> "Shadow rule: " + s.name()).orElse("No shadow rule is configured (learning.shadow).");
        return head + "\n```\n" + String.join("\n", ShadowReport.describe(store, clock.instant(), 5)) + "\n```";
    }

    @Override
    public String promote() {
        Optional<ShadowRule> shadow = learning.loop().shadow();
        if (shadow.isEmpty()) {
            return "No shadow rule is configured: set learning.shadow in config.yml to a candidate keyword rule first.";
        }
        try {
            Rules.Reload r = rules.promote(RuleKind.KEYWORD_WEIGHTS, shadow.get().source());
            return RuleKind.KEYWORD_WEIGHTS.id() + ": " + r.outcome().name().toLowerCase(java.util.Locale.ROOT) + ": " + r.message();
        } catch (RuleException e) {
            return RuleKind.KEYWORD_WEIGHTS.id() + ": not promoted: " + e.getMessage();
        }
    }

    private static List<RuleKind> kinds(String rule) {
        if (rule == null || rule.isBlank()) {
            return List.of(RuleKind.values());
        }
        return List.of(RuleKind.byId(rule).orElseThrow(() -> new IllegalArgumentException("unknown rule '" + rule
                + "'; say lead-score, keyword-weights or strategy-weights")));
    }
}
