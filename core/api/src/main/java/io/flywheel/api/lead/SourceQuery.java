package io.flywheel.api.lead;

import java.util.List;

/**
 * What the host asks of a source on one run.
 *
 * @param focusKeywords the highest-weighted keywords now, for sources that search by keyword
 */
public record SourceQuery(List<String> focusKeywords) {
    public SourceQuery {
        focusKeywords = focusKeywords == null ? List.of() : List.copyOf(focusKeywords);
    }
}
