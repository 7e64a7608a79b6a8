package io.flywheel.engine.app;

import io.flywheel.api.ComponentFactory;
import io.flywheel.api.PluginContext;
import io.flywheel.api.Scheduler;
import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.output.Output;
import io.flywheel.api.output.Post;
import io.flywheel.engine.command.CommandRouter;
import io.flywheel.engine.config.ComponentKind;
import io.flywheel.engine.config.FlywheelConfig;
import io.flywheel.engine.config.HostSettings;
import io.flywheel.engine.config.Settings;
import io.flywheel.engine.feedback.EngagementRecorder;
import io.flywheel.engine.feedback.WeightHistory;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.http.DefaultHttpFetcher;
import io.flywheel.engine.lead.KeywordMatcher;
import io.flywheel.engine.lead.KeywordScorer;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.lead.LeadNormalizer;
import io.flywheel.engine.lead.LeadPipeline;
import io.flywheel.engine.lead.NearDuplicates;
import io.flywheel.engine.lead.UrlCanonicalizer;
import io.flywheel.engine.output.OutboxDispatcher;
import io.flywheel.engine.store.MapDbStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds everything with plain constructors in a readable order
 * (config, store, services, plugins' instances, outputs, pipeline, scheduler) and runs it.
 */
public final class Flywheel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Flywheel.class);
    static final Duration RETENTION_EVERY = Duration.ofHours(6);
    private static final java.util.concurrent.Executor VIRTUAL = r -> Thread.ofVirtual().name("flywheel-source").start(r);

    private final Preflight.Result preflight;
    private final Clock clock;
    private final Scheduler scheduler;
    private final MapDbStore store;
    private final Settings.Store storeSettings;
    private final KeywordWeights weights;
    private final Map<String, Output> outputs;
    private final OutboxDispatcher dispatcher;
    private final List<SourceRunner> sources;
    private final Map<String, Scheduler.Cancellable> scheduled = new ConcurrentHashMap<>();
    private final Object inFlightLock = new Object();
    private volatile Instant lastPrune;
    private int inFlight;
    private volatile boolean stopping;

    private Flywheel(Preflight.Result preflight, Clock clock, Scheduler scheduler, MapDbStore store, Settings.Store storeSettings,
            KeywordWeights weights, Map<String, Output> outputs, OutboxDispatcher dispatcher, List<SourceRunner> sources) {
        this.preflight = preflight;
        this.clock = clock;
        this.scheduler = scheduler;
        this.store = store;
        this.storeSettings = storeSettings;
        this.weights = weights;
        this.outputs = outputs;
        this.dispatcher = dispatcher;
        this.sources = sources;
    }

    /** Builds a runnable Flywheel from a preflight without errors. */
    public static Flywheel assemble(Preflight.Result pre, Clock clock, Scheduler scheduler, RandomGenerator random) {
        if (pre.problems().hasErrors()) {
            throw new IllegalStateException("preflight has errors; run `flywheel check`");
        }
        FlywheelConfig config = pre.requireConfig();
        MapDbStore store = MapDbStore.open(config.store().path(), storeOptions(config.store()), clock);
        try {
            KeywordWeights weights = new KeywordWeights(initialWeights(config, store, clock));
            DefaultHttpFetcher http = new DefaultHttpFetcher(config.http(), clock, scheduler, random);
            EngagementRecorder engagement = new EngagementRecorder(store, store);
            CommandRouter commands = new CommandRouter(pre.plugins().catalog().commands(), Set.of());
            java.nio.file.Path dataDir = config.store().path().toAbsolutePath().getParent();

            Map<String, Output> outputs = new LinkedHashMap<>();
            List<String> leadOutputs = new ArrayList<>();
            for (BoundInstance b : pre.instances(ComponentKind.OUTPUT)) {
                PluginContext ctx = new HostContext(b.id(), "output", clock, scheduler, http, dataDir, weights, engagement, commands);
                outputs.put(b.id(), (Output) create(b, ctx));
                if (b.instance().host(HostSettings.Output.class).kinds().contains(Post.Kind.LEAD)) {
                    leadOutputs.add(b.id());
                }
            }
            LeadNormalizer normalizer = new LeadNormalizer(new UrlCanonicalizer(config.store().trackingParams()),
                    new KeywordMatcher(config.keywords().keySet()));
            NearDuplicates near = new NearDuplicates(store, config.store().nearDuplicates());
            near.seed(clock.instant());
            LeadPipeline pipeline = new LeadPipeline(normalizer, store, new KeywordScorer(), weights::get, leadOutputs, clock, near);
            OutboxDispatcher dispatcher = new OutboxDispatcher(store, store, outputs, clock);

            List<SourceRunner> sources = new ArrayList<>();
            for (BoundInstance b : pre.instances(ComponentKind.SOURCE)) {
                PluginContext ctx = new HostContext(b.id(), "source", clock, scheduler, http, dataDir, weights, engagement, commands);
                LeadSource source = (LeadSource) create(b, ctx);
                sources.add(new SourceRunner(b.id(), source, b.instance().host(HostSettings.Source.class), pipeline, weights, clock, random));
            }
            return new Flywheel(pre, clock, scheduler, store, config.store(), weights, outputs, dispatcher, sources);
        } catch (RuntimeException | LinkageError e) {
            store.close();
            throw e;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object create(BoundInstance b, PluginContext ctx) {
        ComponentFactory factory = b.factory().factory();
        try {
            Object made = factory.create(b.config(), ctx);
            if (made == null) {
                throw new IllegalStateException("factory returned null");
            }
            return made;
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException(b.instance().path() + ": " + b.instance().kind().label() + " type '" + b.instance().type()
                    + "' (plugin " + b.factory().pluginId() + ") failed to start: " + e.getMessage(), e);
        }
    }

    /** The store options {@code store:} in config.yml asks for. */
    public static MapDbStore.Options storeOptions(Settings.Store s) {
        MapDbStore.Sync sync = s.fsync() == Settings.Store.Fsync.BATCH ? MapDbStore.Sync.BATCH : MapDbStore.Sync.INTERVAL;
        return MapDbStore.Options.defaults().withSync(sync).withCheckpointInterval(s.checkpoint());
    }

    /** Retention: drops lead bodies older than {@code store.retention}; their keys stay, so they are never posted again. */
    public int pruneNow() {
        if (storeSettings.retention().isZero()) {
            return 0;
        }
        try {
            return store.prune(clock.instant().minus(storeSettings.retention()));
        } catch (RuntimeException e) {
            log.warn("Retention: pruning old lead bodies failed: {}", e.getMessage());
            return 0;
        }
    }

    /** Prunes when the last pruning is {@link #RETENTION_EVERY} old; called after runs, so an idle Flywheel schedules nothing. */
    private void pruneIfDue() {
        Instant now = clock.instant();
        Instant last = lastPrune;
        if (last == null || !now.isBefore(last.plus(RETENTION_EVERY))) {
            lastPrune = now;
            pruneNow();
        }
    }

    private static Map<String, Double> initialWeights(FlywheelConfig config, MapDbStore store, Clock clock) {
        if (store.latest(WeightSet.Kind.KEYWORD).isEmpty()) {
            store.append(new WeightSet(clock.instant(), WeightSet.Kind.KEYWORD, config.keywords(), "config", "initial weights from config.yml"));
        }
        return weightsInForce(config, store);
    }

    /** The configured keywords with the weights learned for them last (configured weights for new keywords). */
    public static Map<String, Double> weightsInForce(FlywheelConfig config, WeightHistory history) {
        Map<String, Double> weights = new LinkedHashMap<>(config.keywords());
        history.latest(WeightSet.Kind.KEYWORD).ifPresent(learned -> learned.weights().forEach((k, v) -> weights.computeIfPresent(k, (kk, c) -> v)));
        return weights;
    }

    /** Runs every source once, concurrently, then drains the outbox. */
    public List<SourceRun> runOnce() {
        pruneIfDue();
        List<CompletableFuture<SourceRun>> runs = sources.stream()
                .map(s -> CompletableFuture.supplyAsync(s::run, VIRTUAL))
                .toList();
        List<SourceRun> results = runs.stream().map(CompletableFuture::join).toList();
        dispatcher.flush();
        return results;
    }

    /** Schedules every source at its interval (with jitter) until {@link #stop}. */
    public void start() {
        store.flushWith(scheduler);
        pruneIfDue();
        for (SourceRunner s : sources) {
            schedule(s, s.firstDelay());
        }
        log.info("Running {} source(s) and {} output(s); Ctrl-C to stop", sources.size(), outputs.size());
    }

    private void schedule(SourceRunner s, Duration delay) {
        if (stopping) {
            return;
        }
        scheduled.put(s.id(), scheduler.schedule(delay, () -> runScheduled(s)));
    }

    private void runScheduled(SourceRunner s) {
        synchronized (inFlightLock) {
            if (stopping) {
                return;
            }
            inFlight++;
        }
        try {
            SourceRun run = s.run();
            if (!run.failed() && run.stored() > 0) {
                log.info("{}: {} new lead(s) ({} found, {} already known)", s.id(), run.stored(), run.found(), run.duplicates());
            }
            dispatcher.flush();
            pruneIfDue();
        } catch (RuntimeException e) {
            log.error("Run of {} failed unexpectedly: {}", s.id(), e.toString());
        } finally {
            synchronized (inFlightLock) {
                inFlight--;
                inFlightLock.notifyAll();
            }
            schedule(s, s.nextDelay());
        }
    }

    /** Stops scheduling, lets runs in flight finish (up to {@code grace}), then drains the outbox once more. */
    public void stop(Duration grace) {
        stopping = true;
        scheduled.values().forEach(Scheduler.Cancellable::cancel);
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (inFlightLock) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    log.warn("{} source run(s) still going after {}; stopping anyway (their batch is not stored)", inFlight, grace);
                    break;
                }
                try {
                    inFlightLock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        dispatcher.flush();
    }

    public List<SourceHealth> health() {
        return sources.stream().map(SourceRunner::health).toList();
    }

    public MapDbStore store() {
        return store;
    }

    public KeywordWeights weights() {
        return weights;
    }

    public Instant now() {
        return clock.instant();
    }

    public Preflight.Result preflight() {
        return preflight;
    }

    @Override
    public void close() {
        stopping = true;
        for (SourceRunner s : sources) {
            closeQuietly("source " + s.id(), s.source());
        }
        outputs.forEach((id, o) -> closeQuietly("output " + id, o));
        store.close();
        preflight.plugins().close();
    }

    private static void closeQuietly(String what, AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("Closing {}: {}", what, e.toString());
        }
    }
}
