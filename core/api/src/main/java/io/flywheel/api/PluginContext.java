package io.flywheel.api;

import io.flywheel.api.command.CommandDispatcher;
import io.flywheel.api.feedback.EngagementSink;
import io.flywheel.api.http.HttpFetcher;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;

/**
 * The narrow set of host services lent to one configured instance. Everything that reads the
 * time or waits goes through {@link #clock()} and {@link #scheduler()} so tests run on a fake
 * clock without sleeping.
 */
public interface PluginContext {

    /** The instance's {@code id} from config.yml. */
    String instanceId();

    Clock clock();

    Scheduler scheduler();

    /** Polite HTTP: per-host limits, robots.txt, conditional GET, retries with backoff. */
    HttpFetcher http();

    /** A logger named for this instance; secrets are masked by the host. */
    Logger log();

    /** A private folder for this instance's state, created on first use. */
    Path workDir();

    /** The {@code limit} highest-weighted keywords right now, for sources that search by keyword. */
    List<String> topKeywords(int limit);

    /** Where an output reports what people did with its posts. */
    EngagementSink engagement();

    /** The host's command router, for outputs that accept commands (a chat bot). */
    CommandDispatcher commands();
}
