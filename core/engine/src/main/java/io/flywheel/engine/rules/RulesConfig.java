package io.flywheel.engine.rules;

import io.flywheel.engine.config.FlywheelConfig;
import io.flywheel.engine.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The {@code rules:} section resolved against a deployment: where each rule comes from, its
 * limits, and the feedback windows.
 *
 * @param scripts per rule, the file it is read from; absent for a rule that runs its bundled
 *     default (not configured, and no {@code scripts/<rule>.js} beside config.yml)
 * @param names per rule, how messages show its file (relative to config.yml where it can)
 */
public record RulesConfig(Map<RuleKind, Path> scripts, Map<RuleKind, String> names, RuleLimits limits, Duration window, int windows,
        boolean watch, int batchSize) {

    public RulesConfig {
        scripts = Map.copyOf(scripts);
        names = Map.copyOf(names);
    }

    public static RulesConfig of(FlywheelConfig config) {
        return of(config.rules(), config.baseDir());
    }

    public static RulesConfig of(Settings.Rules s, Path baseDir) {
        Map<RuleKind, Path> scripts = new EnumMap<>(RuleKind.class);
        Map<RuleKind, String> names = new EnumMap<>(RuleKind.class);
        for (RuleKind kind : RuleKind.values()) {
            Path configured = switch (kind) {
                case LEAD_SCORE -> s.leadScore();
                case KEYWORD_WEIGHTS -> s.keywordWeights();
                case STRATEGY_WEIGHTS -> s.strategyWeights();
            };
            Path file = configured != null ? configured.toAbsolutePath().normalize() : baseDir.resolve("scripts").resolve(kind.fileName()).toAbsolutePath().normalize();
            if (configured != null || Files.isRegularFile(file)) {
                scripts.put(kind, file);
                Path base = baseDir.toAbsolutePath().normalize();
                names.put(kind, file.startsWith(base) ? base.relativize(file).toString() : file.toString());
            } else {
                names.put(kind, "bundled:" + kind.fileName());
            }
        }
        RuleLimits limits = RuleLimits.DEFAULT.withTimeLimit(s.timeLimit()).withStatementLimit(s.statementLimit())
                .withAllocationLimit((long) s.allocationLimitMb() << 20);
        return new RulesConfig(scripts, names, limits, s.window(), s.windows(), s.watch(), s.batchSize());
    }

    /** The source of {@code kind} as configured now: its file, or the bundled default. */
    public ScriptSource source(RuleKind kind) {
        Path file = scripts.get(kind);
        return file == null ? ScriptSource.bundled(kind) : ScriptSource.read(file, names.get(kind));
    }
}
