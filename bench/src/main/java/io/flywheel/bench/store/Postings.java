package io.flywheel.bench.store;

import io.flywheel.api.lead.Lead;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Postings as a scraper sees them, generated from their number so both stores get byte-identical
 * input without holding a million of them in memory: canonical URL keys (~60 characters), a title,
 * a 300-byte body, eight platforms, 0-3 of 20 keywords, a score, and times that advance about
 * three seconds per posting with up to ten minutes of jitter (feeds publish out of order).
 */
final class Postings {
    static final String[] PLATFORMS = {"hackernews", "remoteok", "weworkremotely", "linkedin", "indeed", "upwork", "reddit", "wellfound"};
    static final String[] KEYWORDS = {"java", "python", "rust", "go", "remote", "backend", "frontend", "react", "sql", "ai", "senior", "devops",
            "cloud", "aws", "kubernetes", "data", "ml", "typescript", "node", "full-stack"};
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final String[] ROLES = {"Backend Engineer", "Senior Rust Developer", "Full-Stack Engineer", "Data Engineer", "ML Engineer",
            "Founding Engineer", "Platform Engineer", "Frontend Developer", "DevOps Engineer", "Staff Software Engineer"};
    private static final String[] COMPANIES = {"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent"};
    private static final String FILLER = "We build reliable systems for real customers and ship every day. You will own services end to end, "
            + "review code, mentor colleagues and talk to users. Remote friendly, competitive pay, four weeks of holiday, learning budget. ";

    private Postings() {}

    static Instant time(long n) {
        return T0.plusSeconds(n * 3 + new SplittableRandom(n * 31 + 7).nextInt(600));
    }

    static Lead posting(long n) {
        SplittableRandom r = new SplittableRandom(n);
        String platform = PLATFORMS[r.nextInt(PLATFORMS.length)];
        List<String> keywords = new ArrayList<>(3);
        int k = r.nextInt(4);
        for (int i = 0; i < k; i++) {
            String kw = KEYWORDS[r.nextInt(KEYWORDS.length)];
            if (!keywords.contains(kw)) {
                keywords.add(kw);
            }
        }
        String company = COMPANIES[r.nextInt(COMPANIES.length)];
        String title = ROLES[r.nextInt(ROLES.length)] + " at " + company + " #" + n;
        String url = "https://jobs.example.org/" + platform + "/" + n + "-" + Long.toHexString(r.nextLong() >>> 16);
        int offset = r.nextInt(FILLER.length() - 150);
        String body = (title + ". " + FILLER).substring(0, 150) + FILLER.substring(offset, offset + 150); // 300 characters
        Instant t = time(n);
        return new Lead(url, "bench", platform, title, url, body, company, "Remote", null, t, t.plusSeconds(300), keywords, r.nextInt(400) / 10.0);
    }

    /** A scrape-cycle stream: each posting is new with probability {@code 1 - repeatShare}, else one of the last {@code window} new ones. */
    static final class Cycles {
        private final Random random;
        private final double repeatShare;
        private final int window;
        private final long[] recent;
        private long unique;

        Cycles(long seed, double repeatShare, int window) {
            this.random = new Random(seed);
            this.repeatShare = repeatShare;
            this.window = window;
            this.recent = new long[window];
        }

        long next() {
            if (unique == 0 || random.nextDouble() >= repeatShare) {
                long n = unique++;
                recent[(int) (n % window)] = n;
                return n;
            }
            return recent[random.nextInt((int) Math.min(unique, window))];
        }

        long unique() {
            return unique;
        }
    }
}
