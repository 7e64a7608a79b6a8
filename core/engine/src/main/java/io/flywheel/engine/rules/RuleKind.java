package io.flywheel.engine.rules;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The three operator-editable rules: what each is called, the function its script defines, its default file. */
public enum RuleKind {
    LEAD_SCORE("lead-score", "score", "score(leads, weights)"),
    KEYWORD_WEIGHTS("keyword-weights", "updateKeywordWeights", "updateKeywordWeights(stats, current)"),
    STRATEGY_WEIGHTS("strategy-weights", "updateStrategyWeights", "updateStrategyWeights(performance, current)");

    private final String id;
    private final String function;
    private final String signature;

    RuleKind(String id, String function, String signature) {
        this.id = id;
        this.function = function;
        this.signature = signature;
    }

    /** The kebab-case name used in config.yml, the CLI and the archive folder. */
    public String id() {
        return id;
    }

    /** The global function the script must define. */
    public String function() {
        return function;
    }

    public String signature() {
        return signature;
    }

    /** The bundled default's file name, also the default path under {@code scripts/}. */
    public String fileName() {
        return id + ".js";
    }

    public static Optional<RuleKind> byId(String id) {
        String wanted = id.toLowerCase(Locale.ROOT).strip();
        return Arrays.stream(values()).filter(k -> k.id.equals(wanted)).findFirst();
    }
}
