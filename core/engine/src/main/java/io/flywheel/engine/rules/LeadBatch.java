package io.flywheel.engine.rules;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.lead.TitleMatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.graalvm.polyglot.HostAccess;

/**
 * Leads laid out column by column for the lead-score harness, reused from batch to batch. The
 * numeric columns live in direct buffers that the harness wraps once in typed arrays, so the
 * script reads them without a call into the host per value and a batch crosses into JavaScript
 * as a few integers. Keywords, sources and
 * platforms are numbered: keywords in the order of the weight set (then any a lead has that the
 * weights lack), sources and platforms in order of first use; the harness keeps the names it has
 * seen and reads only new ones. Text fields are laid out only when the script asks for a lead's
 * text ({@link #loadText}). The only host object a script can reach through the harness; it
 * exposes these members and nothing else.
 *
 * <p>Confined to the rule's thread: {@link JsLeadScorer} fills it inside the call.
 */
public final class LeadBatch {
    private static final int BYTES_PER_INT = 4;
    private static final int BYTES_PER_DOUBLE = 8;

    /** Leads in the current batch, and matches (keyword occurrences) in it. */
    @HostAccess.Export public int n;
    @HostAccess.Export public int matches;
    /** Bumped whenever the buffers below are replaced (grown): the harness then wraps them again. */
    @HostAccess.Export public int layout;
    /** Int32 [n + 1]: lead i's matches are {@code matchStart[i] .. matchStart[i+1])}. */
    @HostAccess.Export public ByteBuffer matchStart;
    /** Int32 [matches]: the keyword id of each match. */
    @HostAccess.Export public ByteBuffer matchKeyword;
    /** Uint8 [matches]: 1 when the keyword is in the title as a whole word. */
    @HostAccess.Export public ByteBuffer matchInTitle;
    /** Int32 [n]: ids into {@link #sources} and {@link #platforms}. */
    @HostAccess.Export public ByteBuffer source;
    @HostAccess.Export public ByteBuffer platform;
    /** Float64 [n]. */
    @HostAccess.Export public ByteBuffer ageHours;
    /** Float64 [n]: epoch milliseconds, NaN when the posting had no date. */
    @HostAccess.Export public ByteBuffer published;
    /** Float64 [n]: where the harness writes the checked scores. */
    @HostAccess.Export public ByteBuffer out;

    /** Names by id; only the first {@code *Count} entries are meaningful. */
    @HostAccess.Export public String[] keywords = new String[0];
    @HostAccess.Export public int keywordCount;
    @HostAccess.Export public double[] weights = new double[0];
    /** How many of the keywords came from the weight set (the rest are keywords leads had that it lacks). */
    @HostAccess.Export public int weightCount;
    /** Bumped whenever the weight set changes (the keyword ids start over). */
    @HostAccess.Export public int weightSet;
    @HostAccess.Export public String[] sources = new String[8];
    @HostAccess.Export public int sourceCount;
    @HostAccess.Export public String[] platforms = new String[8];
    @HostAccess.Export public int platformCount;

    /** Text of the current batch, filled by {@link #loadText}. */
    @HostAccess.Export public String[] key = new String[0];
    @HostAccess.Export public String[] title = new String[0];
    @HostAccess.Export public String[] body = new String[0];
    @HostAccess.Export public String[] company = new String[0];
    @HostAccess.Export public String[] location = new String[0];
    @HostAccess.Export public String[] compensation = new String[0];
    @HostAccess.Export public String[] url = new String[0];

    private int leadCapacity = -1;
    private int matchCapacity = -1;
    private Map<String, Double> weightsOf;
    private final Map<String, Integer> keywordIds = new HashMap<>();
    private final Map<String, Integer> sourceIds = new HashMap<>();
    private final Map<String, Integer> platformIds = new HashMap<>();
    private String lastSource;
    private int lastSourceId;
    private String lastPlatform;
    private int lastPlatformId;
    private List<Lead> leads = List.of();
    private int from;

    /** An empty batch; public, with {@link #fill}, for the benchmark's breakdown. */
    public LeadBatch() {
        ensureLeads(16);
        growMatches(64);
    }

    /** Lays out {@code leads[from, to)} with keyword ids from {@code weights}; ages are measured from {@code now}. */
    public LeadBatch fill(List<Lead> leads, int from, int to, Map<String, Double> weights, Instant now) {
        useWeights(weights);
        int count = to - from;
        ensureLeads(count);
        this.leads = leads;
        this.from = from;
        long nowMs = now.toEpochMilli();
        int p = 0;
        for (int i = 0; i < count; i++) {
            Lead lead = leads.get(from + i);
            String titleLower = lead.title().toLowerCase(Locale.ROOT);
            matchStart.putInt(i * BYTES_PER_INT, p);
            List<String> kws = lead.keywords();
            if (p + kws.size() > matchCapacity) {
                growMatches(p + kws.size());
            }
            for (int k = 0, size = kws.size(); k < size; k++) {
                String kw = kws.get(k);
                matchKeyword.putInt(p * BYTES_PER_INT, keywordId(kw));
                matchInTitle.put(p, TitleMatch.containsWord(titleLower, kw) ? (byte) 1 : (byte) 0);
                p++;
            }
            source.putInt(i * BYTES_PER_INT, sourceId(lead.sourceId()));
            platform.putInt(i * BYTES_PER_INT, platformId(lead.platform()));
            ageHours.putDouble(i * BYTES_PER_DOUBLE, Math.max(0, nowMs - lead.time().toEpochMilli()) / 3_600_000.0);
            published.putDouble(i * BYTES_PER_DOUBLE, lead.published() == null ? Double.NaN : lead.published().toEpochMilli());
        }
        matchStart.putInt(count * BYTES_PER_INT, p);
        n = count;
        matches = p;
        return this;
    }

    /** Fills the text columns for the current batch: called by the harness the first time a script reads a lead's text. */
    @HostAccess.Export
    public void loadText() {
        for (int i = 0; i < n; i++) {
            Lead lead = leads.get(from + i);
            key[i] = lead.key();
            title[i] = lead.title();
            body[i] = lead.body();
            company[i] = lead.company();
            location[i] = lead.location();
            compensation[i] = lead.compensation();
            url[i] = lead.url();
        }
    }

    /** Score {@code i} of the current batch, as the harness wrote it. */
    double score(int i) {
        return out.getDouble(i * BYTES_PER_DOUBLE);
    }

    private void useWeights(Map<String, Double> weights) {
        if (weights == weightsOf) {
            return;
        }
        weightsOf = weights;
        weightSet++;
        keywordIds.clear();
        keywordCount = 0;
        keywords = new String[Math.max(8, weights.size())];
        this.weights = new double[keywords.length];
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            addKeyword(e.getKey(), e.getValue());
        }
        weightCount = keywordCount;
    }

    private int keywordId(String kw) {
        Integer id = keywordIds.get(kw);
        return id != null ? id : addKeyword(kw, 0);
    }

    private int addKeyword(String kw, double weight) {
        if (keywordCount == keywords.length) {
            keywords = Arrays.copyOf(keywords, keywordCount * 2);
            weights = Arrays.copyOf(weights, keywordCount * 2);
        }
        keywords[keywordCount] = kw;
        weights[keywordCount] = weight;
        keywordIds.put(kw, keywordCount);
        return keywordCount++;
    }

    private int sourceId(String s) {
        if (s == lastSource) {
            return lastSourceId;
        }
        lastSource = s;
        lastSourceId = internSource(s);
        return lastSourceId;
    }

    private int internSource(String s) {
        Integer id = sourceIds.get(s);
        if (id != null) {
            return id;
        }
        if (sourceCount == sources.length) {
            sources = Arrays.copyOf(sources, sourceCount * 2);
        }
        sources[sourceCount] = s;
        sourceIds.put(s, sourceCount);
        return sourceCount++;
    }

    private int platformId(String s) {
        if (s == lastPlatform) {
            return lastPlatformId;
        }
        lastPlatform = s;
        lastPlatformId = internPlatform(s);
        return lastPlatformId;
    }

    private int internPlatform(String s) {
        Integer id = platformIds.get(s);
        if (id != null) {
            return id;
        }
        if (platformCount == platforms.length) {
            platforms = Arrays.copyOf(platforms, platformCount * 2);
        }
        platforms[platformCount] = s;
        platformIds.put(s, platformCount);
        return platformCount++;
    }

    private void ensureLeads(int leads) {
        if (leads <= leadCapacity) {
            return;
        }
        int c = Math.max(leads, leadCapacity * 2);
        matchStart = buffer((c + 1) * BYTES_PER_INT);
        source = buffer(c * BYTES_PER_INT);
        platform = buffer(c * BYTES_PER_INT);
        ageHours = buffer(c * BYTES_PER_DOUBLE);
        published = buffer(c * BYTES_PER_DOUBLE);
        out = buffer(c * BYTES_PER_DOUBLE);
        key = new String[c];
        title = new String[c];
        body = new String[c];
        company = new String[c];
        location = new String[c];
        compensation = new String[c];
        url = new String[c];
        leadCapacity = c;
        layout++;
    }

    /** Grows the match columns, keeping the matches laid out so far. */
    private void growMatches(int needed) {
        int c = Math.max(needed, matchCapacity * 2);
        ByteBuffer k = buffer(c * BYTES_PER_INT);
        ByteBuffer t = buffer(c);
        if (matchKeyword != null) {
            k.put(0, matchKeyword, 0, matchKeyword.capacity());
            t.put(0, matchInTitle, 0, matchInTitle.capacity());
        }
        matchKeyword = k;
        matchInTitle = t;
        matchCapacity = c;
        layout++;
    }

    private static ByteBuffer buffer(int bytes) {
        // Typed arrays read in the platform's byte order.
        return ByteBuffer.allocateDirect(Math.max(bytes, 8)).order(ByteOrder.nativeOrder());
    }
}
