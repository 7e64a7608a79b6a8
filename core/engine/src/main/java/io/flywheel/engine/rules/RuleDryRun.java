package io.flywheel.engine.rules;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.config.Settings;
import io.flywheel.engine.learning.FreezeSwitch;
import io.flywheel.engine.learning.Guardrails;
import io.flywheel.engine.learning.LearningLoop;
import io.flywheel.engine.store.LeadQuery;
import io.flywheel.engine.text.Cells;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * {@code flywheel rules test FILE}: what a candidate version would do now, applying nothing.
 * Whether it would pass the replay a reload runs, the weights it would produce against the live
 * ones (keyword weights also as {@code learning.max-change} would clamp them, which is what an
 * update sets), and which stored leads would rank differently.
 */
public final class RuleDryRun {
    private RuleDryRun() {}

    /** A lead whose position would change: ranks are 1-based, best first. */
    public record Move(Lead lead, int rankBefore, int rankAfter, double scoreBefore, double scoreAfter) {}

    /**
     * @param replay what the replay said: {@code null} when it passed
     * @param replayBasis what it replayed on
     * @param liveWeights the weights in force ({@code null} for a lead rule)
     * @param weights what the candidate would set ({@code null} for a lead rule): keyword weights after {@code learning.max-change}
     * @param proposed what the keyword rule returned before the clamp ({@code null} unless a keyword rule)
     * @param clamped the clamp's note ({@code ±0.394: backend -0.438->-0.394}), {@code null} when nothing was clamped
     * @param skipped why an update would set nothing now (frozen, too little feedback), then {@code weights} are the live ones;
     *     {@code null} when it would run the rule
     * @param leadsCompared how many stored leads were re-ranked
     * @param moves the leads that would move, largest moves first
     */
    public record Report(RuleKind kind, String candidate, String candidateHash, String live, String replay, String replayBasis,
            Map<String, Double> liveWeights, Map<String, Double> weights, Map<String, Double> proposed, String clamped, String skipped, int leadsCompared,
            List<Move> moves) {}

    /**
     * @param liveWeights the keyword weights in force
     * @param leads how many of the newest stored leads to re-rank
     * @param learning {@code learning:}: the keyword weights shown are what an update would set (min-feedback, max-change)
     * @param freeze whether learning is frozen: then an update sets nothing
     */
    public static Report run(RulesConfig config, JsRuntime runtime, RuleHistory history, KeywordWeights liveWeights, Path dataDir,
            ScriptSource candidateSource, RuleKind kind, Clock clock, RandomGenerator random, int leads, Settings.Learning learning,
            FreezeSwitch freeze) {
        RuleArchive archive = Rules.archive(dataDir);
        try (CompiledScript candidate = runtime.compile(candidateSource, kind, config.limits());
                CompiledScript liveLeadRule = runtime.compile(liveSource(config, archive, RuleKind.LEAD_SCORE), RuleKind.LEAD_SCORE, config.limits())) {
            Replay replay = new Replay(history, config, liveWeights::get, clock);
            String replayError = null;
            String basis;
            try {
                basis = replay.run(candidate).basis();
            } catch (RuleException e) {
                replayError = e.getMessage();
                basis = null;
            }
            List<Lead> stored = history.leads().query(LeadQuery.newest(leads));
            Map<String, Double> keywords = liveWeights.get();
            String liveName = liveSource(config, archive, kind).name();
            return switch (kind) {
                case LEAD_SCORE -> {
                    List<Move> moves = replayError == null && !stored.isEmpty()
                            ? moves(stored, JsLeadScorer.strict(liveLeadRule, clock).score(stored, keywords), JsLeadScorer.strict(candidate, clock).score(stored, keywords))
                            : List.of();
                    yield new Report(kind, candidateSource.name(), candidate.hash(), liveName, replayError, basis, null, null, null, null, null, stored.size(), moves);
                }
                case KEYWORD_WEIGHTS -> {
                    KeywordWeightUpdater updater = new KeywordWeightUpdater(new LiveRule(kind, candidate), history, liveWeights, config, clock, random, e -> {});
                    Map<String, Double> next = null;
                    Map<String, Double> proposed = null;
                    String clamped = null;
                    String skipped = null;
                    List<Move> moves = List.of();
                    String error = replayError;
                    try {
                        // the rule runs even when an update would not, for the RULE column: the windows are read either way
                        KeywordStats stats = updater.stats();
                        Optional<LearningLoop.Skip> skip = LearningLoop.skip(freeze, learning, () -> stats);
                        KeywordWeightUpdater.Proposal p = updater.propose(candidate, stats);
                        proposed = p.after();
                        if (skip.isPresent()) {
                            skipped = skip.get().reason();
                            next = new LinkedHashMap<>(keywords);
                        } else {
                            Guardrails.Clamp c = Guardrails.clampEach(p.before(), p.after(), learning.maxChange());
                            next = c.weights();
                            if (!c.clamped().isEmpty()) {
                                clamped = c.summary();
                            }
                        }
                        if (!stored.isEmpty() && skipped == null) {
                            JsLeadScorer scorer = JsLeadScorer.strict(liveLeadRule, clock);
                            moves = moves(stored, scorer.score(stored, keywords), scorer.score(stored, next));
                        }
                    } catch (RuleException e) {
                        error = error == null ? e.getMessage() : error;
                    }
                    yield new Report(kind, candidateSource.name(), candidate.hash(), liveName, error, basis, keywords, next, proposed, clamped, skipped, stored.size(), moves);
                }
                case STRATEGY_WEIGHTS -> {
                    Map<String, Double> current = strategyWeights(history, clock.instant());
                    Map<String, List<Double>> returns = returnsSince(history, clock.instant(), config);
                    Map<String, Double> next = null;
                    String error = replayError;
                    if (!current.isEmpty() || !returns.isEmpty()) {
                        try {
                            Set<String> known = new TreeSet<>(current.keySet());
                            known.addAll(returns.keySet());
                            next = WeightRules.call(candidate, Json.returns(returns), current, known);
                        } catch (RuleException e) {
                            error = error == null ? e.getMessage() : error;
                        }
                    }
                    yield new Report(kind, candidateSource.name(), candidate.hash(), liveName, error, basis, current, next, null, null, null, 0, List.of());
                }
            };
        }
    }

    /** The version running now: the last that went live, else what is configured. */
    private static ScriptSource liveSource(RulesConfig config, RuleArchive archive, RuleKind kind) {
        Optional<ScriptSource> archived = archive.latest(kind).flatMap(h -> archive.read(kind, h));
        return archived.orElseGet(() -> config.source(kind));
    }

    private static Map<String, Double> strategyWeights(RuleHistory history, Instant now) {
        return history.weights().latest(WeightSet.Kind.STRATEGY).map(WeightSet::weights).map(LinkedHashMap::new).orElseGet(LinkedHashMap::new);
    }

    /** Trade returns since the last strategy weight update (or the last window when there was none), per strategy. */
    private static Map<String, List<Double>> returnsSince(RuleHistory history, Instant now, RulesConfig config) {
        Instant from = history.weights().latest(WeightSet.Kind.STRATEGY).map(WeightSet::time).orElse(now.minus(config.window()));
        Map<String, List<Double>> out = new LinkedHashMap<>();
        for (FeedbackEvent e : history.feedback().events(from, now.plusMillis(1), Set.of(FeedbackEvent.Type.TRADE_RETURN))) {
            out.computeIfAbsent(e.subject(), s -> new ArrayList<>()).add(e.value());
        }
        return out;
    }

    /** The report as lines, for a terminal or a chat message. */
    public static List<String> describe(Report r) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "Dry run of %s (%s, sha %s) against the live %s; nothing is applied.", r.candidate(), r.kind().id(),
                r.candidateHash().substring(0, 12), r.live()));
        if (r.replay() == null) {
            out.add("Replay:  passes on " + r.replayBasis() + ": a reload would put it live.");
        } else {
            out.add("Replay:  FAILS, so a reload would keep the live version:");
            out.add("  " + r.replay());
        }
        if (r.kind() != RuleKind.LEAD_SCORE) {
            if (r.weights() == null) {
                out.add(r.liveWeights() == null || r.liveWeights().isEmpty() ? "Weights: nothing to compute yet (no strategies or trade returns recorded)."
                        : "Weights: none (see above).");
            } else {
                boolean keywords = r.proposed() != null;
                // an update sets nothing when frozen or short of feedback, else clamps to learning.max-change: NEW is what it would set, RULE what the rule said
                out.add(keywords ? "Weights it would set now (RULE: what the rule returns; NEW: what an update sets after learning's freeze, min-feedback and max-change):"
                        : "Weights it would set now:");
                out.add(String.format(Locale.ROOT, "  %-24s %10s " + (keywords ? "%10s " : "%s") + "%10s %10s", keywords ? "KEYWORD" : "STRATEGY", "LIVE",
                        keywords ? "RULE" : "", "NEW", "CHANGE"));
                TreeSet<String> names = new TreeSet<>(r.weights().keySet());
                names.addAll(r.liveWeights().keySet());
                for (String k : names) {
                    Double was = r.liveWeights().get(k);
                    Double now = r.weights().get(k);
                    out.add(String.format(Locale.ROOT, "  %s %10s " + (keywords ? "%10s " : "%s") + "%10s %10s", Cells.pad(k, 24), number(was),
                            keywords ? number(r.proposed().get(k)) : "", number(now),
                            was == null || now == null ? "" : String.format(Locale.ROOT, "%+.3f", now - was)));
                }
                if (r.clamped() != null) {
                    out.add("  learning.max-change clamped each move to " + r.clamped());
                }
                if (r.skipped() != null) {
                    out.add("  An update now would set nothing: " + r.skipped() + "; NEW is the weights in force.");
                }
            }
        }
        if (r.kind() != RuleKind.STRATEGY_WEIGHTS) {
            if (r.leadsCompared() == 0) {
                out.add("Ranking: no stored leads to compare yet.");
            } else {
                out.add(String.format(Locale.ROOT, "Ranking of the newest %d stored lead(s): %d would move.", r.leadsCompared(), r.moves().size()));
                if (!r.moves().isEmpty()) {
                    out.add(String.format(Locale.ROOT, "  %-12s %-18s %s", "RANK", "SCORE", "LEAD"));
                }
                r.moves().stream().limit(20).forEach(m -> out.add(String.format(Locale.ROOT, "  %-12s %-18s %s (%s)", m.rankBefore() + " -> " + m.rankAfter(),
                        String.format(Locale.ROOT, "%.2f -> %.2f", m.scoreBefore(), m.scoreAfter()), Cells.cut(m.lead().title(), 70), m.lead().sourceId())));
                if (r.moves().size() > 20) {
                    out.add("  ... and " + (r.moves().size() - 20) + " more");
                }
            }
        }
        return out;
    }

    private static String number(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.3f", d);
    }

    static List<Move> moves(List<Lead> leads, double[] before, double[] after) {
        int[] rankBefore = ranks(leads, before);
        int[] rankAfter = ranks(leads, after);
        List<Move> moves = new ArrayList<>();
        for (int i = 0; i < leads.size(); i++) {
            if (rankBefore[i] != rankAfter[i]) {
                moves.add(new Move(leads.get(i), rankBefore[i], rankAfter[i], before[i], after[i]));
            }
        }
        moves.sort(Comparator.comparingInt((Move m) -> -Math.abs(m.rankBefore() - m.rankAfter())).thenComparingInt(Move::rankAfter));
        return moves;
    }

    private static int[] ranks(List<Lead> leads, double[] scores) {
        Integer[] order = new Integer[leads.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparing(i -> leads.get(i).key()));
        int[] rank = new int[order.length];
        for (int r = 0; r < order.length; r++) {
            rank[order[r]] = r + 1;
        }
        return rank;
    }
}
