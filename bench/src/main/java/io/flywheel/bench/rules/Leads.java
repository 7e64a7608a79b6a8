package io.flywheel.bench.rules;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.lead.KeywordMatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * 100,000 realistic leads: the real "Who is hiring" postings of the demo feeds (demo/feeds,
 * origins in demo/README.md), each used many times with a different source, age and a few
 * extra skills in the title, matched against 50 keywords by the real {@link KeywordMatcher}.
 */
final class Leads {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    /** The bundled config's 13 keywords plus 37 more that job posts use. */
    static final List<String> KEYWORDS = List.of("backend", "remote", "founding engineer", "full-stack", "python", "typescript", "react", "sql", "ai",
            "senior", "rust", "go", "java", "kotlin", "scala", "c++", "c#", ".net", "node.js", "javascript", "ruby", "rails", "php", "swift", "ios",
            "android", "kubernetes", "docker", "aws", "gcp", "azure", "terraform", "postgres", "mysql", "redis", "kafka", "spark", "machine learning",
            "llm", "data engineer", "devops", "sre", "security", "frontend", "mobile", "embedded", "staff", "principal", "lead", "healthcare");
    private static final List<String> SOURCES = List.of("hn-hiring", "remote-digest", "weworkremotely", "company-pages");
    private static final Pattern ITEM = Pattern.compile("<(item|entry)>(.*?)</\\1>", Pattern.DOTALL);
    private static final Pattern TITLE = Pattern.compile("<title[^>]*>(.*?)</title>", Pattern.DOTALL);
    private static final Pattern BODY = Pattern.compile("<(description|content|summary)[^>]*>(.*?)</\\1>", Pattern.DOTALL);

    private Leads() {}

    record Posting(String title, String body) {}

    static Map<String, Double> weights() {
        Random r = new Random(11);
        Map<String, Double> w = new LinkedHashMap<>();
        KEYWORDS.forEach(k -> w.put(k, Math.round((0.25 + 2.75 * r.nextDouble()) * 100) / 100.0));
        return w;
    }

    static List<Posting> postings(Path repo) {
        List<Posting> out = new ArrayList<>();
        for (String feed : List.of("demo/feeds/hn-who-is-hiring.rss", "demo/feeds/remote-digest.atom")) {
            String xml;
            try {
                xml = Files.readString(repo.resolve(feed), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Matcher m = ITEM.matcher(xml);
            while (m.find()) {
                Matcher t = TITLE.matcher(m.group(2));
                Matcher b = BODY.matcher(m.group(2));
                if (t.find()) {
                    out.add(new Posting(text(t.group(1)), b.find() ? text(b.group(2)) : ""));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no postings found in " + repo.resolve("demo/feeds"));
        }
        return out;
    }

    private static String text(String xml) {
        return xml.replace("<![CDATA[", "").replace("]]>", "").replaceAll("<[^>]+>", " ").replace("&#x2F;", "/").replace("&amp;", "&")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#x27;", "'").replaceAll("\\s+", " ").strip();
    }

    static List<Lead> generate(Path repo, int count, long seed) {
        List<Posting> postings = postings(repo);
        KeywordMatcher matcher = new KeywordMatcher(KEYWORDS);
        List<List<String>> bodyKeywords = new ArrayList<>();
        postings.forEach(p -> bodyKeywords.add(matcher.match(p.body())));
        Random r = new Random(seed);
        List<Lead> leads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int p = r.nextInt(postings.size());
            Posting posting = postings.get(p);
            StringBuilder title = new StringBuilder(posting.title());
            int extra = r.nextInt(3);
            for (int e = 0; e < extra; e++) {
                title.append(e == 0 ? " (" : ", ").append(KEYWORDS.get(r.nextInt(KEYWORDS.size())));
            }
            if (extra > 0) {
                title.append(')');
            }
            LinkedHashSet<String> keywords = new LinkedHashSet<>(matcher.match(title.toString()));
            keywords.addAll(bodyKeywords.get(p));
            Instant published = r.nextInt(10) == 0 ? null : NOW.minus(Duration.ofMinutes(r.nextInt(30 * 24 * 60)));
            leads.add(new Lead("https://news.ycombinator.com/item?id=" + (40_000_000 + i), SOURCES.get(r.nextInt(SOURCES.size())), "hackernews",
                    title.toString(), "https://news.ycombinator.com/item?id=" + (40_000_000 + i), posting.body(), null, null, null, published,
                    NOW.minus(Duration.ofHours(r.nextInt(48))), List.copyOf(keywords), 0));
        }
        return leads;
    }
}
