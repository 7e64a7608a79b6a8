package io.flywheel.engine.app;

import io.flywheel.api.ComponentFactory;
import io.flywheel.api.PluginContext;
import io.flywheel.api.Scheduler;
import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.output.Output;
import io.flywheel.api.output.Post;
import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandDispatcher;
import io.flywheel.api.command.CommandProgress;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.engine.command.Admins;
import io.flywheel.engine.command.CommandRouter;
import io.flywheel.engine.command.Controls;
import io.flywheel.engine.command.EngineCommands;
import io.flywheel.engine.config.ComponentKind;
import io.flywheel.engine.config.FlywheelConfig;
import io.flywheel.engine.config.HostSettings;
import io.flywheel.engine.config.Settings;
import io.flywheel.engine.trading.PaperTrader;
import io.flywheel.engine.feedback.EngagementRecorder;
import io.flywheel.engine.feedback.WeightHistory;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.http.DefaultHttpFetcher;
import io.flywheel.engine.lead.KeywordMatcher;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.lead.LeadNormalizer;
import io.flywheel.engine.lead.LeadPipeline;
import io.flywheel.engine.lead.PostingPolicy;
import io.flywheel.engine.lead.NearDuplicates;
import io.flywheel.engine.lead.UrlCanonicalizer;
import io.flywheel.engine.learning.LearningSetup;
import io.flywheel.engine.log.SecretMasker;
import io.flywheel.engine.output.OutboxDispatcher;
import io.flywheel.engine.rules.JsRuntime;
import io.flywheel.engine.rules.RuleHistory;
import io.flywheel.engine.rules.Rules;
import io.flywheel.engine.rules.RulesConfig;
import io.flywheel.engine.store.MapDbStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    static final Duration OUTBOX_RETRY = Duration.ofSeconds(30);
    static final Duration RETENTION_EVERY = Duration.ofHours(6);
    /**
     * A market whose poll failed is tried again after this, then after twice as long at each failure
     * in a row, never later than its {@code every}: a daily feed that fails once does not wait a day.
     */
    static final Duration MARKET_RETRY_FIRST = Duration.ofMinutes(1);
    private static final java.util.concurrent.Executor VIRTUAL = r -> Thread.ofVirtual().name("flywheel-source").start(r);
    static final Duration ONCE_READY_WAIT = Duration.ofSeconds(30);
    /**
     * How long a source in a round waits for the ones listed before it to store theirs
     * ({@link IngestOrder}): one that has not fetched by then (hung, or slow past its HTTP retries)
     * no longer holds the others' leads.
     */
    static final Duration ROUND_WAIT = Duration.ofMinutes(2);

    private final Preflight.Result preflight;
    private final Clock clock;
    private final Scheduler scheduler;
    private final MapDbStore store;
    private final Settings.Store storeSettings;
    private final KeywordWeights weights;
    private final Rules rules;
    private final Map<String, Output> outputs;
    private final OutboxDispatcher dispatcher;
    private final List<SourceRunner> sources;
    private final TradingSetup trading;
    private final PaperTrader trader;
    private final LearningSetup learning;
    private final CommandRouter commands;
    private final SourceStatusFile statusFile;
    private final TradingStatusFile tradingStatus;
    /** The last poll of each market, for {@link #tradingStatus}; guarded by itself. */
    private final Map<String, TradingStatusFile.Poll> polls = new LinkedHashMap<>();
    private final Map<String, Scheduler.Cancellable> scheduled = new ConcurrentHashMap<>();
    private final Object inFlightLock = new Object();
    private volatile Instant lastPrune;
    private int inFlight;
    private volatile boolean stopping;

    private Flywheel(Preflight.Result preflight, Clock clock, Scheduler scheduler, MapDbStore store, Settings.Store storeSettings, KeywordWeights weights,
            Rules rules, Map<String, Output> outputs, OutboxDispatcher dispatcher, List<SourceRunner> sources, CommandRouter commands,
            SourceStatusFile statusFile, TradingSetup trading, PaperTrader trader, LearningSetup learning) {
        this.preflight = preflight;
        this.clock = clock;
        this.scheduler = scheduler;
        this.store = store;
        this.storeSettings = storeSettings;
        this.weights = weights;
        this.rules = rules;
        this.outputs = outputs;
        this.dispatcher = dispatcher;
        this.sources = sources;
        this.trading = trading;
        this.trader = trader;
        this.learning = learning;
        this.commands = commands;
        this.statusFile = statusFile;
        this.tradingStatus = TradingStatusFile.besideStore(storeSettings.path());
    }

    /** Builds a runnable Flywheel from a preflight without errors. */
    public static Flywheel assemble(Preflight.Result pre, Clock clock, Scheduler scheduler, RandomGenerator random) {
        return assemble(pre, clock, scheduler, random, JsRuntime::start);
    }

    /**
     * @param javaScript the JavaScript runtime the rules run on (for example one started with
     *     {@link JsRuntime#startInBackground()} while the preflight ran); the Flywheel owns and closes it
     */
    public static Flywheel assemble(Preflight.Result pre, Clock clock, Scheduler scheduler, RandomGenerator random,
            java.util.function.Supplier<JsRuntime> javaScript) {
        if (pre.problems().hasErrors()) {
            throw new IllegalStateException("preflight has errors; run `flywheel check`");
        }
        FlywheelConfig config = pre.requireConfig();
        MapDbStore store = MapDbStore.open(config.store().path(), storeOptions(config.store()), clock);
        JsRuntime js = null;
        Rules rules = null;
        // What assembly made that holds threads, connections or files, closed newest first if a later step fails.
        java.util.ArrayDeque<java.util.Map.Entry<String, AutoCloseable>> made = new java.util.ArrayDeque<>();
        try {
            KeywordWeights weights = new KeywordWeights(initialWeights(config, store, clock));
            DefaultHttpFetcher http = new DefaultHttpFetcher(config.http(), clock, scheduler, random);
            EngagementRecorder engagement = new EngagementRecorder(store, store);
            // Outputs get the router before it exists (it needs the outbox, which needs the outputs).
            LateDispatcher commands = new LateDispatcher();
            java.nio.file.Path dataDir = config.store().path().toAbsolutePath().getParent();
            js = javaScript.get();
            rules = Rules.open(RulesConfig.of(config), js, new RuleHistory(store, store, store), weights, dataDir, clock, random);
            LearningSetup learning = LearningSetup.of(config, rules, store, dataDir, clock);
            made.push(java.util.Map.entry("learning", learning));

            Map<String, Output> outputs = new LinkedHashMap<>();
            List<String> leadOutputs = new ArrayList<>();
            List<String> signalOutputs = new ArrayList<>();
            for (BoundInstance b : pre.instances(ComponentKind.OUTPUT)) {
                PluginContext ctx = new HostContext(b.id(), "output", clock, scheduler, http.forCaller("output/" + b.id()), dataDir, weights, engagement, commands);
                outputs.put(b.id(), (Output) create(b, ctx));
                made.push(java.util.Map.entry("output " + b.id(), outputs.get(b.id())));
                if (b.instance().host(HostSettings.Output.class).kinds().contains(Post.Kind.LEAD)) {
                    leadOutputs.add(b.id());
                }
                if (b.instance().host(HostSettings.Output.class).kinds().contains(Post.Kind.SIGNAL)) {
                    signalOutputs.add(b.id());
                }
            }
            LeadNormalizer normalizer = new LeadNormalizer(new UrlCanonicalizer(config.store().trackingParams()),
                    new KeywordMatcher(config.keywords().keySet()));
            NearDuplicates near = new NearDuplicates(store, config.store().nearDuplicates());
            near.seed(clock.instant());
            LeadPipeline pipeline = new LeadPipeline(normalizer, store, rules.leadScorer(), weights::get, leadOutputs, clock, near,
                    new PostingPolicy(config.posting(), random));
            OutboxDispatcher dispatcher = new OutboxDispatcher(store, store, outputs, clock);

            SourceStatusFile statusFile = SourceStatusFile.besideStore(config.store().path());
            SourceStatusFile.Snapshot previous = statusFile.read();
            List<SourceRunner> sources = new ArrayList<>();
            for (BoundInstance b : pre.instances(ComponentKind.SOURCE)) {
                // each source its own conditional-GET validators, dropped when its run fails
                DefaultHttpFetcher.Caller sourceHttp = http.forCaller("source/" + b.id());
                PluginContext ctx = new HostContext(b.id(), "source", clock, scheduler, sourceHttp, dataDir, weights, engagement, commands);
                LeadSource source = (LeadSource) create(b, ctx);
                made.push(java.util.Map.entry("source " + b.id(), source));
                sources.add(new SourceRunner(b.id(), source, b.instance().host(HostSettings.Source.class), pipeline, weights, clock, random,
                        previous.sources().getOrDefault(b.id(), SourceHealth.fresh(b.id())), sourceHttp::forgetValidators));
            }
            TradingSetup trading = null;
            PaperTrader trader = null;
            if (!config.enabled(ComponentKind.STRATEGY).isEmpty()) {
                trading = TradingSetup.of(pre, (kind, id) -> new HostContext(id, kind, clock, scheduler, http.forCaller(kind + "/" + id), dataDir, weights, engagement, commands),
                        Flywheel::create);
                made.push(java.util.Map.entry("trading", trading::close));
                Settings.Trading t = config.trading();
                var rule = rules.strategyWeightRule();
                trader = new PaperTrader(new PaperTrader.Setup(trading.specs(), trading.feeds(), trading.book(t.startInstant(), t.minWeight()), trading.costs(),
                        learning.guard(rule, t.minWeight()), rule::scriptHash, signalOutputs, dataDir.resolve("trading"), trading.every()), store, store, store, clock);
            }
            List<String> strategyIds = pre.instances(ComponentKind.STRATEGY).stream().map(BoundInstance::id).toList();
            EngineCommands.Services services = new EngineCommands.Services(store, store, store, weights, engagement, dispatcher,
                    new SourceControl(sources, dispatcher), new RuleControls(rules, store, weights, dataDir, clock, random, learning),
                    trader == null ? Controls.Strategies.notInThisBuild(strategyIds) : new TraderControl(trader, trading.specs().stream().map(PaperTrader.Spec::id).toList()),
                    new PluginControl(pre.plugins()), clock);
            Admins admins = Admins.parse(config.commands().adminUsers(), config.commands().adminRoles());
            CommandRouter router = EngineCommands.router(services, pre.plugins().catalog().commands(), admins);
            commands.bind(router);
            return new Flywheel(pre, clock, scheduler, store, config.store(), weights, rules, outputs, dispatcher, sources, router, statusFile, trading, trader,
                    learning);
        } catch (RuntimeException | LinkageError e) {
            made.forEach(m -> closeQuietly(m.getKey(), m.getValue()));
            if (rules != null) {
                rules.close();
            }
            if (js != null) {
                js.close();
            }
            store.close();
            throw e;
        }
    }

    static Object createInstance(BoundInstance b, PluginContext ctx) {
        return create(b, ctx);
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

    /** Retention: drops the bodies of leads found more than {@code store.retention} ago; their keys stay, so they are never posted again. */
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

    /**
     * Runs every source once, concurrently (ingesting in config order, {@link IngestOrder}), and
     * polls every market once, then drains the outbox.
     */
    public List<SourceRun> runOnce() {
        pruneIfDue();
        IngestOrder order = openRound(sources);
        List<SourceRun> results;
        try {
            List<CompletableFuture<SourceRun>> runs = sources.stream()
                    .map(s -> CompletableFuture.supplyAsync(() -> s.run(order), VIRTUAL))
                    .toList();
            if (trader != null) {
                pollTrading(null);
            }
            results = runs.stream().map(CompletableFuture::join).toList();
        } finally {
            closeRound(order);   // also when a source's run or the trading poll ended in an Error
        }
        statusFile.write(clock.instant(), health());
        awaitOutputsWithWork(ONCE_READY_WAIT);
        dispatcher.flush();
        return results;
    }

    /**
     * The markets whose last poll failed ({@link TradingStatusFile#ALL_MARKETS} when the poll of
     * all of them did), with why: what {@code status/trading.properties} says and
     * {@code flywheel status} fails on. Empty without trading.
     */
    public List<TradingStatusFile.Poll> failedPolls() {
        synchronized (polls) {
            return polls.values().stream().filter(TradingStatusFile.Poll::failed).toList();
        }
    }

    /**
     * One poll of the paper book ({@code marketId}, or every market); a failure is tried again and
     * logged with when (see {@link #retryIfFailed}). Returns the markets whose poll failed, with why
     * ({@link TradingStatusFile#ALL_MARKETS} when the poll of all of them did).
     */
    private Map<String, String> pollTrading(String marketId) {
        String error = null;
        Map<String, String> failedFeeds = Map.of();
        try {
            PaperTrader.PollResult r = trader.poll(marketId);
            failedFeeds = r.failedFeeds();
            if (r.fills() + r.signals() + r.periods() > 0) {
                log.info("Paper trading{}: {} new bar(s), {} fill(s), {} signal(s), {} period(s) closed", marketId == null ? "" : " on " + marketId, r.bars(),
                        r.fills(), r.signals(), r.periods());
            }
        } catch (RuntimeException | LinkageError e) {
            error = SecretMasker.mask(e.getMessage() == null ? e.toString() : e.getMessage());
            log.debug("Paper trading{} failed", marketId == null ? "" : " on " + marketId, e);
        }
        reportTrading(marketId == null ? TradingStatusFile.ALL_MARKETS : marketId, error);
        // the catch-up went on without a feed that failed: its poll failed all the same, for `flywheel status`
        Map<String, String> failed = new java.util.HashMap<>();
        failedFeeds.forEach((market, why) -> {
            String masked = SecretMasker.mask(why);
            reportTrading(market, masked);
            failed.put(market, masked);
        });
        if (error != null) {
            failed.put(marketId == null ? TradingStatusFile.ALL_MARKETS : marketId, error);
        }
        return failed;
    }

    /** Writes the book and the last poll of each market for {@code flywheel status}. */
    private void reportTrading(String market, String error) {
        synchronized (polls) {
            if (market.equals(TradingStatusFile.ALL_MARKETS) && error == null) {
                polls.clear(); // every market was just read
            }
            polls.put(market, new TradingStatusFile.Poll(market, clock.instant(), error));
            try {
                tradingStatus.write(new TradingStatusFile.Status(clock.instant(), trader.snapshot(), List.copyOf(polls.values())));
            } catch (RuntimeException e) {
                log.warn("Cannot write the trading status for `flywheel status`: {}", e.getMessage());
            }
        }
    }

    /** Waits (up to {@code max} of the host clock) for outputs that have posts waiting but are still connecting. */
    private void awaitOutputsWithWork(Duration max) {
        Instant deadline = clock.instant().plus(max);
        while (dispatcher.states().stream().anyMatch(o -> !o.ready() && o.pending() > 0 && o.problem() == null) && clock.instant().isBefore(deadline)) {
            try {
                scheduler.sleep(Duration.ofMillis(200));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Schedules every source at its interval (with jitter) until {@link #stop}. */
    public void start() {
        if (rules.config().watch()) {
            rules.watch(scheduler);
        }
        store.flushWith(scheduler);
        pruneIfDue();
        // The first runs are one round, as in runOnce: a digest cannot take the leads of the sources listed
        // before it by being quicker. A source still paused from the last process waits out its pause.
        List<SourceRunner> round = new ArrayList<>();
        for (SourceRunner s : sources) {
            s.pauseLeft().ifPresentOrElse(pause -> schedule(s, pause), () -> round.add(s));
        }
        if (!round.isEmpty()) {
            scheduled.put("\u0000first-round", scheduler.schedule(Duration.ZERO, () -> {
                IngestOrder order = openRound(round);
                try {
                    round.stream()
                            .map(s -> CompletableFuture.runAsync(() -> runScheduled(s, order), VIRTUAL))
                            .toList()
                            .forEach(CompletableFuture::join);
                } finally {
                    closeRound(order);   // also when a source's run ended in an Error the join rethrows
                }
            }));
        }
        dispatcher.flushWhenReady(VIRTUAL);
        scheduleOutboxRetry();
        if (trader != null) {
            scheduleTask("trading", Duration.ZERO, this::catchUpAndScheduleMarkets);
        }
        scheduleLearning();
        log.info("Running {} source(s), {} market(s), {} strateg{} and {} output(s); Ctrl-C to stop", sources.size(),
                trading == null ? 0 : trading.feeds().size(), trading == null ? 0 : trading.specs().size(),
                trading != null && trading.specs().size() == 1 ? "y" : "ies", outputs.size());
    }

    /** The keyword learning step every {@code learning.every}; guardrails and failures are the loop's business. */
    private void scheduleLearning() {
        scheduleTask("learning", learning.settings().every(), () -> {
            try {
                learning.loop().update("scheduled");
            } finally {
                scheduleLearning();
            }
        });
    }

    /** Catch-ups that failed as a whole in a row (one runs at a time). */
    private final java.util.concurrent.atomic.AtomicInteger catchUpFailures = new java.util.concurrent.atomic.AtomicInteger();

    private void catchUpAndScheduleMarkets() {
        Map<String, String> failed = pollTrading(null);
        String error = failed.get(TradingStatusFile.ALL_MARKETS);
        if (error != null) {
            // as a market's retries (a feed down for good would otherwise log an error every minute),
            // never later than the shortest `every`: every market's polls wait for the catch-up
            int failures = catchUpFailures.incrementAndGet();
            Duration cap = trading.every().values().stream().min(Duration::compareTo).orElse(MARKET_RETRY_FIRST);
            Duration delay = retryDelay(failures, cap);
            failureLog.failed("the catch-up", failures, error, "next try at " + clock.instant().plus(delay) + " (in " + delay + ")");
            scheduleTask("trading", delay, this::catchUpAndScheduleMarkets);
            return;
        }
        failureLog.recovered("the catch-up", catchUpFailures.getAndSet(0));
        dispatcher.flush();
        trading.every().forEach((market, every) -> {
            scheduleMarket(market, every);
            // the catch-up went on without a feed that failed: it is tried again sooner than its next poll
            retryIfFailed(market, every, failed.get(market));
        });
    }

    /** One line per logged failure of a market (or the catch-up); repeats of the same error thinned out. */
    private final FailureLog failureLog = new FailureLog(log, this::now);
    /** Per market, its polls (scheduled or retries) that failed in a row. */
    private final Map<String, Integer> marketFailures = new ConcurrentHashMap<>();
    /** Guards the {@code retry:<market>} entries of {@link #scheduled}: replacing one and a retry claiming its own. */
    private final Object retryLock = new Object();
    /** Per market, when its next scheduled poll is due. */
    private final Map<String, Instant> nextMarketPoll = new ConcurrentHashMap<>();

    private void scheduleMarket(String market, Duration every) {
        nextMarketPoll.put(market, clock.instant().plus(every));
        scheduleTask("market:" + market, every, () -> {
            cancelRetry(market); // this poll is the try
            Map<String, String> failed = pollTrading(market);
            dispatcher.flush();
            scheduleMarket(market, every);
            retryFailed(market, every, failed);
        });
    }

    /**
     * After a poll of {@code market}: retries it if it failed, and every other market {@code failed}
     * names (a poll that rebuilt the book, dropped after a failed write, caught up on every market).
     */
    private void retryFailed(String market, Duration every, Map<String, String> failed) {
        retryIfFailed(market, every, failed.get(market));
        failed.forEach((other, why) -> {
            Duration otherEvery = trading.every().get(other);
            if (!other.equals(market) && otherEvery != null) {
                retryIfFailed(other, otherEvery, why);
            }
        });
    }

    private void cancelRetry(String market) {
        synchronized (retryLock) {
            Scheduler.Cancellable retry = scheduled.remove("retry:" + market);
            if (retry != null) {
                retry.cancel();
            }
        }
    }

    /**
     * After a poll of {@code market}: when it failed ({@code error} not {@code null}), tries it again after
     * {@link #retryDelay}, unless its next scheduled poll comes first; says in one line of the log why and
     * when the next try is (see {@link FailureLog}). A poll that succeeds ends the run of failures.
     */
    private void retryIfFailed(String market, Duration every, String error) {
        if (error == null) {
            Integer failures = marketFailures.remove(market);
            failureLog.recovered(market, failures == null ? 0 : failures);
            return;
        }
        int failures = marketFailures.merge(market, 1, Integer::sum);
        Duration delay = retryDelay(failures, every);
        Instant at = clock.instant().plus(delay);
        Instant next = nextMarketPoll.get(market);
        if (next != null && !at.isBefore(next)) {
            failureLog.failed(market, failures, error, "next try at its next poll, " + next);
            return;
        }
        failureLog.failed(market, failures, error, "next try at " + at + " (in " + delay + ")");
        String key = "retry:" + market;
        var self = new java.util.concurrent.atomic.AtomicReference<Scheduler.Cancellable>();
        // Tasks run on threads of their own: a retry still polling when the regular poll comes (which then
        // cancels nothing) schedules one as that poll does. The later replaces the earlier, cancelled, and a
        // retry runs only while it is still the market's one, so one retry is left, never a chain per race.
        synchronized (retryLock) {
            cancelRetry(market);
            self.set(scheduleTask(key, delay, () -> {
                synchronized (retryLock) {
                    if (!scheduled.remove(key, self.get())) {
                        return; // replaced or cancelled after the scheduler had started it
                    }
                }
                Map<String, String> again = pollTrading(market);
                dispatcher.flush();
                retryFailed(market, every, again);
            }));
        }
    }

    /** The wait before trying a market again after {@code failures} failed polls in a row: {@link #MARKET_RETRY_FIRST}, doubled each time, at most {@code every}. */
    static Duration retryDelay(int failures, Duration every) {
        return Backoff.doubled(MARKET_RETRY_FIRST, failures - 1, every);
    }

    /** Runs {@code body} after {@code delay} unless stopping, counted as a run in flight; returns its handle, {@code null} when stopping. */
    private Scheduler.Cancellable scheduleTask(String key, Duration delay, Runnable body) {
        if (stopping) {
            return null;
        }
        Scheduler.Cancellable handle = scheduler.schedule(delay, () -> {
            if (!startRun()) {
                return;
            }
            try {
                body.run();
            } catch (RuntimeException e) {
                log.error("{} failed unexpectedly: {}", key, e.toString());
            } finally {
                endRun();
            }
        });
        scheduled.put(key, handle);
        return handle;
    }

    /** Rounds whose sources are running, released by {@link #stop} so the ones waiting their turn store what they fetched. */
    private final Map<IngestOrder, Scheduler.Cancellable> rounds = new ConcurrentHashMap<>();

    /** An {@link IngestOrder} for {@code round}, released after {@link #ROUND_WAIT} (or at {@link #stop}). */
    private IngestOrder openRound(List<SourceRunner> round) {
        IngestOrder order = new IngestOrder(round.stream().map(SourceRunner::id).toList());
        rounds.put(order, scheduler.schedule(ROUND_WAIT, () -> {
            List<String> late = order.release();
            if (!late.isEmpty() && !stopping) {
                log.warn("Source(s) {} still running after {}: the sources listed after them store their leads without waiting", late, ROUND_WAIT);
            }
        }));
        if (stopping) {
            order.release();   // stop() may have released the rounds before this one was added
        }
        return order;
    }

    private void closeRound(IngestOrder order) {
        Scheduler.Cancellable wait = rounds.remove(order);
        if (wait != null) {
            wait.cancel();
        }
    }

    private void schedule(SourceRunner s, Duration delay) {
        if (stopping) {
            return;
        }
        scheduled.put(s.id(), scheduler.schedule(delay, () -> runScheduled(s, IngestOrder.NONE)));
    }

    /** Posts that an output could not take yet (not ready, or down) are offered again on this beat. */
    private void scheduleOutboxRetry() {
        if (stopping) {
            return;
        }
        scheduled.put("\u0000outbox", scheduler.schedule(OUTBOX_RETRY, () -> {
            try {
                dispatcher.flush();
            } catch (RuntimeException e) {
                log.warn("Outbox retry failed: {}", e.toString());
            } finally {
                scheduleOutboxRetry();
            }
        }));
    }

    /** Counts a run in flight, which {@link #stop} waits for; false when stopping: the run does not start. */
    private boolean startRun() {
        synchronized (inFlightLock) {
            if (stopping) {
                return false;
            }
            inFlight++;
            return true;
        }
    }

    private void endRun() {
        synchronized (inFlightLock) {
            inFlight--;
            inFlightLock.notifyAll();
        }
    }

    private void runScheduled(SourceRunner s, IngestOrder order) {
        if (!startRun()) {
            order.done(s.id());   // the sources after it in a round go on
            return;
        }
        try {
            int failedBefore = s.health().consecutiveFailures();
            SourceRun run = s.run(order);
            statusFile.write(clock.instant(), health());
            // one line per run (a failure is SourceRunner's warning): how a running bot shows it is working
            if (!run.failed()) {
                log.info("Source {}: {}", s.id(), run.summary(failedBefore));
            }
            dispatcher.flush();
            pruneIfDue();
        } catch (RuntimeException e) {
            log.error("Run of {} failed unexpectedly: {}", s.id(), e.toString());
        } finally {
            endRun();
            schedule(s, s.nextDelay());
        }
    }

    /**
     * Stops scheduling, lets runs in flight finish, then drains the outbox once more, all within
     * {@code grace} (wall-clock time): an output that is down or rate limited does not hold the stop,
     * its posts stay queued for the next start.
     */
    public void stop(Duration grace) {
        stopping = true;
        scheduled.values().forEach(Scheduler.Cancellable::cancel);
        rounds.keySet().forEach(IngestOrder::release);   // a source waiting its turn stores what it fetched now
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (inFlightLock) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    log.warn("{} source run(s) still going after {}; stopping anyway (what a run has not stored yet is found again at the next start;"
                            + " stored leads whose posts were not sent stay queued)", inFlight, grace);
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
        Thread last = Thread.ofVirtual().name("flywheel-last-flush").start(() -> {
            try {
                dispatcher.flush();
            } catch (RuntimeException e) {
                log.warn("Last outbox flush failed: {}", e.toString());
            }
        });
        try {
            if (!last.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                log.warn("Outputs still sending after {}; stopping anyway ({} post(s) not sent stay queued for the next start)", grace,
                        dispatcher.pendingTotal());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The command router every chat adapter dispatches to. */
    public CommandRouter commands() {
        return commands;
    }

    public OutboxDispatcher outbox() {
        return dispatcher;
    }

    /** Every source's health now (what {@code flywheel status} reads from the status file, live). */
    public List<SourceHealth> health() {
        return sources.stream().map(SourceRunner::health).toList();
    }

    public MapDbStore store() {
        return store;
    }

    /** The live paper book, when strategies are configured. */
    public java.util.Optional<PaperTrader> trader() {
        return java.util.Optional.ofNullable(trader);
    }

    public KeywordWeights weights() {
        return weights;
    }

    /** The learning loop (keyword updates with guardrails, shadow rule) and the freeze switch. */
    public LearningSetup learning() {
        return learning;
    }

    /** The JavaScript rules: the lead scorer, the keyword updater, the strategy rule, reloads and status. */
    public Rules rules() {
        return rules;
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
        if (trading != null) {
            trading.close();
        }
        outputs.forEach((id, o) -> closeQuietly("output " + id, o));
        closeQuietly("learning", learning);
        closeQuietly("rules", rules);
        closeQuietly("JavaScript engine", rules.runtime());
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

    /** Forwards to the router once it is built; outputs created earlier hold this. */
    static final class LateDispatcher implements CommandDispatcher {
        private volatile CommandDispatcher target;

        void bind(CommandDispatcher router) {
            this.target = router;
        }

        private CommandDispatcher target() {
            CommandDispatcher t = target;
            if (t == null) {
                throw new IllegalStateException("commands are not ready yet: Flywheel is still starting");
            }
            return t;
        }

        @Override
        public List<CommandSpec> specs() {
            return target().specs();
        }

        @Override
        public CompletableFuture<CommandReply> dispatch(CommandCall call) {
            return target().dispatch(call);
        }

        @Override
        public CompletableFuture<CommandReply> dispatch(CommandCall call, CommandProgress progress) {
            return target().dispatch(call, progress);
        }

        @Override
        public List<String> complete(String command, String option, String prefix) {
            return target().complete(command, option, prefix);
        }
    }

    /** The sources as {@code /sources} and {@code /status} see them. */
    private record SourceControl(List<SourceRunner> sources, OutboxDispatcher outbox) implements Controls.Sources {
        @Override
        public List<SourceHealth> health() {
            return sources.stream().map(SourceRunner::health).toList();
        }

        @Override
        public java.util.Optional<SourceRun> runNow(String id) {
            return sources.stream().filter(s -> s.id().equals(id)).findFirst().map(s -> {
                SourceRun run = s.run();
                if (!run.failed() && run.stored() > 0) {
                    outbox.flush();
                }
                return run;
            });
        }
    }

    /** The loaded plugins as {@code /plugins} sees them. */
    private record PluginControl(io.flywheel.engine.plugin.PluginHost host) implements Controls.Plugins {
        @Override
        public List<io.flywheel.engine.plugin.PluginReport> reports() {
            return host.reports();
        }

        @Override
        public java.util.Optional<String> reloadUnavailable() {
            return java.util.Optional.of("Reloading plugins while Flywheel runs is not available in this build. "
                    + "Restart Flywheel to load new or changed plugin jars; `flywheel plugins` shows what would load.");
        }

        @Override
        public String reload() {
            throw new UnsupportedOperationException(reloadUnavailable().orElseThrow());
        }
    }
}
