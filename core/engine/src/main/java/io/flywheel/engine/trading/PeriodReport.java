package io.flywheel.engine.trading;

import java.time.Instant;
import java.util.Map;

/**
 * One rebalance period closed: what each strategy returned on its own capital, the weights that
 * were in force and the weights the rule chose for the next period.
 *
 * @param returns per strategy, its sub-account's return over the period (0.01 is +1%)
 * @param equity per strategy, its sub-account equity at the end of the period, before rebalancing
 * @param ruleError why the rule's answer was not used (the weights were kept), or {@code null}
 */
public record PeriodReport(Instant start, Instant end, Map<String, Double> returns, Map<String, Double> weightsBefore,
        Map<String, Double> weightsAfter, Map<String, Double> equity, String ruleError) {
    public PeriodReport {
        returns = Map.copyOf(returns);
        weightsBefore = Map.copyOf(weightsBefore);
        weightsAfter = Map.copyOf(weightsAfter);
        equity = Map.copyOf(equity);
    }
}
