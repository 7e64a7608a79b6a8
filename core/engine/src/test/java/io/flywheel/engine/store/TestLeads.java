package io.flywheel.engine.store;

import io.flywheel.api.lead.Lead;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random but reproducible leads for store tests. */
final class TestLeads {
    static final String[] PLATFORMS = {"hackernews", "remoteok", "weworkremotely", "linkedin", "reddit"};
    static final String[] KEYWORDS = {"rust", "java", "python", "remote", "senior", "backend", "react", "sql"};
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final Random random;
    private int next;

    TestLeads(long seed) {
        this.random = new Random(seed);
    }

    Lead lead() {
        int i = next++;
        List<String> kws = new ArrayList<>();
        for (String k : KEYWORDS) {
            if (random.nextInt(4) == 0) {
                kws.add(k);
            }
        }
        // Times collide on purpose (whole minutes), and arrive out of order.
        Instant t = START.plusSeconds(60L * random.nextInt(50_000));
        double score = switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> -random.nextDouble() * 3;
            default -> Math.round(random.nextDouble() * 400) / 10.0;
        };
        return new Lead("https://jobs.example.org/" + i, "src-" + random.nextInt(3), PLATFORMS[random.nextInt(PLATFORMS.length)],
                "Engineer " + i, "https://jobs.example.org/" + i, "Body of posting " + i + " ".repeat(random.nextInt(5)) + "x".repeat(random.nextInt(300)),
                random.nextBoolean() ? "Acme " + random.nextInt(20) : null, null, null, random.nextInt(5) == 0 ? null : t, t.plusSeconds(30), kws, score);
    }

    List<Lead> leads(int n) {
        List<Lead> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(lead());
        }
        return out;
    }
}
