package io.flywheel.engine.rules;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.lead.TitleMatch;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lays leads out in {@link LeadBatch}es for one scoring call: keyword ids numbered by the weight
 * set (then any keyword a lead has that the weights lack), sources and platforms in order of first
 * use. Runs on the caller's thread, one batch ahead of the rule's thread that scores them; the
 * batches it hands over share only the name tables, which only grow.
 */
public final class BatchLayout {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final int id = IDS.incrementAndGet();
    private final long nowMs;
    private final NameTable keywords = new NameTable();
    private final NameTable sources = new NameTable();
    private final NameTable platforms = new NameTable();
    private final int weightCount;
    private double[] weights;
    /** Matches of the batch being laid out, copied to exactly sized columns at its end (one pass over the leads). */
    private int[] keywordScratch = new int[1024];
    private byte[] titleScratch = new byte[1024];

    /** A layout for {@code weights}; ages are measured from {@code now}. */
    public BatchLayout(Map<String, Double> weights, Instant now) {
        this.nowMs = now.toEpochMilli();
        this.weights = new double[Math.max(8, weights.size())];
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            this.weights[keywords.add(e.getKey())] = e.getValue();
        }
        this.weightCount = keywords.count();
    }

    /** {@code leads[from, to)} as one batch. */
    public LeadBatch lay(List<Lead> leads, int from, int to) {
        int count = to - from;
        int[] matchStart = new int[count + 1];
        int[] matchKeyword = keywordScratch;
        byte[] matchInTitle = titleScratch;
        int[] source = new int[count];
        int[] platform = new int[count];
        double[] ageHours = new double[count];
        double[] published = new double[count];
        int p = 0;
        for (int i = 0; i < count; i++) {
            Lead lead = leads.get(from + i);
            String titleLower = lead.title().toLowerCase(Locale.ROOT);
            matchStart[i] = p;
            List<String> kws = lead.keywords();
            if (p + kws.size() > matchKeyword.length) {
                int grown = Math.max(p + kws.size(), 2 * matchKeyword.length);
                matchKeyword = keywordScratch = Arrays.copyOf(matchKeyword, grown);
                matchInTitle = titleScratch = Arrays.copyOf(matchInTitle, grown);
            }
            for (int k = 0, size = kws.size(); k < size; k++) {
                String kw = kws.get(k);
                matchKeyword[p] = keywordId(kw);
                matchInTitle[p] = TitleMatch.containsWord(titleLower, kw) ? (byte) 1 : (byte) 0;
                p++;
            }
            source[i] = sources.id(lead.sourceId());
            platform[i] = platforms.id(lead.platform());
            ageHours[i] = Math.max(0, nowMs - lead.time().toEpochMilli()) / 3_600_000.0;
            published[i] = lead.published() == null ? Double.NaN : lead.published().toEpochMilli();
        }
        matchStart[count] = p;
        return new LeadBatch(id, leads, from, count, matchStart, Arrays.copyOf(matchKeyword, p), Arrays.copyOf(matchInTitle, p), source, platform,
                ageHours, published,
                Arrays.copyOf(weights, keywords.count()), keywords.names(), keywords.count(), weightCount,
                sources.names(), sources.count(), platforms.names(), platforms.count());
    }

    private int keywordId(String kw) {
        int id = keywords.find(kw);
        if (id >= 0) {
            return id;
        }
        id = keywords.add(kw);
        if (id >= weights.length) {
            weights = Arrays.copyOf(weights, weights.length * 2);
        }
        return id; // weight 0: the weights lack it
    }
}
