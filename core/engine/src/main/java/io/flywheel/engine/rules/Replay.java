package io.flywheel.engine.rules;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.config.Durations;
import io.flywheel.engine.feedback.Aggregate;
import io.flywheel.engine.feedback.Dimension;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.store.LeadQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Runs a candidate version against recorded history before it may go live: it must finish within
 * the limits on every call and return valid output. The lead rule scores the newest stored leads;
 * the keyword rule is called as it would have been at the end of each of the last {@code windows}
 * feedback windows, with the weights then in force; the strategy rule walks forward through the
 * recorded trade returns of those windows. Without history each gets a small synthetic check.
 */
final class Replay {
    static final int LEADS = 200;

    private final RuleHistory history;
    private final RulesConfig config;
    private final Supplier<Map<String, Double>> keywordWeights;
    private final Clock clock;

    /** @param calls how many calls the candidate passed; @param basis what it was replayed on, for people */
    record Report(int calls, String basis) {}

    Replay(RuleHistory history, RulesConfig config, Supplier<Map<String, Double>> keywordWeights, Clock clock) {
        this.history = history;
        this.config = config;
        this.keywordWeights = keywordWeights;
        this.clock = clock;
    }

    /** Throws {@link RuleException} naming the script when any replayed call fails or returns something invalid. */
    Report run(CompiledScript candidate) {
        return switch (candidate.kind()) {
            case LEAD_SCORE -> leads(candidate);
            case KEYWORD_WEIGHTS -> keywords(candidate);
            case STRATEGY_WEIGHTS -> strategies(candidate);
        };
    }

    private Report leads(CompiledScript candidate) {
        List<Lead> leads = history.leads().query(LeadQuery.newest(LEADS));
        String basis = "the newest " + leads.size() + " stored lead(s)";
        if (leads.isEmpty()) {
            leads = sampleLeads(keywordWeights.get().keySet().stream().limit(2).toList(), clock.instant());
            basis = "3 sample leads (none stored yet)";
        }
        JsLeadScorer.strict(candidate, clock).score(leads, keywordWeights.get());
        return new Report((leads.size() + JsLeadScorer.DEFAULT_BATCH - 1) / JsLeadScorer.DEFAULT_BATCH, basis);
    }

    private Report keywords(CompiledScript candidate) {
        Instant now = clock.instant();
        Duration window = config.window();
        int windows = config.windows();
        Map<String, Double> live = keywordWeights.get();
        Map<Instant, Map<String, Aggregate>> memo = new HashMap<>();
        KeywordStats.Windows source = (from, to) -> memo.computeIfAbsent(from, f -> history.feedback().aggregate(Dimension.KEYWORD, from, to));
        List<WeightSet> applied = history.weights().history(WeightSet.Kind.KEYWORD, Instant.EPOCH, now);
        long seed = now.toEpochMilli();
        for (int k = windows - 1; k >= 0; k--) {
            Instant end = now.minus(window.multipliedBy(k));
            Map<String, Double> current = inForce(applied, end, live);
            KeywordStats stats = KeywordStats.collect(source, live.keySet(), end, window, windows, seed + k);
            WeightRules.call(candidate, stats.json(), current, live.keySet());
        }
        return new Report(windows, "the last " + windows + " feedback window(s) of " + Durations.format(window));
    }

    /** The weights in force at {@code at}: the last set applied before it, on the live keywords. */
    private static Map<String, Double> inForce(List<WeightSet> applied, Instant at, Map<String, Double> live) {
        WeightSet last = null;
        for (WeightSet s : applied) {
            if (s.time().isBefore(at)) {
                last = s;
            }
        }
        if (last == null) {
            return live;
        }
        Map<String, Double> out = new LinkedHashMap<>(live);
        for (Map.Entry<String, Double> e : last.weights().entrySet()) {
            if (out.containsKey(e.getKey()) && Double.isFinite(e.getValue()) && e.getValue() >= 0) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out.values().stream().allMatch(v -> v == 0) ? live : out;
    }

    private Report strategies(CompiledScript candidate) {
        Instant now = clock.instant();
        Duration window = config.window();
        int windows = config.windows();
        Instant start = now.minus(window.multipliedBy(windows));
        List<FeedbackEvent> trades = history.feedback().events(start, now, Set.of(FeedbackEvent.Type.TRADE_RETURN));
        Set<String> ids = new TreeSet<>();
        trades.forEach(e -> ids.add(e.subject()));
        if (ids.isEmpty()) {
            Map<String, List<Double>> returns = Map.of("replay-a", List.of(0.01, -0.005), "replay-b", List.of(-0.01, 0.002));
            WeightRules.call(candidate, Json.returns(returns), Map.of("replay-a", 0.5, "replay-b", 0.5), Set.of("replay-a", "replay-b"));
            return new Report(1, "a synthetic two-strategy check (no trade returns recorded yet)");
        }
        Map<String, Double> current = new LinkedHashMap<>();
        history.weights().history(WeightSet.Kind.STRATEGY, Instant.EPOCH, start).stream().reduce((a, b) -> b)
                .ifPresent(s -> s.weights().forEach((k, v) -> {
                    if (ids.contains(k) && Double.isFinite(v) && v >= 0) current.put(k, v);
                }));
        if (current.values().stream().allMatch(v -> v == 0)) {
            current.clear();
            ids.forEach(id -> current.put(id, 1.0 / ids.size()));
        }
        int calls = 0;
        int at = 0;
        for (int k = windows - 1; k >= 0; k--) {
            Instant end = now.minus(window.multipliedBy(k));
            Map<String, List<Double>> returns = new LinkedHashMap<>();
            while (at < trades.size() && trades.get(at).time().isBefore(end)) {
                FeedbackEvent e = trades.get(at++);
                returns.computeIfAbsent(e.subject(), s -> new ArrayList<>()).add(e.value());
            }
            if (returns.isEmpty()) {
                continue;
            }
            Map<String, Double> next = WeightRules.call(candidate, Json.returns(returns), current, ids);
            double sum = next.values().stream().mapToDouble(Double::doubleValue).sum();
            current.clear();
            next.forEach((k2, v) -> current.put(k2, v / sum));
            calls++;
        }
        return new Report(calls, trades.size() + " recorded trade return(s) of " + ids.size() + " strateg" + (ids.size() == 1 ? "y" : "ies")
                + " over the last " + windows + " window(s)");
    }

    /** A few leads covering the shapes a rule must cope with: keywords in and out of the title, missing fields, old and new. */
    static List<Lead> sampleLeads(List<String> keywords, Instant now) {
        String a = keywords.isEmpty() ? "engineer" : keywords.getFirst();
        String b = keywords.size() < 2 ? a : keywords.get(1);
        return List.of(
                new Lead("https://example.org/replay/1", "replay", "replay", "Senior " + a + " engineer", "https://example.org/replay/1",
                        "We use " + b + " every day.", "Example Co", "Remote", "$150k", now.minus(Duration.ofHours(3)), now, List.of(a, b), 0),
                new Lead("fp:replay-2", "replay", "replay", "Untitled posting", null, null, null, null, null, null, now, List.of(), 0),
                new Lead("https://example.org/replay/3", "replay", "other", "Old " + b + " role", "https://example.org/replay/3", "",
                        null, null, null, now.minus(Duration.ofDays(400)), now, List.of(b), 0));
    }
}
