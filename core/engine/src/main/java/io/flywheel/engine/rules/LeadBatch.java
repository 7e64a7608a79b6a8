package io.flywheel.engine.rules;

import io.flywheel.api.lead.Lead;
import java.util.List;
import org.graalvm.polyglot.HostAccess;

/**
 * One batch of leads, column by column, as the lead-score harness hands it to the script (made by
 * {@link BatchLayout}). The numeric columns are Java primitive arrays exactly as long as the batch
 * needs: GraalJS reads their elements as fast as its own arrays (typed arrays over direct buffers
 * read about five times slower, measured), and a batch crosses into JavaScript as one call.
 * Keywords, sources and platforms are numbered; the names are the first {@code *Count} entries of
 * tables shared by the batches of one layout, so the harness reads only names it has not seen.
 * Text is laid out only when the script asks for a lead's text ({@link #loadText}). The only host
 * object a script can reach through the harness; it exposes these members and nothing else.
 */
public final class LeadBatch {
    /** The layout this batch belongs to: the harness reads the name tables afresh when it changes. */
    @HostAccess.Export public final int layout;
    /** Leads in the batch, and matches (keyword occurrences) in it. */
    @HostAccess.Export public final int n;
    @HostAccess.Export public final int matches;
    /** Int [n + 1]: lead i's matches are {@code matchStart[i] .. matchStart[i+1])}. */
    @HostAccess.Export public final int[] matchStart;
    /** Int [matches]: the keyword id of each match. */
    @HostAccess.Export public final int[] matchKeyword;
    /** Byte [matches]: 1 when the keyword is in the title as a whole word. */
    @HostAccess.Export public final byte[] matchInTitle;
    /** Int [n]: ids into {@link #sources} and {@link #platforms}. */
    @HostAccess.Export public final int[] source;
    @HostAccess.Export public final int[] platform;
    /** Double [n]. */
    @HostAccess.Export public final double[] ageHours;
    /** Double [n]: epoch milliseconds, NaN when the posting had no date. */
    @HostAccess.Export public final double[] published;
    /** Double [keywordCount]: this batch's copy of the weights by keyword id (what a script writes into it is gone with the batch). */
    @HostAccess.Export public final double[] weights;
    /** Double [n]: where the harness writes the checked scores. */
    @HostAccess.Export public final double[] out;

    /** Names by id: the first {@code *Count} entries. {@code weightCount} keywords came from the weight set, the rest from leads. */
    @HostAccess.Export public final String[] keywords;
    @HostAccess.Export public final int keywordCount;
    @HostAccess.Export public final int weightCount;
    @HostAccess.Export public final String[] sources;
    @HostAccess.Export public final int sourceCount;
    @HostAccess.Export public final String[] platforms;
    @HostAccess.Export public final int platformCount;

    /** Text of the batch, filled by {@link #loadText}. */
    @HostAccess.Export public String[] key;
    @HostAccess.Export public String[] title;
    @HostAccess.Export public String[] body;
    @HostAccess.Export public String[] company;
    @HostAccess.Export public String[] location;
    @HostAccess.Export public String[] compensation;
    @HostAccess.Export public String[] url;

    private final List<Lead> leads;
    private final int from;

    LeadBatch(int layout, List<Lead> leads, int from, int n, int[] matchStart, int[] matchKeyword, byte[] matchInTitle, int[] source,
            int[] platform, double[] ageHours, double[] published, double[] weights, String[] keywords, int keywordCount, int weightCount,
            String[] sources, int sourceCount, String[] platforms, int platformCount) {
        this.layout = layout;
        this.leads = leads;
        this.from = from;
        this.n = n;
        this.matches = matchStart[n];
        this.matchStart = matchStart;
        this.matchKeyword = matchKeyword;
        this.matchInTitle = matchInTitle;
        this.source = source;
        this.platform = platform;
        this.ageHours = ageHours;
        this.published = published;
        this.weights = weights;
        this.out = new double[n];
        this.keywords = keywords;
        this.keywordCount = keywordCount;
        this.weightCount = weightCount;
        this.sources = sources;
        this.sourceCount = sourceCount;
        this.platforms = platforms;
        this.platformCount = platformCount;
    }

    /** Fills the text columns: called by the harness the first time a script reads a lead's text. */
    @HostAccess.Export
    public void loadText() {
        if (title != null) {
            return;
        }
        key = new String[n];
        String[] titles = new String[n];
        body = new String[n];
        company = new String[n];
        location = new String[n];
        compensation = new String[n];
        url = new String[n];
        for (int i = 0; i < n; i++) {
            Lead lead = leads.get(from + i);
            key[i] = lead.key();
            titles[i] = lead.title();
            body[i] = lead.body();
            company[i] = lead.company();
            location[i] = lead.location();
            compensation[i] = lead.compensation();
            url[i] = lead.url();
        }
        title = titles;
    }

    /** Position of this batch's first lead in the list it was laid out from. */
    int from() {
        return from;
    }
}
