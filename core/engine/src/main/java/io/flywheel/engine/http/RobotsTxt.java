package io.flywheel.engine.http;

import java.nio.charset.StandardCharsets;
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
 * Patterns and paths are compared after the same percent-encoding normalisation (RFC 9309
 * §2.2.2), and matching takes time proportional to pattern times path length at worst.
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
                        rules.add(new Rule(key.equals("allow"), normalize(value)));
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
        String path = normalize(pathAndQuery);
        Rule best = null;
        for (Group g : groupsFor(productToken)) {
            for (Rule r : g.rules()) {
                if (matches(r.pattern(), path)
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

    /**
     * RFC 9309 §2.2.2: non-ASCII (and control, space) characters percent-encoded as UTF-8, escapes
     * in upper-case hex, and escapes of unreserved characters decoded, so {@code /café}, {@code
     * /caf%c3%a9} and {@code /caf%C3%A9} are one path, as are {@code /~x} and {@code /%7Ex}.
     */
    static String normalize(String s) {
        StringBuilder b = new StringBuilder(s.length());
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xFF;
            if (c == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
                int decoded = hex(bytes[i + 1]) << 4 | hex(bytes[i + 2]);
                i += 2;
                if (unreserved(decoded)) {
                    b.append((char) decoded);
                } else {
                    escape(b, decoded);
                }
            } else if (c <= 0x20 || c >= 0x7F) {
                escape(b, c);
            } else {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private static int hex(byte x) {
        return Character.digit((char) (x & 0xFF), 16);
    }

    private static boolean unreserved(int c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static void escape(StringBuilder b, int c) {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
    }

    static boolean matches(String pattern, String path) {
        return matches(pattern, path, new long[1]);
    }

    /**
     * Greedy two-pointer matching: on a mismatch only the last {@code *} takes one more character,
     * which is enough for {@code *} alone and never backtracks further, so the work is at most about
     * pattern times path length. {@code steps[0]} counts loop turns (for tests).
     */
    static boolean matches(String pattern, String path, long[] steps) {
        boolean anchored = pattern.endsWith("$");
        // without $ a rule matches a prefix: the same as a trailing *
        String p = anchored ? pattern.substring(0, pattern.length() - 1) : pattern + "*";
        int pi = 0;
        int si = 0;
        int star = -1;
        int resume = 0;
        while (si < path.length()) {
            steps[0]++;
            if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                resume = si;
            } else if (pi < p.length() && p.charAt(pi) == path.charAt(si)) {
                pi++;
                si++;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++resume;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
