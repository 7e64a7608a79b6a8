package io.flywheel.engine.app;

import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.lead.SourceQuery;
import io.flywheel.api.lead.SourceResult;
import io.flywheel.engine.config.HostSettings;
import io.flywheel.engine.lead.IngestResult;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.lead.LeadPipeline;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one configured source: fetch, hand to the pipeline, keep its health. A failing source is
 * paused with growing backoff; a source that suddenly finds nothing is reported as possibly stale.
 */
final class SourceRunner {
    private static final Logger log = LoggerFactory.getLogger(SourceRunner.class);
    static final Duration MAX_PAUSE = Duration.ofHours(6);

    private final String id;
    private final LeadSource source;
    private final HostSettings.Source settings;
    private final LeadPipeline pipeline;
    private final KeywordWeights weights;
    private final Clock clock;
    private final RandomGenerator random;
    private final Runnable forgetHttpValidators;
    private final ReentrantLock running = new ReentrantLock();
    private volatile SourceHealth health;

    SourceRunner(String id, LeadSource source, HostSettings.Source settings, LeadPipeline pipeline, KeywordWeights weights, Clock clock, RandomGenerator random) {
        this(id, source, settings, pipeline, weights, clock, random, SourceHealth.fresh(id));
    }

    /** @param previous the health this source had when the last process stopped (from the status file) */
    SourceRunner(String id, LeadSource source, HostSettings.Source settings, LeadPipeline pipeline, KeywordWeights weights, Clock clock,
            RandomGenerator random, SourceHealth previous) {
        this(id, source, settings, pipeline, weights, clock, random, previous, () -> {});
    }

    /**
     * @param forgetHttpValidators called when a run fails, so the conditional GET of the next run does
     *     not answer 304 for a page this run fetched but could not ingest
     */
    SourceRunner(String id, LeadSource source, HostSettings.Source settings, LeadPipeline pipeline, KeywordWeights weights, Clock clock,
            RandomGenerator random, SourceHealth previous, Runnable forgetHttpValidators) {
        this.id = id;
        this.forgetHttpValidators = forgetHttpValidators;
        this.source = source;
        this.settings = settings;
        this.pipeline = pipeline;
        this.weights = weights;
        this.clock = clock;
        this.random = random;
        this.health = previous;
    }

    String id() {
        return id;
    }

    LeadSource source() {
        return source;
    }

    SourceHealth health() {
        return health;
    }

    /** Runs once unless a run of this source is already in progress. Never throws. */
    SourceRun run() {
        return run(IngestOrder.NONE);
    }

    /**
     * Runs once as part of a round: fetches at once, ingests when the sources before it in
     * {@code order} have. Never throws; always marks this source done in {@code order}.
     */
    SourceRun run(IngestOrder order) {
        Instant started = clock.instant();
        if (!running.tryLock()) {
            order.done(id);
            return new SourceRun(id, started, Duration.ZERO, 0, 0, 0, 0, "skipped: the previous run is still going");
        }
        boolean interrupted = false;
        Duration waited = Duration.ZERO;
        try {
            SourceResult result = source.fetch(new SourceQuery(weights.top(settings.focus())));
            if (result == null) {
                throw new IllegalStateException("the source returned no result (null)");
            }
            Instant waiting = clock.instant();
            try {
                order.awaitTurn(id);
            } catch (InterruptedException e) {
                // Ingest now rather than lose the fetch, with the flag cleared: the store's journal is a
                // FileChannel, which an interrupted thread closes (and the store then fails). Re-set after.
                interrupted = true;
            }
            waited = Duration.between(waiting, clock.instant());
            IngestResult r = pipeline.ingest(id, settings.platform() == null ? id : settings.platform(), result.leads());
            Duration took = Duration.between(started, clock.instant()).minus(waited);   // this source's own time, not its turn's
            SourceHealth before = health;
            if (result.unchanged()) {
                health = new SourceHealth(id, started, started, 0, null, before.lastFound(), null, before.warning());
                log.debug("Source {}: not modified since its last run", id);
                return new SourceRun(id, started, took, 0, 0, 0, 0, null, true);
            }
            String warning = null;
            if (r.found() == 0) {
                if (before.lastFound() > 0) {
                    warning = "found no items where its last run found " + before.lastFound() + ": its selectors or URL may be stale";
                    log.warn("Source {} {}", id, warning);
                } else if (before.warning() != null) {
                    warning = before.warning();
                } else if (before.lastFound() < 0) {
                    warning = "found no items on its first run: check its selectors and URL";
                    log.warn("Source {} {}", id, warning);
                }
            }
            health = new SourceHealth(id, started, started, 0, null, r.found(), null, warning);
            log.debug("Source {}: {} found, {} new, {} duplicate, {} rejected in {} ms", id, r.found(), r.stored().size(), r.duplicates(), r.rejected(), took.toMillis());
            return new SourceRun(id, started, took, r.found(), r.rejected(), r.duplicates(), r.stored().size(), null);
        } catch (Exception | LinkageError e) {
            // Masked here, not only in the log: the error is also shown by /sources, flywheel status and the status file.
            String error = io.flywheel.engine.log.SecretMasker.mask(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            forgetHttpValidators.run();
            SourceHealth before = health;
            int failures = before.consecutiveFailures() + 1;
            Instant pausedUntil = failures >= 2 ? clock.instant().plus(pause(failures)) : null;
            health = new SourceHealth(id, started, before.lastSuccess(), failures, error, before.lastFound(), pausedUntil, before.warning());
            if (pausedUntil != null) {
                log.warn("Source {} failed ({} in a row), paused until {}: {}", id, failures, pausedUntil, error);
            } else {
                log.warn("Source {} failed: {}", id, error);
            }
            log.debug("Source {} failure", id, e);
            return new SourceRun(id, started, Duration.between(started, clock.instant()).minus(waited), 0, 0, 0, 0, error);
        } finally {
            order.done(id);
            running.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Delay until the next run: the interval plus jitter, or the pause of a failing source. */
    Duration nextDelay() {
        Duration jitter = settings.jitter().isZero() ? Duration.ZERO : Duration.ofMillis(random.nextLong(settings.jitter().toMillis() + 1));
        Duration regular = settings.every().plus(jitter);
        SourceHealth h = health;
        if (h.pausedUntil() != null) {
            Duration pause = Duration.between(clock.instant(), h.pausedUntil());
            return pause.compareTo(regular) > 0 ? pause : regular;
        }
        return regular;
    }

    /** The rest of a pause from the last process, if this source is still paused: its first run waits it out. */
    Optional<Duration> pauseLeft() {
        Instant until = health.pausedUntil();
        Instant now = clock.instant();
        return until != null && until.isAfter(now) ? Optional.of(Duration.between(now, until)) : Optional.empty();
    }

    private Duration pause(int failures) {
        return Backoff.doubled(settings.every(), Math.min(failures - 1, 10), MAX_PAUSE);
    }
}
