package io.flywheel.engine.rules;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The three operator-editable rules: what each is called, the function its script defines, its default file. */
public enum RuleKind {
    LEAD_SCORE("lead-score", "scoreBatch", "scoreBatch(batch)", "score", "score(leads, weights)"),
    KEYWORD_WEIGHTS("keyword-weights", "updateKeywordWeights", "updateKeywordWeights(stats, current)", null, null),
    STRATEGY_WEIGHTS("strategy-weights", "updateStrategyWeights", "updateStrategyWeights(performance, current)", null, null);

    private final String id;
    private final String function;
    private final String signature;
    private final String olderFunction;
    private final String olderSignature;

    RuleKind(String id, String function, String signature, String olderFunction, String olderSignature) {
        this.id = id;
        this.function = function;
        this.signature = signature;
        this.olderFunction = olderFunction;
        this.olderSignature = olderSignature;
    }

    /** The kebab-case name used in config.yml, the CLI and the archive folder. */
    public String id() {
        return id;
    }

    /** The global function the script must define (or {@link #olderFunction()}, where there is one). */
    public String function() {
        return function;
    }

    public String signature() {
        return signature;
    }

    /**
     * The function of an earlier contract the rule still accepts instead of {@link #function()}, or
     * {@code null}: a lead rule may define {@code score(leads, weights)}, one object per lead.
     */
    public String olderFunction() {
        return olderFunction;
    }

    public String olderSignature() {
        return olderSignature;
    }

    /** Whether a script defining {@code name} is this kind of rule. */
    public boolean definedBy(String name) {
        return function.equals(name) || name.equals(olderFunction);
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
