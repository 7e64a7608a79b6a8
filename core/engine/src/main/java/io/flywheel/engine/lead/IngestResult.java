package io.flywheel.engine.lead;

import io.flywheel.api.lead.Lead;
import java.util.List;

/**
 * What one source run contributed.
 *
 * @param found postings the source returned
 * @param rejected postings without a usable title
 * @param duplicates postings already stored (or repeated within the run), including the cross-posts
 *     linked to an earlier lead
 * @param stored the new leads, best score first
 * @param linked of the duplicates, the cross-posts linked to an earlier lead on another platform
 */
public record IngestResult(String sourceId, int found, int rejected, int duplicates, List<Lead> stored, int linked) {
    public IngestResult {
        stored = List.copyOf(stored);
    }

    public IngestResult(String sourceId, int found, int rejected, int duplicates, List<Lead> stored) {
        this(sourceId, found, rejected, duplicates, stored, 0);
    }
}
