package io.flywheel.engine.lead;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.lead.RawLead;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.store.DuplicateLink;
import io.flywheel.engine.store.LeadStore;
import io.flywheel.engine.store.OutboxEntry;
import io.flywheel.engine.store.WriteBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * normalize, deduplicate (exact keys, then cross-posts), score, store and queue for the outputs:
 * one source run's postings in, one atomic store commit out. Which fresh leads are posted is the
 * {@link PostingPolicy}'s call; its decision and propensity go into each lead's FOUND event. Calls are serialized: the store has
 * one writer.
 */
public final class LeadPipeline {
    private final LeadNormalizer normalizer;
    private final LeadStore store;
    private final LeadScorer scorer;
    private final Supplier<Map<String, Double>> weights;
    private final List<String> leadOutputs;
    private final Clock clock;
    private final NearDuplicates near;
    private final PostingPolicy posting;

    /**
     * @param weights the keyword weights in force, read once per batch
     * @param leadOutputs ids of the outputs that take lead posts
     * @param near cross-post detection, already {@link NearDuplicates#seed seeded}
     * @param posting which fresh leads are posted
     */
    public LeadPipeline(LeadNormalizer normalizer, LeadStore store, LeadScorer scorer, Supplier<Map<String, Double>> weights,
            List<String> leadOutputs, Clock clock, NearDuplicates near, PostingPolicy posting) {
        this.normalizer = normalizer;
        this.store = store;
        this.scorer = scorer;
        this.weights = weights;
        this.leadOutputs = List.copyOf(leadOutputs);
        this.clock = clock;
        this.near = near;
        this.posting = posting;
    }

    /** A pipeline that posts every fresh lead. */
    public LeadPipeline(LeadNormalizer normalizer, LeadStore store, LeadScorer scorer, Supplier<Map<String, Double>> weights,
            List<String> leadOutputs, Clock clock, NearDuplicates near) {
        this(normalizer, store, scorer, weights, leadOutputs, clock, near, PostingPolicy.unlimited());
    }

    /** A pipeline without cross-post detection. */
    public LeadPipeline(LeadNormalizer normalizer, LeadStore store, LeadScorer scorer, Supplier<Map<String, Double>> weights,
            List<String> leadOutputs, Clock clock) {
        this(normalizer, store, scorer, weights, leadOutputs, clock, new NearDuplicates(store, Duration.ZERO));
    }

    public synchronized IngestResult ingest(String sourceId, String platform, List<RawLead> raws) {
        Instant now = clock.instant();
        int rejected = 0;
        int duplicates = 0;
        Set<String> seen = new HashSet<>();
        List<Lead> fresh = new ArrayList<>();
        List<DuplicateLink> links = new ArrayList<>();
        List<Lead> stored = List.of();
        try {
            for (RawLead raw : raws) {
                var normalized = normalizer.normalize(raw, sourceId, platform, now);
                if (normalized.isEmpty()) {
                    rejected++;
                    continue;
                }
                Lead lead = normalized.get();
                if (!seen.add(lead.key()) || store.contains(lead.key())) {
                    duplicates++;
                    continue;
                }
                var match = near.find(lead);
                if (match.isPresent()) {
                    links.add(new DuplicateLink(lead.key(), match.get().original().key(), sourceId, lead.platform(), lead.title(), lead.url(), now,
                            "cross-post of " + match.get().original().key() + " (" + match.get().original().platform() + "): "
                                    + match.get().reason()));
                    duplicates++;
                    continue;
                }
                near.hold(lead);
                fresh.add(lead);
            }
            if (fresh.isEmpty() && links.isEmpty()) {
                return new IngestResult(sourceId, raws.size(), rejected, duplicates, List.of(), 0);
            }
            Map<String, Double> w = weights.get();
            double[] scores = scorer.score(fresh, w);
            List<Lead> scored = new ArrayList<>(fresh.size());
            for (int i = 0; i < fresh.size(); i++) {
                scored.add(fresh.get(i).withScore(scores[i]));
            }
            PostingPolicy.Decision[] decisions = posting.decide(scores);
            List<FeedbackEvent> events = new ArrayList<>();
            Lead[] bySlot = new Lead[fresh.size()];
            // Best first (input order among equals), as leads were always stored and posted.
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < scored.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
            for (int i : order) {
                Lead lead = scored.get(i);
                if (decisions[i].posted()) {
                    bySlot[decisions[i].slot()] = lead;
                }
                Map<String, Double> context = new HashMap<>(posting.context(decisions[i], i, scored.size()));
                lead.keywords().forEach(k -> context.put(k, w.getOrDefault(k, 0.0)));
                events.add(new FeedbackEvent(now, FeedbackEvent.Type.FOUND, lead.key(), sourceId, lead.platform(), lead.keywords(), null,
                        lead.score(), context, null));
            }
            List<OutboxEntry> posts = new ArrayList<>();
            for (Lead lead : bySlot) {
                if (lead == null) {
                    break;
                }
                for (String output : leadOutputs) {
                    posts.add(new OutboxEntry(output, LeadPosts.toPost(lead)));
                }
            }
            stored = store.write(new WriteBatch(order.stream().map(scored::get).toList(), posts, events, links));
            return new IngestResult(sourceId, raws.size(), rejected, duplicates + (scored.size() - stored.size()), stored, links.size());
        } finally {
            near.settle(stored, now);
        }
    }
}
