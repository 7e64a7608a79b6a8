package io.flywheel.engine.app;

import io.flywheel.engine.command.Controls;
import io.flywheel.engine.trading.PaperTrader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code /strategies} on the live paper book: each strategy's equity and capital weight. */
record TraderControl(PaperTrader trader, List<String> ids) implements Controls.Strategies {

    @Override
    public Optional<String> unavailable() {
        return Optional.empty();
    }

    @Override
    public String report(String id) {
        Optional<PaperTrader.Snapshot> snap = trader.snapshot();
        if (snap.isEmpty()) {
            return "The paper book has not read its markets yet; try again in a moment.";
        }
        PaperTrader.Snapshot s = snap.get();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "**Paper book** since %s, last bar %s: equity %.2f (%+.2f%% on %.2f)", s.start(), s.lastBar(), s.equity(),
                100 * (s.equity() / s.capital() - 1), s.capital()));
        lines.add("```");
        lines.add(String.format(Locale.ROOT, "%-20s %12s %8s", "strategy", "equity", "weight"));
        for (String sid : ids) {
            if (id != null && !id.equals(sid)) {
                continue;
            }
            Double eq = s.equities().get(sid);
            Double w = s.weights().get(sid);
            lines.add(String.format(Locale.ROOT, "%-20s %12s %8s", sid.length() > 20 ? sid.substring(0, 20) : sid,
                    eq == null ? "-" : String.format(Locale.ROOT, "%.2f", eq), w == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * w)));
        }
        lines.add("```");
        s.problems().forEach(p -> lines.add("Problem: " + p));
        return String.join("\n", lines);
    }
}
