package io.flywheel.engine.rules;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.feedback.Aggregate;
import io.flywheel.engine.feedback.Dimension;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.lead.PostingPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code flywheel rules evaluate FILE}: how a candidate {@code keyword-weights.js} would have done
 * on the recorded history, by inverse propensity scoring ({@link OffPolicy}), before it goes live.
 *
 * <p>The candidate is replayed at every recorded keyword update (the same windows of feedback the
 * live rule saw, its own previous weights as {@code current}), which gives the weights it would
 * have had in force at each source run. Each logged run's candidates are scored with those
 * weights by the live {@code lead-score.js}; for each logged post slot, the candidate policy (same
 * {@code posting:} limit and exploration, the candidate's weights) gives the logged choice the
 * probability {@code q}, the log says it had {@code p}, and the lead's engagement is the reward
 * (1 if anyone engaged: interested, applied or won). The feedback the candidate's updates read is
 * what the live policy's posts earned: the usual approximation of replaying a learning rule.
 */
public final class RuleEvaluation {
    private RuleEvaluation() {}

    /**
     * @param runs logged source runs with posting decisions
     * @param explored how many of them could explore (a limit and explore > 0)
     * @param updates recorded keyword updates the candidate was replayed at
     * @param missingLeads posted leads no longer in the store (their runs are skipped)
     * @param estimate the IPS figures; {@code null} when the log has no exploration
     * @param problem why there is no estimate, or {@code null}
     */
    public record Report(String candidate, String candidateHash, String leadRule, int runs, int explored, int updates, int missingLeads,
            OffPolicy.Estimate estimate, double loggedRate, int posts, String problem, Map<String, Double> finalWeights) {}

    private record Run(Instant time, String sourceId, List<FeedbackEvent> found) {}

    /**
     * @param initialWeights the weights the deployment starts from ({@code keywords:} in config.yml)
     * @param now the end of the history to read
     */
    public static Report run(RulesConfig config, JsRuntime runtime, RuleHistory history, Map<String, Double> initialWeights, Path dataDir,
            ScriptSource candidateSource, Instant now) {
        RuleArchive archive = Rules.archive(dataDir);
        ScriptSource leadSource = archive.latest(RuleKind.LEAD_SCORE).flatMap(h -> archive.read(RuleKind.LEAD_SCORE, h))
                .orElseGet(() -> config.source(RuleKind.LEAD_SCORE));
        try (CompiledScript candidate = runtime.compile(candidateSource, RuleKind.KEYWORD_WEIGHTS, config.limits());
                CompiledScript leadRule = runtime.compile(leadSource, RuleKind.LEAD_SCORE, config.limits())) {
            Instant end = now.plusMillis(1);
            List<FeedbackEvent> found = history.feedback().events(Instant.EPOCH, end, Set.of(FeedbackEvent.Type.FOUND));
            // engaged: some user still holds a positive step on it (what was taken back does not count)
            io.flywheel.engine.feedback.Standings standings = new io.flywheel.engine.feedback.Standings();
            for (FeedbackEvent e : history.feedback().events(Instant.EPOCH, end,
                    Set.of(FeedbackEvent.Type.INTERESTED, FeedbackEvent.Type.APPLIED, FeedbackEvent.Type.WON, FeedbackEvent.Type.RETRACTED))) {
                standings.add(e);
            }
            Set<String> engaged = standings.engagedSubjects();
            List<Run> runs = runs(found);
            int explored = 0;
            int posts = 0;
            double rewards = 0;
            for (Run r : runs) {
                Map<String, Double> c = r.found().getFirst().context();
                if (c.containsKey(PostingPolicy.LIMIT) && c.getOrDefault(PostingPolicy.EXPLORE, 0.0) > 0) {
                    explored++;
                }
                for (FeedbackEvent e : r.found()) {
                    if (e.context().getOrDefault(PostingPolicy.SLOT, -1.0) >= 0) {
                        posts++;
                        rewards += engaged.contains(e.subject()) ? 1 : 0;
                    }
                }
            }
            double loggedRate = posts == 0 ? Double.NaN : rewards / posts;
            if (runs.isEmpty()) {
                return new Report(candidateSource.name(), candidate.hash(), leadSource.name(), 0, 0, 0, 0, null, loggedRate, posts,
                        "no posting decisions are recorded yet (leads found before the posting policy was in place carry none)", initialWeights);
            }
            if (explored == 0) {
                return new Report(candidateSource.name(), candidate.hash(), leadSource.name(), runs.size(), 0, 0, 0, null, loggedRate, posts,
                        "the log has no exploration (posting: has no max-per-run, or explore is 0), so every lead the live rule did not "
                                + "rank first had probability 0 of being posted and IPS cannot tell what another rule would have earned; set "
                                + "posting.max-per-run and posting.explore (e.g. 0.05) and let feedback accumulate",
                        initialWeights);
            }
            List<WeightSet> updates = history.weights().history(WeightSet.Kind.KEYWORD, Instant.EPOCH, end);
            Map<Instant, Map<String, Aggregate>> memo = new HashMap<>();
            KeywordStats.Windows windows = (from, to) -> memo.computeIfAbsent(from, f -> history.feedback().aggregate(Dimension.KEYWORD, from, to));
            Map<String, Double> weights = new LinkedHashMap<>(initialWeights);
            List<OffPolicy.Slot> slots = new ArrayList<>();
            int missing = 0;
            int u = 0;
            for (Run run : runs) {
                while (u < updates.size() && updates.get(u).time().isBefore(run.time())) {
                    Instant at = updates.get(u).time();
                    KeywordStats stats = KeywordStats.collect(windows, weights.keySet(), at, config.window(), config.windows(), at.toEpochMilli());
                    weights = new LinkedHashMap<>(WeightRules.call(candidate, stats.json(), weights, weights.keySet()));
                    u++;
                }
                Map<String, Double> ctx = run.found().getFirst().context();
                if (!ctx.containsKey(PostingPolicy.LIMIT) || !(ctx.getOrDefault(PostingPolicy.EXPLORE, 0.0) > 0)) {
                    continue;
                }
                List<Lead> leads = new ArrayList<>();
                for (FeedbackEvent e : run.found()) {
                    Optional<Lead> lead = history.leads().get(e.subject());
                    if (lead.isEmpty()) {
                        break;
                    }
                    leads.add(lead.get());
                }
                if (leads.size() < run.found().size()) {
                    missing++;
                    continue;
                }
                double[] scores = JsLeadScorer.strict(leadRule, Clock.fixed(run.time(), ZoneOffset.UTC)).score(leads, weights);
                slots.addAll(slots(run, scores, engaged));
            }
            for (; u < updates.size(); u++) {
                Instant at = updates.get(u).time();
                KeywordStats stats = KeywordStats.collect(windows, weights.keySet(), at, config.window(), config.windows(), at.toEpochMilli());
                weights = new LinkedHashMap<>(WeightRules.call(candidate, stats.json(), weights, weights.keySet()));
            }
            return new Report(candidateSource.name(), candidate.hash(), leadSource.name(), runs.size(), explored, updates.size(), missing,
                    OffPolicy.estimate(slots), loggedRate, posts, slots.isEmpty() ? "no explored run has all its leads still stored" : null, weights);
        }
    }

    /** FOUND events with posting decisions, grouped into source runs (same source, same time), in order of the run's input. */
    private static List<Run> runs(List<FeedbackEvent> found) {
        Map<String, List<FeedbackEvent>> groups = new LinkedHashMap<>();
        for (FeedbackEvent e : found) {
            if (e.context().containsKey(PostingPolicy.SLOT) && e.context().containsKey(PostingPolicy.ORDER)) {
                groups.computeIfAbsent(e.time() + " " + e.sourceId(), k -> new ArrayList<>()).add(e);
            }
        }
        List<Run> out = new ArrayList<>();
        for (List<FeedbackEvent> g : groups.values()) {
            g.sort(Comparator.comparingDouble(e -> e.context().get(PostingPolicy.ORDER)));
            out.add(new Run(g.getFirst().time(), g.getFirst().sourceId(), List.copyOf(g)));
        }
        out.sort(Comparator.comparing(Run::time));
        return out;
    }

    /** The run's logged post slots with the candidate policy's probability of each logged choice. */
    static List<OffPolicy.Slot> slots(Run run, double[] scores, Set<String> engaged) {
        List<FeedbackEvent> found = run.found();
        double explore = found.getFirst().context().get(PostingPolicy.EXPLORE);
        List<Integer> remaining = new ArrayList<>();
        Map<Integer, Integer> bySlot = new java.util.TreeMap<>();
        for (int i = 0; i < found.size(); i++) {
            remaining.add(i);
            int slot = (int) Math.round(found.get(i).context().getOrDefault(PostingPolicy.SLOT, -1.0));
            if (slot >= 0) {
                bySlot.put(slot, i);
            }
        }
        List<OffPolicy.Slot> out = new ArrayList<>();
        for (int chosen : bySlot.values()) {
            int top = remaining.getFirst();
            for (int i : remaining) {
                if (scores[i] > scores[top]) {
                    top = i;
                }
            }
            double q = PostingPolicy.propensity(chosen == top, remaining.size(), explore);
            double p = found.get(chosen).context().get(PostingPolicy.PROPENSITY);
            out.add(new OffPolicy.Slot(engaged.contains(found.get(chosen).subject()) ? 1 : 0, p, q));
            remaining.remove(Integer.valueOf(chosen));
        }
        return out;
    }

    public static List<String> describe(Report r) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "Off-policy evaluation of %s (keyword-weights, sha %s) on the recorded history, scored by %s; nothing is applied.",
                r.candidate(), r.candidateHash().substring(0, 12), r.leadRule()));
        out.add(String.format(Locale.ROOT, "History: %,d source run(s) with posting decisions, %,d post(s), %,d run(s) that could explore, %,d keyword update(s).",
                r.runs(), r.posts(), r.explored(), r.updates()));
        out.add(String.format(Locale.ROOT, "Logged policy (what really ran): %s engaged posts per post.", Double.isNaN(r.loggedRate()) ? "n/a" : fmt(r.loggedRate())));
        if (r.estimate() == null || r.estimate().n() == 0) {
            out.add("Candidate: no estimate. " + r.problem());
            return out;
        }
        OffPolicy.Estimate e = r.estimate();
        out.add(String.format(Locale.ROOT, "Candidate (IPS):                 %s engaged posts per post, 95%% CI [%s, %s] over %,d logged post slot(s)",
                fmt(e.estimate()), fmt(e.low()), fmt(e.high()), e.n()));
        out.add(String.format(Locale.ROOT, "  logged rate on the same slots %s; self-normalized estimate %s; effective sample size %,.0f of %,d",
                fmt(e.loggedRate()), fmt(e.selfNormalized()), e.effectiveSampleSize(), e.n()));
        if (r.missingLeads() > 0) {
            out.add(String.format(Locale.ROOT, "  %,d run(s) skipped: some of their leads are no longer stored", r.missingLeads()));
        }
        if (e.effectiveSampleSize() < 100) {
            out.add("  Few effective samples: the candidate mostly posts what the live rule did not, and the log explored those rarely; trust the interval, not the point.");
        }
        out.add(e.high() < e.loggedRate() ? "Verdict: worse than the live rule (the whole interval is below the logged rate)."
                : e.low() > e.loggedRate() ? "Verdict: better than the live rule (the whole interval is above the logged rate)."
                : "Verdict: not distinguishable from the live rule on this history.");
        return out;
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.4f", x);
    }
}
