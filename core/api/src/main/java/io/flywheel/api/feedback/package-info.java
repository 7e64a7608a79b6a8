/** What people do with posts, reported by outputs so the host can learn from it. */
package io.flywheel.api.feedback;
