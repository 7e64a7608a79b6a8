/** Outputs: where posts go, and the deliveries that let the outbox forget them. */
package io.flywheel.api.output;
