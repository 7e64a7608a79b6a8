/** Market data: bars and the feeds that yield them. */
package io.flywheel.api.market;
