package io.flywheel.engine.simulate;

import io.flywheel.api.feedback.Engagement;
import io.flywheel.api.lead.Lead;
import io.flywheel.api.lead.RawLead;
import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Output;
import io.flywheel.api.output.Post;
import io.flywheel.engine.config.Settings;
import io.flywheel.engine.feedback.EngagementRecorder;
import io.flywheel.engine.feedback.WeightSet;
import io.flywheel.engine.lead.IngestResult;
import io.flywheel.engine.lead.KeywordMatcher;
import io.flywheel.engine.lead.KeywordWeights;
import io.flywheel.engine.lead.LeadNormalizer;
import io.flywheel.engine.lead.LeadPipeline;
import io.flywheel.engine.lead.NearDuplicates;
import io.flywheel.engine.lead.PostingPolicy;
import io.flywheel.engine.lead.UrlCanonicalizer;
import io.flywheel.engine.output.OutboxDispatcher;
import io.flywheel.engine.rules.JsRuntime;
import io.flywheel.engine.rules.RuleHistory;
import io.flywheel.engine.rules.Rules;
import io.flywheel.engine.rules.RulesConfig;
import io.flywheel.engine.store.MapDbStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The keywords scenario of {@code flywheel simulate}: the real lead pipeline (normalizer, the live
 * {@code lead-score.js}, the posting policy, a MapDB store), the real outbox, engagement recorded
 * through the same {@link EngagementRecorder} a Discord button reaches, and the real
 * {@code keyword-weights.js} updating weights every few rounds, all on a simulated clock. Only the
 * audience is simulated: each keyword has a hidden engagement probability.
 *
 * <p>Each round {@code candidates} leads arrive, each naming one keyword drawn uniformly; the
 * policy posts one; the audience engages with it with its keyword's probability. Regret is
 * pseudo-regret: per round, the best probability among that round's candidates minus the
 * probability of the lead posted. The uniform-weights reference is exact: with equal weights the
 * posted lead is a uniformly random candidate, so its expected regret is the best minus the mean.
 */
public final class KeywordSimulation {
    static final Instant START = Instant.parse("2026-01-05T00:00:00Z");
    static final String OUTPUT = "sim";
    static final String USER = "sim-audience";

    private final JsRuntime runtime;
    private final KeywordLearning learning;

    /**
     * The hidden truth: per keyword, its engagement probability, and after {@code driftAt} rounds
     * (if it is below the run's length) the probabilities of {@code after}.
     */
    public record Audience(String name, List<String> keywords, List<Double> before, List<Double> after, int driftAt) {
        public Audience {
            keywords = List.copyOf(keywords);
            before = List.copyOf(before);
            after = after == null ? before : List.copyOf(after);
            if (keywords.size() != before.size() || keywords.size() != after.size()) {
                throw new IllegalArgumentException("one probability per keyword: " + keywords.size() + " keywords, " + before.size() + " and "
                        + after.size() + " probabilities");
            }
        }

        double p(int round, int keyword) {
            return (round < driftAt ? before : after).get(keyword);
        }

        public boolean drifts(int rounds) {
            return driftAt < rounds && !before.equals(after);
        }
    }

    /**
     * @param rounds how many rounds (one source run each)
     * @param candidates leads per round
     * @param updateEvery rounds between keyword updates
     * @param round simulated time per round
     * @param window one feedback window of the keyword rule ({@code rules.window})
     * @param windows windows the rule sees ({@code rules.windows})
     * @param explore the posting policy's exploration (max-per-run is 1)
     * @param seed everything random (leads, audience, policy, the rule's seeds) derives from it
     */
    public record Setup(int rounds, int candidates, int updateEvery, Duration round, Duration window, int windows, double explore, long seed) {
        public Setup {
            if (rounds < 1) throw new IllegalArgumentException("rounds: must be at least 1, found " + rounds);
            if (candidates < 1) throw new IllegalArgumentException("candidates: must be at least 1, found " + candidates);
            if (updateEvery < 1) throw new IllegalArgumentException("update-every: must be at least 1, found " + updateEvery);
        }

        public Setup withRounds(int n) {
            return new Setup(n, candidates, updateEvery, round, window, windows, explore, seed);
        }

        public Setup withUpdates(int every, Duration w, int ws) {
            return new Setup(rounds, candidates, every, round, w, ws, explore, seed);
        }

        public Setup withExplore(double e) {
            return new Setup(rounds, candidates, updateEvery, round, window, windows, e, seed);
        }

        public Setup withSeed(long s) {
            return new Setup(rounds, candidates, updateEvery, round, window, windows, explore, s);
        }
    }

    /**
     * What a run did.
     *
     * @param regret per round, the policy's pseudo-regret
     * @param uniformRegret per round, the expected regret of uniform weights on the same candidates
     * @param engaged how many posts the audience engaged with
     * @param weights every keyword weight set the rule applied
     */
    public record Result(Audience audience, Setup setup, double[] regret, double[] uniformRegret, int posts, int engaged,
            List<WeightSet> weights, Map<String, Double> finalWeights, Duration elapsed) {}

    public KeywordSimulation(JsRuntime runtime, KeywordLearning learning) {
        this.runtime = runtime;
        this.learning = learning;
    }

    /**
     * Runs {@code audience} with {@code setup} in {@code dir} (a fresh folder: the store and the rule
     * archive go there).
     *
     * @param rules the deployment's {@code rules:} section (which scripts, limits); its window,
     *     windows and watch are replaced by the setup's
     * @param baseDir where {@code scripts/} is looked for
     * @param progress called with the number of rounds done, now and then
     */
    public Result run(Audience audience, Setup setup, Settings.Rules rules, Path baseDir, Path dir, Consumer<Integer> progress) {
        long started = System.nanoTime();
        SimClock clock = new SimClock(START);
        SplittableRandom root = new SplittableRandom(setup.seed());
        SplittableRandom leadsRandom = root.split();
        SplittableRandom audienceRandom = root.split();
        SplittableRandom policyRandom = root.split();
        SplittableRandom rulesRandom = root.split();
        Settings.Rules simRules = new Settings.Rules(rules.leadScore(), rules.keywordWeights(), rules.strategyWeights(), rules.timeLimit(),
                rules.statementLimit(), rules.allocationLimitMb(), setup.window(), setup.windows(), false, rules.batchSize());
        Map<String, Double> initial = new LinkedHashMap<>();
        audience.keywords().forEach(k -> initial.put(k, 1.0));
        KeywordWeights weights = new KeywordWeights(initial);
        SimOutput output = new SimOutput();
        // The store's own checkpoints follow the wall clock: simulated hours would commit at every write.
        try (MapDbStore store = MapDbStore.open(dir.resolve("sim.db"), MapDbStore.Options.defaults(), Clock.systemUTC());
                Rules live = Rules.open(RulesConfig.of(simRules, baseDir), runtime, new RuleHistory(store, store, store), weights, dir, clock,
                        rulesRandom)) {
            LeadNormalizer normalizer = new LeadNormalizer(new UrlCanonicalizer(), new KeywordMatcher(audience.keywords()));
            LeadPipeline pipeline = new LeadPipeline(normalizer, store, live.leadScorer(), weights::get, List.of(OUTPUT), clock,
                    new NearDuplicates(store, Duration.ZERO), new PostingPolicy(new Settings.Posting(1, setup.explore()), policyRandom));
            OutboxDispatcher dispatcher = new OutboxDispatcher(store, store, Map.of(OUTPUT, output), clock);
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < audience.keywords().size(); i++) {
                index.put(audience.keywords().get(i), i);
            }
            double[] regret = new double[setup.rounds()];
            double[] uniform = new double[setup.rounds()];
            int posts = 0;
            int engaged = 0;
            int n = audience.keywords().size();
            Duration half = setup.round().dividedBy(2);
            for (int r = 0; r < setup.rounds(); r++) {
                List<RawLead> raws = new ArrayList<>(setup.candidates());
                double best = 0;
                double mean = 0;
                for (int i = 0; i < setup.candidates(); i++) {
                    int k = leadsRandom.nextInt(n);
                    double p = audience.p(r, k);
                    best = Math.max(best, p);
                    mean += p / setup.candidates();
                    raws.add(RawLead.of("Senior " + audience.keywords().get(k) + " developer", "https://sim.flywheel.invalid/" + r + "/" + i));
                }
                IngestResult in = pipeline.ingest("sim", "sim", raws);
                Map<String, Lead> byKey = new HashMap<>();
                in.stored().forEach(l -> byKey.put(l.key(), l));
                dispatcher.flush();
                double postedP = mean;
                for (Delivered d : output.drain()) {
                    Lead lead = byKey.get(d.post().ref());
                    if (lead == null || lead.keywords().size() != 1) {
                        throw new IllegalStateException("simulation: posted lead " + d.post().ref() + " is not one of this round's single-keyword leads");
                    }
                    postedP = audience.p(r, index.get(lead.keywords().getFirst()));
                    posts++;
                    if (audienceRandom.nextDouble() < postedP) {
                        engaged++;
                        recorder.record(new Engagement(lead.key(), Engagement.Kind.INTERESTED, USER, OUTPUT, d.messageRef(), clock.instant())).join();
                    }
                }
                regret[r] = best - postedP;
                uniform[r] = best - mean;
                clock.advance(half);
                if ((r + 1) % setup.updateEvery() == 0) {
                    learning.update(live);
                }
                clock.advance(setup.round().minus(half));
                if (progress != null && (r + 1) % 500 == 0) {
                    progress.accept(r + 1);
                }
            }
            List<WeightSet> history = store.history(WeightSet.Kind.KEYWORD, Instant.EPOCH, clock.instant().plusSeconds(1));
            return new Result(audience, setup, regret, uniform, posts, engaged, history, weights.get(), Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private record Delivered(Post post, String messageRef) {}

    /** The simulation's output: accepts every post at once and remembers it for the audience. */
    private static final class SimOutput implements Output {
        private final List<Delivered> delivered = new ArrayList<>();
        private long messages;

        @Override
        public synchronized CompletableFuture<List<Delivery>> send(List<Post> posts) {
            List<Delivery> out = new ArrayList<>();
            for (Post p : posts) {
                String ref = "sim-" + (++messages);
                delivered.add(new Delivered(p, ref));
                out.add(new Delivery(p.id(), ref));
            }
            return CompletableFuture.completedFuture(out);
        }

        synchronized List<Delivered> drain() {
            List<Delivered> out = List.copyOf(delivered);
            delivered.clear();
            return out;
        }
    }
}
