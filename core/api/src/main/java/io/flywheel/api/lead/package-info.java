/** Lead sources: what a source finds ({@link io.flywheel.api.lead.RawLead}) and what the host stores ({@link io.flywheel.api.lead.Lead}). */
package io.flywheel.api.lead;
