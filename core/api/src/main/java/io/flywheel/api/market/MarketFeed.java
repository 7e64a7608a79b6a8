package io.flywheel.api.market;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One configured market data feed for one or more symbols. */
@FunctionalInterface
public interface MarketFeed extends AutoCloseable {

    /**
     * Bars whose open time is after {@code since} ({@code null}: every bar available), sorted by
     * time per symbol.
     *
     * @throws io.flywheel.api.FlywheelException naming the file and line, or URL, of bad data
     */
    List<Bar> fetch(Instant since) throws Exception;

    /**
     * Bars after each symbol's own last bar: for a symbol in {@code since}, those whose open time
     * is after its instant; for any other, those after {@code others} ({@code null}: every bar
     * available). The paper book polls this way, so a symbol that stopped trading does not make
     * every poll read the other symbols' bars again from where it stopped.
     *
     * <p>The default calls {@link #fetch(Instant)} from the oldest of them and drops what each
     * symbol already has. A feed that requests each symbol on its own (an exchange API) should
     * override it and ask each from its own instant.
     */
    default List<Bar> fetch(Map<String, Instant> since, Instant others) throws Exception {
        Instant oldest = others;
        for (Instant t : since.values()) {
            oldest = oldest == null ? null : t.isBefore(oldest) ? t : oldest;
        }
        return fetch(oldest).stream().filter(b -> {
            Instant after = since.getOrDefault(b.symbol(), others);
            return after == null || b.time().isAfter(after);
        }).toList();
    }

    @Override
    default void close() throws Exception {}
}
