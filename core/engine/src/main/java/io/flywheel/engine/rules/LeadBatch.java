package io.flywheel.engine.rules;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.lead.TitleMatch;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.graalvm.polyglot.HostAccess;

/**
 * A batch of leads laid out column by column for the lead-score harness: one crossing into
 * JavaScript per batch, repeated strings (keywords, sources, platforms) sent once, and text
 * fields read by the script only if it asks. The only host object a script ever sees; it exposes
 * these fields and nothing else.
 */
public final class LeadBatch {
    @HostAccess.Export public final int n;
    /** Distinct keywords, source ids and platforms; the index arrays point into it. */
    @HostAccess.Export public final String[] strings;
    @HostAccess.Export public final int[] kwIdx;
    /** Lead i's keywords are {@code kwIdx[kwStart[i] .. kwStart[i+1])}. */
    @HostAccess.Export public final int[] kwStart;
    @HostAccess.Export public final boolean[] inTitle;
    @HostAccess.Export public final int[] source;
    @HostAccess.Export public final int[] platform;
    @HostAccess.Export public final double[] ageHours;
    /** Epoch milliseconds, NaN when the posting had no date. */
    @HostAccess.Export public final double[] published;
    @HostAccess.Export public final String[] key;
    @HostAccess.Export public final String[] title;
    @HostAccess.Export public final String[] body;
    @HostAccess.Export public final String[] company;
    @HostAccess.Export public final String[] location;
    @HostAccess.Export public final String[] compensation;
    @HostAccess.Export public final String[] url;
    /** Where the harness writes the checked scores. */
    @HostAccess.Export public final double[] out;

    private LeadBatch(int n, String[] strings, int[] kwIdx, int[] kwStart, boolean[] inTitle, int[] source, int[] platform) {
        this.n = n;
        this.strings = strings;
        this.kwIdx = kwIdx;
        this.kwStart = kwStart;
        this.inTitle = inTitle;
        this.source = source;
        this.platform = platform;
        this.ageHours = new double[n];
        this.published = new double[n];
        this.key = new String[n];
        this.title = new String[n];
        this.body = new String[n];
        this.company = new String[n];
        this.location = new String[n];
        this.compensation = new String[n];
        this.url = new String[n];
        this.out = new double[n];
    }

    /** Lays out {@code leads[from, to)}; ages are measured from {@code now}. */
    static LeadBatch of(List<Lead> leads, int from, int to, Instant now) {
        int n = to - from;
        int keywords = 0;
        for (int i = from; i < to; i++) {
            keywords += leads.get(i).keywords().size();
        }
        Interner strings = new Interner();
        int[] kwIdx = new int[keywords];
        boolean[] inTitle = new boolean[keywords];
        int[] kwStart = new int[n + 1];
        int p = 0;
        for (int i = 0; i < n; i++) {
            Lead lead = leads.get(from + i);
            String titleLower = lead.title().toLowerCase(Locale.ROOT);
            kwStart[i] = p;
            for (String kw : lead.keywords()) {
                kwIdx[p] = strings.index(kw);
                inTitle[p] = TitleMatch.containsWord(titleLower, kw);
                p++;
            }
        }
        kwStart[n] = p;
        int[] source = new int[n];
        int[] platform = new int[n];
        for (int i = 0; i < n; i++) {
            Lead lead = leads.get(from + i);
            source[i] = strings.index(lead.sourceId());
            platform[i] = strings.index(lead.platform());
        }
        LeadBatch b = new LeadBatch(n, strings.toArray(), kwIdx, kwStart, inTitle, source, platform);
        long nowMs = now.toEpochMilli();
        for (int i = 0; i < n; i++) {
            Lead lead = leads.get(from + i);
            b.ageHours[i] = Math.max(0, nowMs - lead.time().toEpochMilli()) / 3_600_000.0;
            b.published[i] = lead.published() == null ? Double.NaN : lead.published().toEpochMilli();
            b.key[i] = lead.key();
            b.title[i] = lead.title();
            b.body[i] = lead.body();
            b.company[i] = lead.company();
            b.location[i] = lead.location();
            b.compensation[i] = lead.compensation();
            b.url[i] = lead.url();
        }
        return b;
    }

    /** Numbers each distinct string once, in order of first use. */
    private static final class Interner {
        private final Map<String, Integer> index = new HashMap<>();
        private String[] values = new String[32];
        private int count;

        int index(String s) {
            Integer at = index.get(s);
            if (at != null) {
                return at;
            }
            if (count == values.length) {
                values = Arrays.copyOf(values, count * 2);
            }
            values[count] = s;
            index.put(s, count);
            return count++;
        }

        String[] toArray() {
            return Arrays.copyOf(values, count);
        }
    }
}
