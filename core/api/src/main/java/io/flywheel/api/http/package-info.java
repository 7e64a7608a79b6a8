/** The HTTP fetcher the host lends to plugins, with politeness and retries built in. */
package io.flywheel.api.http;
