package io.flywheel.engine.lead;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.lead.RawLead;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.store.LeadStore;
import io.flywheel.engine.store.OutboxEntry;
import io.flywheel.engine.store.WriteBatch;
import java.time.Clock;
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
 * normalize, deduplicate, score, store and queue for the outputs: one source run's postings in,
 * one atomic store commit out. Calls are serialized: the store has one writer.
 */
public final class LeadPipeline {
    private final LeadNormalizer normalizer;
    private final LeadStore store;
    private final LeadScorer scorer;
    private final Supplier<Map<String, Double>> weights;
    private final List<String> leadOutputs;
    private final Clock clock;

    /**
     * @param weights the keyword weights in force, read once per batch
     * @param leadOutputs ids of the outputs that take lead posts
     */
    public LeadPipeline(LeadNormalizer normalizer, LeadStore store, LeadScorer scorer, Supplier<Map<String, Double>> weights,
            List<String> leadOutputs, Clock clock) {
        this.normalizer = normalizer;
        this.store = store;
        this.scorer = scorer;
        this.weights = weights;
        this.leadOutputs = List.copyOf(leadOutputs);
        this.clock = clock;
    }

    public synchronized IngestResult ingest(String sourceId, String platform, List<RawLead> raws) {
        Instant now = clock.instant();
        int rejected = 0;
        int duplicates = 0;
        Set<String> seen = new HashSet<>();
        List<Lead> fresh = new ArrayList<>();
        for (RawLead raw : raws) {
            var lead = normalizer.normalize(raw, sourceId, platform, now);
            if (lead.isEmpty()) {
                rejected++;
                continue;
            }
            String key = lead.get().key();
            if (!seen.add(key) || store.contains(key)) {
                duplicates++;
                continue;
            }
            fresh.add(lead.get());
        }
        if (fresh.isEmpty()) {
            return new IngestResult(sourceId, raws.size(), rejected, duplicates, List.of());
        }
        Map<String, Double> w = weights.get();
        double[] scores = scorer.score(fresh, w);
        List<Lead> scored = new ArrayList<>(fresh.size());
        for (int i = 0; i < fresh.size(); i++) {
            scored.add(fresh.get(i).withScore(scores[i]));
        }
        scored.sort(Comparator.comparingDouble(Lead::score).reversed());
        List<OutboxEntry> posts = new ArrayList<>();
        List<FeedbackEvent> events = new ArrayList<>();
        for (Lead lead : scored) {
            for (String output : leadOutputs) {
                posts.add(new OutboxEntry(output, LeadPosts.toPost(lead)));
            }
            Map<String, Double> inForce = new HashMap<>();
            lead.keywords().forEach(k -> inForce.put(k, w.getOrDefault(k, 0.0)));
            events.add(new FeedbackEvent(now, FeedbackEvent.Type.FOUND, lead.key(), sourceId, lead.platform(), lead.keywords(), null,
                    lead.score(), inForce, null));
        }
        List<Lead> stored = store.write(new WriteBatch(scored, posts, events));
        return new IngestResult(sourceId, raws.size(), rejected, duplicates + (scored.size() - stored.size()), stored);
    }
}
