package io.flywheel.engine.trading;

import io.flywheel.api.output.Post;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How signals and weight changes look as posts. Ids are stable, so a replayed bar makes the same post id. */
public final class SignalPosts {
    /** Weight changes smaller than this (in absolute weight) for every strategy are not posted. */
    static final double WEIGHT_NOTICE = 0.05;

    private SignalPosts() {}

    public static Post signal(Signal s) {
        String verb = switch (s.kind()) {
            case ENTRY -> s.toExposure() > 0 ? "BUY" : "SELL SHORT";
            case EXIT -> s.fromExposure() > 0 ? "SELL" : "BUY TO COVER";
            case RESIZE -> "RESIZE";
            case FAILED -> "STOPPED";
        };
        String title = s.kind() == Signal.Kind.FAILED
                ? s.strategyId() + " stopped trading " + s.symbol() + ": " + s.note()
                : verb + " " + s.symbol() + " (" + s.strategyId() + ")";
        List<Post.Field> fields = new ArrayList<>();
        fields.add(new Post.Field("Strategy", s.strategyId(), true));
        fields.add(new Post.Field("Symbol", s.symbol(), true));
        fields.add(new Post.Field("Close", String.format(Locale.ROOT, "%.6g", s.price()), true));
        fields.add(new Post.Field("Exposure", BacktestReport.pct(s.fromExposure()) + " -> " + BacktestReport.pct(s.toExposure()), true));
        fields.add(new Post.Field("Capital", String.format(Locale.ROOT, "%.2f", s.capital()), true));
        String body = "Paper trade: decided at the close of the bar at " + s.time() + "; fills at the next bar's open.";
        return new Post(id(s.strategyId() + '|' + s.time() + '|' + s.kind()), Post.Kind.SIGNAL, s.strategyId(), title, null, body, fields, s.time());
    }

    /** A post about new capital weights, or {@code null} when no weight moved by {@link #WEIGHT_NOTICE}. */
    public static Post weights(PeriodReport p) {
        boolean moved = p.weightsAfter().entrySet().stream()
                .anyMatch(e -> Math.abs(e.getValue() - p.weightsBefore().getOrDefault(e.getKey(), 0.0)) >= WEIGHT_NOTICE);
        if (!moved && p.ruleError() == null) {
            return null;
        }
        List<Post.Field> fields = new ArrayList<>();
        for (Map.Entry<String, Double> e : p.weightsAfter().entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            fields.add(new Post.Field(e.getKey(), String.format(Locale.ROOT, "%.1f%% (was %.1f%%; period %s)", e.getValue() * 100,
                    p.weightsBefore().getOrDefault(e.getKey(), 0.0) * 100, BacktestReport.pct(p.returns().getOrDefault(e.getKey(), 0.0))), false));
        }
        String title = p.ruleError() == null ? "Strategy weights updated" : "Strategy weights kept: the rule failed";
        String body = p.ruleError() == null ? "Capital moves to these weights from the next bar." : p.ruleError();
        return new Post(id("weights|" + p.end()), Post.Kind.SIGNAL, "weights", title, null, body, fields, p.end());
    }

    private static String id(String key) {
        return io.flywheel.engine.post.PostIds.of("signal-", key);
    }
}
