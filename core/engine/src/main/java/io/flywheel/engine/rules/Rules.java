package io.flywheel.engine.rules;

import io.flywheel.api.Scheduler;
import io.flywheel.engine.lead.KeywordScorer;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.lead.LeadScorer;
import io.flywheel.engine.store.AtomicFile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of one running Flywheel: the live version of each, and how a version gets there.
 * A version goes live only after it compiled and passed a replay on recorded history
 * ({@link Replay}); then it is swapped in atomically and archived with its hash. A version that
 * fails leaves the previous one live, and the reason goes to the log and to
 * {@code <data>/rules/status.properties} ({@code flywheel status}).
 */
public final class Rules implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Rules.class);
    static final Duration DEBOUNCE = Duration.ofMillis(300);

    private final RulesConfig config;
    private final JsRuntime runtime;
    private final RuleHistory history;
    private final KeywordWeights keywordWeights;
    private final Clock clock;
    private final RuleArchive archive;
    private final Path statusFile;
    private final Replay replay;
    private final Map<RuleKind, LiveRule> live = new EnumMap<>(RuleKind.class);
    private final Map<RuleKind, RulesStatus.RuleState> states = new EnumMap<>(RuleKind.class);
    private final JsLeadScorer leadScorer;
    private final JsStrategyWeightRule strategyRule;
    private final KeywordWeightUpdater keywordUpdater;
    private RuleWatcher watcher;

    /** What a reload did. */
    public record Reload(RuleKind kind, Outcome outcome, String hash, String message) {
        public enum Outcome { ACCEPTED, REJECTED, UNCHANGED }
    }

    private Rules(RulesConfig config, JsRuntime runtime, RuleHistory history, KeywordWeights keywordWeights, Path dataDir, Clock clock,
            RandomGenerator random) {
        this.config = config;
        this.runtime = runtime;
        this.history = history;
        this.keywordWeights = keywordWeights;
        this.clock = clock;
        this.archive = new RuleArchive(dataDir.resolve("rules"));
        this.statusFile = archive.root().resolve("status.properties");
        this.replay = new Replay(history, config, keywordWeights::get, clock);
        try {
            for (RuleKind kind : RuleKind.values()) {
                live.put(kind, new LiveRule(kind, loadAtStart(kind)));
            }
        } catch (RuntimeException e) {
            live.values().forEach(l -> l.get().close());
            throw e;
        }
        this.leadScorer = new JsLeadScorer(live.get(RuleKind.LEAD_SCORE), clock, config.batchSize(), new KeywordScorer(clock),
                e -> event(RuleKind.LEAD_SCORE, "failed", e.getMessage()));
        this.strategyRule = new JsStrategyWeightRule(live.get(RuleKind.STRATEGY_WEIGHTS));
        this.keywordUpdater = new KeywordWeightUpdater(live.get(RuleKind.KEYWORD_WEIGHTS), history, keywordWeights, config, clock, random,
                e -> event(RuleKind.KEYWORD_WEIGHTS, "failed", e.getMessage()));
        writeStatus();
    }

    /**
     * Loads every rule: the configured file when it compiles (and, if this version never went live
     * before, passes a replay); otherwise the last version that went live, with an error logged.
     * Throws {@link RuleException} when a rule has neither.
     *
     * @param dataDir where the archive and the status file live (beside the store)
     */
    public static Rules open(RulesConfig config, JsRuntime runtime, RuleHistory history, KeywordWeights keywordWeights, Path dataDir,
            Clock clock, RandomGenerator random) {
        return new Rules(config, runtime, history, keywordWeights, dataDir, clock, random);
    }

    private CompiledScript loadAtStart(RuleKind kind) {
        Instant now = clock.instant();
        ScriptSource source = null;
        CompiledScript candidate = null;
        try {
            source = config.source(kind);
            candidate = compile(source, kind);
            Replay.Report report = null;
            if (!archive.contains(kind, candidate.hash())) {
                report = replay.run(candidate);
            }
            if (!archive.latest(kind).map(candidate.hash()::equals).orElse(false)) {
                archive.accepted(kind, source, now);
            }
            states.put(kind, new RulesStatus.RuleState(kind, source.name(), fileName(kind), candidate.hash(), now, "accepted", now,
                    report == null ? "loaded at start" : "new version, replayed on " + report.basis()));
            log.debug("{}: {} live ({})", kind.id(), source.name(), candidate.hash().substring(0, 12));
            return candidate;
        } catch (RuleException e) {
            if (candidate != null) {
                candidate.close();
            }
            Optional<String> last = archive.latest(kind);
            if (last.isEmpty() || (source != null && last.get().equals(source.hash()))) {
                throw new RuleException(e.getMessage() + " (no earlier version of the " + kind.id() + " rule ever went live, so there is none to fall back to)", e);
            }
            ScriptSource archived = archive.read(kind, last.get()).orElseThrow(() -> e);
            CompiledScript fallback = compile(archived, kind);
            log.error("{}", RuleException.then(e.getMessage(), "running the last version that went live instead (" + archived.name() + ")"));
            states.put(kind, new RulesStatus.RuleState(kind, archived.name(), fileName(kind), fallback.hash(), now, "rejected", now, e.getMessage()));
            return fallback;
        }
    }

    private String fileName(RuleKind kind) {
        Path file = config.scripts().get(kind);
        return file == null ? null : file.toString();
    }

    public LeadScorer leadScorer() {
        return leadScorer;
    }

    /** The strategy-weights rule for the trading side. */
    public JsStrategyWeightRule strategyWeightRule() {
        return strategyRule;
    }

    /** Reads feedback, runs keyword-weights.js, applies and records the result: the entry point of a keyword update. */
    public KeywordWeightUpdater keywordUpdater() {
        return keywordUpdater;
    }

    public LiveRule live(RuleKind kind) {
        return live.get(kind);
    }

    public RulesConfig config() {
        return config;
    }

    public JsRuntime runtime() {
        return runtime;
    }

    /**
     * Reads {@code kind}'s file again and, if it changed, compiles it, replays it on history and
     * swaps it in; on any failure the live version stays and the reason is logged and recorded.
     */
    public synchronized Reload reload(RuleKind kind) {
        LiveRule slot = live.get(kind);
        String liveHash = slot.get().hash();
        if (!config.scripts().containsKey(kind)) {
            return new Reload(kind, Reload.Outcome.UNCHANGED, liveHash, "runs the bundled default; there is no file to reload");
        }
        CompiledScript candidate = null;
        try {
            ScriptSource source = config.source(kind);
            if (source.hash().equals(liveHash)) {
                return new Reload(kind, Reload.Outcome.UNCHANGED, liveHash, "unchanged");
            }
            candidate = compile(source, kind);
            Replay.Report report = replay.run(candidate);
            Instant now = clock.instant();
            archive.accepted(kind, source, now);
            CompiledScript old = slot.swap(candidate);
            old.close();
            String message = "version " + candidate.hash().substring(0, 12) + " is live (replayed on " + report.basis() + ")";
            states.put(kind, new RulesStatus.RuleState(kind, source.name(), fileName(kind), candidate.hash(), now, "accepted", now, message));
            writeStatus();
            log.info("{}: {}", source.name(), message);
            return new Reload(kind, Reload.Outcome.ACCEPTED, candidate.hash(), message);
        } catch (RuleException e) {
            if (candidate != null) {
                candidate.close();
            }
            String message = RuleException.then(e.getMessage(), "version " + liveHash.substring(0, 12) + " stays live");
            log.error("{}", message);
            event(kind, "rejected", message);
            return new Reload(kind, Reload.Outcome.REJECTED, liveHash, message);
        }
    }

    /**
     * Makes {@code candidate} (a shadow rule's text) the live version of {@code kind} through the
     * same safe path as a reload: compile, replay on history, then write it into the rule's file,
     * archive it and swap it in. The version it replaces stays in the archive, so a rollback
     * returns to it. On any failure nothing changes.
     */
    public synchronized Reload promote(RuleKind kind, ScriptSource candidate) {
        LiveRule slot = live.get(kind);
        String liveHash = slot.get().hash();
        Path file = config.scripts().get(kind);
        if (file == null) {
            return new Reload(kind, Reload.Outcome.REJECTED, liveHash, kind.id() + " runs the bundled default (no scripts/" + kind.fileName()
                    + "); copy the default there first so the promoted version has a file to live in and a rollback has one to restore");
        }
        if (candidate.hash().equals(liveHash)) {
            return new Reload(kind, Reload.Outcome.UNCHANGED, liveHash, candidate.name() + " is the live version already");
        }
        CompiledScript compiled = null;
        try {
            compiled = compile(candidate, kind);
            Replay.Report report = replay.run(compiled);
            Instant now = clock.instant();
            ScriptSource promoted = new ScriptSource(config.names().get(kind), file, candidate.text());
            AtomicFile.write(file, candidate.text());
            archive.accepted(kind, promoted, now);
            CompiledScript old = slot.swap(compiled);
            old.close();
            String message = candidate.name() + " promoted: version " + compiled.hash().substring(0, 12) + " is live in " + config.names().get(kind)
                    + " (replayed on " + report.basis() + "); version " + liveHash.substring(0, 12) + " is archived for rollback";
            states.put(kind, new RulesStatus.RuleState(kind, promoted.name(), fileName(kind), compiled.hash(), now, "accepted", now, message));
            writeStatus();
            log.info("{}: {}", kind.id(), message);
            return new Reload(kind, Reload.Outcome.ACCEPTED, compiled.hash(), message);
        } catch (RuleException e) {
            if (compiled != null) {
                compiled.close();
            }
            String message = RuleException.then(e.getMessage(), "not promoted, version " + liveHash.substring(0, 12) + " stays live");
            log.error("{}", message);
            event(kind, "rejected", message);
            return new Reload(kind, Reload.Outcome.REJECTED, liveHash, message);
        }
    }

    /**
     * Compiles {@code source} as a {@code kind} rule with the configured limits (the live versions,
     * and shadow rules, which the caller closes). A weight rule is warmed up on input of this
     * deployment's size: its keywords over its feedback windows.
     */
    public CompiledScript compile(ScriptSource source, RuleKind kind) {
        return runtime.compile(source, kind, config.limits(), new CompiledScript.WarmUpSize(keywordWeights.get().size(), config.windows()));
    }

    /** Starts reloading rules when their files change (only rules read from a file). */
    public synchronized void watch(Scheduler scheduler) {
        if (watcher != null || config.scripts().isEmpty()) {
            return;
        }
        Map<Path, RuleKind> files = new java.util.HashMap<>();
        config.scripts().forEach((kind, file) -> files.put(file, kind));
        watcher = new RuleWatcher(files, scheduler, DEBOUNCE, this::reload);
        watcher.start();
        log.debug("Watching {} rule file(s) for changes", files.size());
    }

    public synchronized RulesStatus status() {
        return new RulesStatus(runtime.describe(), clock.instant(), List.copyOf(states.values()));
    }

    /** Where this Flywheel writes its rules status for {@code flywheel status}. */
    public static Path statusFile(Path dataDir) {
        return dataDir.resolve("rules").resolve("status.properties");
    }

    /** What a rollback did: {@code file} now holds version {@code to} instead of {@code from}. */
    public record Rollback(RuleKind kind, String from, String to, Path file) {}

    /**
     * Puts the version that was live before the latest one back into {@code kind}'s file and
     * records it in the archive. A running Flywheel watching the file reloads it (replayed like
     * any change); otherwise it is loaded at the next start. Works without a running Flywheel.
     */
    public static Rollback rollback(RulesConfig config, Path dataDir, RuleKind kind, Clock clock) {
        Path file = config.scripts().get(kind);
        if (file == null) {
            throw new RuleException(kind.id() + ": runs the bundled default (no scripts/" + kind.fileName()
                    + " and none configured under rules:), so there is no file to roll back");
        }
        RuleArchive archive = archive(dataDir);
        String latest = archive.latest(kind).orElseThrow(() -> new RuleException(kind.id() + ": no version has gone live yet in "
                + archive.root() + "; nothing to roll back"));
        String previous = archive.previous(kind).orElseThrow(() -> new RuleException(kind.id() + ": version " + latest.substring(0, 12)
                + " is the only one that has gone live; there is no earlier version to roll back to"));
        ScriptSource text = archive.read(kind, previous).orElseThrow(() -> new RuleException(kind.id() + ": the archived text of version "
                + previous.substring(0, 12) + " is missing from " + archive.root()));
        AtomicFile.write(file, text.text());
        archive.rolledBack(kind, latest, previous, clock.instant());
        return new Rollback(kind, latest, previous, file);
    }

    /** The rule whose archive history changed last (what a rollback without a name means). */
    public static Optional<RuleKind> lastChanged(Path dataDir) {
        RuleArchive archive = archive(dataDir);
        return java.util.Arrays.stream(RuleKind.values()).filter(k -> !archive.history(k).isEmpty())
                .max(java.util.Comparator.comparing(k -> archive.history(k).getLast().time()));
    }

    /** The archive of versions that went live, for {@code flywheel rules rollback}. */
    public static RuleArchive archive(Path dataDir) {
        return new RuleArchive(dataDir.resolve("rules"));
    }

    private synchronized void event(RuleKind kind, String event, String message) {
        RulesStatus.RuleState s = states.get(kind);
        if (s != null) {
            states.put(kind, s.withEvent(event, clock.instant(), message));
            writeStatus();
        }
    }

    private void writeStatus() {
        try {
            status().write(statusFile);
        } catch (RuntimeException e) {
            log.warn("Cannot write the rules status to {}: {}", statusFile, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
        live.values().forEach(l -> l.get().close());
    }
}
