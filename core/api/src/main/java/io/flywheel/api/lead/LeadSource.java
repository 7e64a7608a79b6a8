package io.flywheel.api.lead;

/**
 * One configured source of leads. The host calls {@link #fetch} at the source's interval, on a
 * virtual thread, and never twice at once for the same instance.
 */
@FunctionalInterface
public interface LeadSource extends AutoCloseable {

    /**
     * Fetches the postings currently listed. Repeats of earlier postings are expected: the host
     * deduplicates.
     *
     * @throws io.flywheel.api.FlywheelException with a message naming the URL or field at fault;
     *     the host records it against this source and keeps the others running
     */
    SourceResult fetch(SourceQuery query) throws Exception;

    /** Releases resources (browser sessions, connections). */
    @Override
    default void close() throws Exception {}
}
