package io.flywheel.api.lead;

import java.util.List;

/**
 * What one run of a source found.
 *
 * @param leads the postings listed now (repeats of earlier runs are expected)
 * @param unchanged every page the source reads answered "not modified": nothing was listed
 *     because nothing changed, not because the listing is empty
 */
public record SourceResult(List<RawLead> leads, boolean unchanged) {
    public SourceResult {
        leads = leads == null ? List.of() : List.copyOf(leads);
        if (unchanged && !leads.isEmpty()) {
            throw new IllegalArgumentException("an unchanged result carries no leads");
        }
    }

    public static SourceResult of(List<RawLead> leads) {
        return new SourceResult(leads, false);
    }

    public static SourceResult unchangedSinceLastRun() {
        return new SourceResult(List.of(), true);
    }
}
