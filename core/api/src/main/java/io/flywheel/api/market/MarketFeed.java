package io.flywheel.api.market;

import java.time.Instant;
import java.util.List;

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

    @Override
    default void close() throws Exception {}
}
