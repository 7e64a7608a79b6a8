package io.flywheel.engine.trading;

import io.flywheel.api.market.Bar;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Which symbol a strategy trades, once its market has delivered bars. */
public final class Markets {
    private static final Logger log = LoggerFactory.getLogger(Markets.class);

    private Markets() {}

    /**
     * The configured symbol, or the market's only symbol when none is configured.
     *
     * @throws IllegalStateException naming the strategy when the market has several symbols and none was chosen
     */
    public static String symbolFor(String strategyId, String marketId, String configured, List<Bar> bars) {
        Set<String> symbols = new LinkedHashSet<>();
        bars.forEach(b -> symbols.add(b.symbol()));
        if (configured != null) {
            if (!symbols.isEmpty() && !symbols.contains(configured)) {
                log.warn("strategies[{}]: market {} delivered no bars of {} (it has {})", strategyId, marketId, configured, symbols);
            }
            return configured;
        }
        if (symbols.size() == 1) {
            return symbols.iterator().next();
        }
        throw new IllegalStateException("strategies[" + strategyId + "]: symbol: required, market " + marketId + " delivers "
                + (symbols.isEmpty() ? "no bars yet" : String.join(", ", symbols)));
    }
}
