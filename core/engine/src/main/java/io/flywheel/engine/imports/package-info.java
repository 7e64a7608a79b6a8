/** Bringing leads in from elsewhere: the prototype's SQLite table, through the same normalization and dedup as a source run. */
package io.flywheel.engine.imports;
