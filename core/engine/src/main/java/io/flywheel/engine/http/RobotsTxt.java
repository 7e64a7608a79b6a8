package io.flywheel.engine.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed robots.txt (RFC 9309): groups of user-agent lines with allow and disallow rules; the
 * longest matching rule wins and allow wins a tie; {@code *} matches any characters and a final
 * {@code $} anchors the end. A group for the crawler's product token is used if present (groups
 * naming it are merged), otherwise the {@code *} group. {@code Crawl-delay} is read as well.
 */
final class RobotsTxt {
    private record Rule(boolean allow, String pattern) {}

    private record Group(List<String> agents, List<Rule> rules, Duration crawlDelay) {}

    private final List<Group> groups;

    private RobotsTxt(List<Group> groups) {
        this.groups = groups;
    }

    static RobotsTxt allowAll() {
        return new RobotsTxt(List.of());
    }

    static RobotsTxt disallowAll() {
        return new RobotsTxt(List.of(new Group(List.of("*"), List.of(new Rule(false, "/")), null)));
    }

    static RobotsTxt parse(String text) {
        List<Group> groups = new ArrayList<>();
        List<String> agents = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        Duration[] delay = {null};
        boolean inRules = false;
        for (String raw : text.split("\r\n|\r|\n")) {
            String line = raw;
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "user-agent", "useragent", "user agent" -> {
                    if (inRules) {
                        groups.add(new Group(List.copyOf(agents), List.copyOf(rules), delay[0]));
                        agents.clear();
                        rules.clear();
                        delay[0] = null;
                        inRules = false;
                    }
                    agents.add(value.split("[/\\s]", 2)[0].toLowerCase(Locale.ROOT));
                }
                case "allow", "disallow" -> {
                    inRules = true;
                    if (!agents.isEmpty() && !value.isEmpty()) {
                        rules.add(new Rule(key.equals("allow"), value));
                    }
                }
                case "crawl-delay" -> {
                    inRules = true;
                    try {
                        double seconds = Double.parseDouble(value);
                        if (seconds >= 0 && Double.isFinite(seconds)) {
                            delay[0] = Duration.ofMillis((long) (seconds * 1000));
                        }
                    } catch (NumberFormatException e) {
                        // ignored like any unknown line
                    }
                }
                default -> { }
            }
        }
        if (!agents.isEmpty()) {
            groups.add(new Group(List.copyOf(agents), List.copyOf(rules), delay[0]));
        }
        return new RobotsTxt(List.copyOf(groups));
    }

    private List<Group> groupsFor(String productToken) {
        String token = productToken.toLowerCase(Locale.ROOT);
        List<Group> mine = groups.stream().filter(g -> g.agents().contains(token)).toList();
        return mine.isEmpty() ? groups.stream().filter(g -> g.agents().contains("*")).toList() : mine;
    }

    /** Whether {@code productToken} may fetch {@code pathAndQuery} (starting with {@code /}). */
    boolean allows(String productToken, String pathAndQuery) {
        if (pathAndQuery.equals("/robots.txt")) {
            return true;
        }
        Rule best = null;
        for (Group g : groupsFor(productToken)) {
            for (Rule r : g.rules()) {
                if (matches(r.pattern(), pathAndQuery)
                        && (best == null || r.pattern().length() > best.pattern().length() || r.pattern().length() == best.pattern().length() && r.allow())) {
                    best = r;
                }
            }
        }
        return best == null || best.allow();
    }

    Optional<Duration> crawlDelay(String productToken) {
        return groupsFor(productToken).stream().map(Group::crawlDelay).filter(d -> d != null).max(Duration::compareTo);
    }

    static boolean matches(String pattern, String path) {
        boolean anchored = pattern.endsWith("$");
        String p = anchored ? pattern.substring(0, pattern.length() - 1) : pattern;
        return match(p, 0, path, 0, anchored);
    }

    private static boolean match(String p, int pi, String s, int si, boolean anchored) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                while (pi < p.length() && p.charAt(pi) == '*') {
                    pi++;
                }
                if (pi == p.length()) {
                    return true;
                }
                for (int k = si; k <= s.length(); k++) {
                    if (match(p, pi, s, k, anchored)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length() || s.charAt(si) != c) {
                return false;
            }
            pi++;
            si++;
        }
        return !anchored || si == s.length();
    }
}
