package io.flywheel.engine.app;

import io.flywheel.engine.command.Controls;
import io.flywheel.engine.trading.PaperTrader;
import java.util.ArrayList;
import java.util.List;
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
        lines.add("**Paper book** " + TradingStatusFile.StrategyTable.headline(s));
        lines.add("```");
        lines.addAll(TradingStatusFile.StrategyTable.rows(s, ids, id));
        lines.add("```");
        s.problems().forEach(p -> lines.add("Problem: " + p));
        return String.join("\n", lines);
    }
}
