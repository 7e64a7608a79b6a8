package io.flywheel.engine.lead;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.store.LeadQuery;
import io.flywheel.engine.store.LeadStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises a cross-post: the same posting found on another platform under another URL, with a
 * near-identical title and body. Candidates come from recent leads (within {@code window}) that
 * share the folded title's word set or whose SimHash of title and body is within 3 bits; a
 * candidate is confirmed by comparing the texts.
 *
 * <p>Confirmed when the titles' word sets overlap by at least {@value #TITLE_SIMILARITY} (Jaccard)
 * and the bodies' word 3-shingles by at least {@value #BODY_CONTAINMENT} of the shorter body
 * (containment, so a feed that truncates descriptions still matches the full text). When either
 * body is too short to compare, the titles must match exactly after folding and the companies must
 * not differ. Postings on the same platform are never linked: a re-post there is a new lead.
 *
 * <p>Not thread-safe: used by the pipeline, which runs one batch at a time.
 */
public final class NearDuplicates {
    static final double TITLE_SIMILARITY = 0.8;
    static final double BODY_CONTAINMENT = 0.85;
    static final int MIN_SHINGLES = 8;
    static final int MAX_DISTANCE = 3;
    static final int CAPACITY = 200_000;

    /** A confirmed match: the lead the candidate duplicates, and why. */
    public record Match(Lead original, String reason) {}

    /** A candidate; {@code held} is the lead itself while its batch is not written yet. */
    private record Sig(String key, String platform, Instant time, long simhash, long titleKey, Lead held) {}

    private final LeadStore store;
    private final Duration window;
    private final ArrayDeque<Sig> order = new ArrayDeque<>();
    private final List<Sig> held = new ArrayList<>();
    private final Map<Long, List<Sig>> byTitle = new HashMap<>();
    private final Map<Integer, List<Sig>> byBand = new HashMap<>();

    /** @param window how far back to look for the first posting; zero disables detection */
    public NearDuplicates(LeadStore store, Duration window) {
        this.store = store;
        this.window = window;
    }

    public boolean enabled() {
        return !window.isZero() && !window.isNegative();
    }

    /** Loads the leads of the last {@code window} before {@code now} as candidates. */
    public void seed(Instant now) {
        if (!enabled()) {
            return;
        }
        List<Lead> recent = new ArrayList<>(store.query(LeadQuery.newest(CAPACITY).between(now.minus(window), null)));
        java.util.Collections.reverse(recent);
        recent.forEach(l -> add(l, now));
    }

    /** The earlier lead {@code candidate} duplicates, among recent stored leads and those {@link #hold held}. */
    public Optional<Match> find(Lead candidate) {
        if (!enabled()) {
            return Optional.empty();
        }
        Text text = new Text(candidate);
        Set<String> tried = new HashSet<>();
        List<Sig> candidates = new ArrayList<>(byTitle.getOrDefault(text.titleKey, List.of()));
        for (int band = 0; band < 4; band++) {
            candidates.addAll(byBand.getOrDefault(bandKey(band, text.simhash), List.of()));
        }
        candidates.sort((a, b) -> a.time().compareTo(b.time()));
        for (Sig s : candidates) {
            if (s.platform().equals(candidate.platform()) || !tried.add(s.key())) {
                continue;
            }
            if (s.titleKey() != text.titleKey && Long.bitCount(s.simhash() ^ text.simhash) > MAX_DISTANCE) {
                continue;
            }
            Optional<Lead> original = s.held() != null ? Optional.of(s.held()) : store.get(s.key());
            if (original.isEmpty()) {
                continue;
            }
            Optional<String> why = compare(text, new Text(original.get()));
            if (why.isPresent()) {
                return Optional.of(new Match(original.get(), why.get()));
            }
        }
        return Optional.empty();
    }

    /** Makes a lead of the batch being built a candidate for the rest of the batch. */
    public void hold(Lead lead) {
        if (enabled()) {
            Sig sig = sig(lead, lead);
            held.add(sig);
            index(sig);
        }
    }

    /**
     * The batch was written: the held leads that were stored stay candidates for later postings,
     * the others are dropped. Forgets candidates older than the window.
     */
    public void settle(List<Lead> stored, Instant now) {
        if (!enabled()) {
            return;
        }
        Set<String> keys = new HashSet<>();
        stored.forEach(l -> keys.add(l.key()));
        for (Sig h : held) {
            unindex(h);
            if (keys.contains(h.key())) {
                add(h.held(), now);
            }
        }
        held.clear();
    }

    private void add(Lead lead, Instant now) {
        Sig sig = sig(lead, null);
        order.addLast(sig);
        index(sig);
        Instant horizon = now.minus(window);
        while (!order.isEmpty() && (order.size() > CAPACITY || order.peekFirst().time().isBefore(horizon))) {
            unindex(order.removeFirst());
        }
    }

    private static Sig sig(Lead lead, Lead held) {
        Text text = new Text(lead);
        return new Sig(lead.key(), lead.platform(), lead.foundAt(), text.simhash, text.titleKey, held);
    }

    private void index(Sig sig) {
        byTitle.computeIfAbsent(sig.titleKey(), k -> new ArrayList<>(1)).add(sig);
        for (int band = 0; band < 4; band++) {
            byBand.computeIfAbsent(bandKey(band, sig.simhash()), k -> new ArrayList<>(1)).add(sig);
        }
    }

    private void unindex(Sig sig) {
        remove(byTitle, sig.titleKey(), sig);
        for (int band = 0; band < 4; band++) {
            remove(byBand, bandKey(band, sig.simhash()), sig);
        }
    }

    int size() {
        return order.size();
    }

    private static <K> void remove(Map<K, List<Sig>> map, K key, Sig sig) {
        List<Sig> list = map.get(key);
        if (list != null) {
            list.remove(sig);
            if (list.isEmpty()) {
                map.remove(key);
            }
        }
    }

    private static int bandKey(int band, long simhash) {
        return (band << 16) | (int) ((simhash >>> (band * 16)) & 0xFFFF);
    }

    /** Why two postings are the same one, or empty when they are not. */
    static Optional<String> compare(Text a, Text b) {
        double title = jaccard(a.titleWords, b.titleWords);
        if (title < TITLE_SIMILARITY) {
            return Optional.empty();
        }
        if (a.shingles.length < MIN_SHINGLES || b.shingles.length < MIN_SHINGLES) {
            boolean sameTitle = a.title.equals(b.title);
            boolean companiesAgree = a.company.isEmpty() || b.company.isEmpty() || a.company.equals(b.company);
            if (sameTitle && companiesAgree && !a.title.isEmpty()) {
                return Optional.of(String.format(Locale.ROOT, "same title%s (body too short to compare)",
                        a.company.isEmpty() || b.company.isEmpty() ? "" : " and company"));
            }
            return Optional.empty();
        }
        double body = containment(a.shingles, b.shingles);
        if (body < BODY_CONTAINMENT) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "title %.0f%% and body %.0f%% alike (thresholds %.0f%%, %.0f%%)", title * 100, body * 100,
                TITLE_SIMILARITY * 100, BODY_CONTAINMENT * 100));
    }

    private static double jaccard(Set<String> a, Set<String> b) {
        if (a.isEmpty() && b.isEmpty()) {
            return 1;
        }
        int common = 0;
        for (String s : a) {
            if (b.contains(s)) common++;
        }
        return (double) common / (a.size() + b.size() - common);
    }

    /** Shared shingles over the smaller set (both sorted, distinct). */
    private static double containment(long[] a, long[] b) {
        int i = 0;
        int j = 0;
        int common = 0;
        while (i < a.length && j < b.length) {
            if (a[i] == b[j]) {
                common++;
                i++;
                j++;
            } else if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        return (double) common / Math.min(a.length, b.length);
    }

    /** The comparable form of a posting. */
    static final class Text {
        final String title;
        final String company;
        final Set<String> titleWords;
        final long titleKey;
        final long[] shingles;
        final long simhash;

        Text(Lead lead) {
            this.title = LeadNormalizer.fold(lead.title());
            this.company = LeadNormalizer.fold(lead.company());
            this.titleWords = new HashSet<>(Arrays.asList(title.isEmpty() ? new String[0] : title.split(" ")));
            this.titleKey = mix(titleWords.stream().sorted().reduce("", (x, y) -> x + " " + y).hashCode());
            String[] words = LeadNormalizer.fold(lead.body()).split(" ");
            long[] sh = new long[Math.max(0, words.length - 2)];
            for (int i = 0; i + 2 < words.length; i++) {
                sh[i] = mix(((long) words[i].hashCode() * 31 + words[i + 1].hashCode()) * 31 + words[i + 2].hashCode());
            }
            this.shingles = Arrays.stream(sh).sorted().distinct().toArray();
            this.simhash = simhash(titleWords, shingles);
        }

        private static long simhash(Set<String> titleWords, long[] shingles) {
            int[] v = new int[64];
            for (String w : titleWords) {
                add(v, mix(w.hashCode() ^ 0x5bd1e995L), 3);
            }
            for (long s : shingles) {
                add(v, s, 1);
            }
            long h = 0;
            for (int i = 0; i < 64; i++) {
                if (v[i] > 0) {
                    h |= 1L << i;
                }
            }
            return h;
        }

        private static void add(int[] v, long h, int weight) {
            for (int i = 0; i < 64; i++) {
                v[i] += ((h >>> i) & 1) != 0 ? weight : -weight;
            }
        }
    }

    /** A 64-bit finalizer (SplitMix64) spreading a 32-bit string hash over all bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
