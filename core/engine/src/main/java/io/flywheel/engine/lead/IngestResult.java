package io.flywheel.engine.lead;

import io.flywheel.api.lead.Lead;
import java.util.List;

/**
 * What one source run contributed.
 *
 * @param found postings the source returned
 * @param rejected postings without a usable title
 * @param duplicates postings already stored (or repeated within the run)
 * @param stored the new leads, best score first
 */
public record IngestResult(String sourceId, int found, int rejected, int duplicates, List<Lead> stored) {
    public IngestResult {
        stored = List.copyOf(stored);
    }
}
