package io.flywheel.engine.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The variables a config may reference: the process environment over a {@code .env} file (the
 * environment wins), and the substitution of {@code ${VAR}}, {@code ${VAR:-default}} and
 * {@code ${VAR:+alternative}} in config values (the default or alternative may hold references
 * itself, {@code ${A:-${B}}}; {@code $$} is a literal dollar). A .env value may refer to the process
 * environment and to earlier .env lines as {@code ${VAR}} too; any other {@code $} in it is a plain
 * dollar (passwords hold them), as is a {@code ${} that can be no reference (unclosed, or no name
 * inside: kept as written with a warning), and a single-quoted value is taken as written. In a
 * double-quoted .env value {@code \${} is a literal {@code ${}, as in bash and Ruby's dotenv and Node's
 * dotenv-expand; a {@code \$} before anything else stays as written, as it always has.
 */
public final class Environment {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** A name written as environment variables are, {@code DISCORD_TOKEN}: {@code $DISCORD_TOKEN} in config.yml is likely meant as one. */
    private static final Pattern UPPER_NAME = Pattern.compile("[A-Z_][A-Z0-9_]+");
    private static final Pattern COMMENT = Pattern.compile("\\s#");
    /** A .env reference's name, group 1. */
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");
    /** The same in a double-quoted value, where a {@code ${} after an odd run of backslashes is escaped; the name is group 2. */
    private static final Pattern QUOTED_REFERENCE = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\$\\{([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern LINE = Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*)$");

    private final Map<String, String> variables;
    private final Map<String, String> fromDotEnv;

    private Environment(Map<String, String> variables, Map<String, String> fromDotEnv) {
        this.variables = Map.copyOf(variables);
        this.fromDotEnv = Map.copyOf(fromDotEnv);
    }

    public static Environment of(Map<String, String> variables) {
        return new Environment(variables, Map.of());
    }

    /**
     * {@code processEnv} over the {@code .env} file at {@code dotEnv} when it exists. A .env value
     * that is not single-quoted may refer to the process environment or to a name set on an earlier
     * line: {@code ${NAME}}, {@code ${NAME:-default}}, {@code ${NAME:+value}}. Only {@code ${} starts
     * a reference there: {@code pa$word} and {@code pa$$word} are read as written, as they were
     * before .env values could refer to others.
     */
    public static Environment load(Map<String, String> processEnv, Path dotEnv, Problems problems) {
        Map<String, String> fromFile = new LinkedHashMap<>();
        if (dotEnv != null && Files.isRegularFile(dotEnv)) {
            try {
                List<DotEnvLine> lines = parse(dotEnv, Files.readAllLines(dotEnv, StandardCharsets.UTF_8), problems);
                for (int k = 0; k < lines.size(); k++) {
                    DotEnvLine line = lines.get(k);
                    // a name the process sets is never read from .env, so its references do not matter
                    boolean literal = line.literal() || processEnv.containsKey(line.name());
                    fromFile.put(line.name(), literal ? line.asWritten() : expandDotEnv(lines, k, processEnv, fromFile, problems));
                }
            } catch (IOException e) {
                problems.error(Location.of(dotEnv), "cannot read: " + e.getMessage());
            }
        }
        Map<String, String> merged = new LinkedHashMap<>(fromFile);
        merged.putAll(processEnv);
        return new Environment(merged, fromFile);
    }

    /** How a text's {@code $} and backslashes read: config.yml's, a bare or a double-quoted .env value's. */
    private enum Syntax {
        CONFIG, DOT_ENV, DOT_ENV_DOUBLE_QUOTED;

        boolean dotEnv() {
            return this != CONFIG;
        }
    }

    /** A .env value without its quotes, {@code quote} being {@code '}, {@code "} or 0 for a bare one; a double-quoted one's escapes still in. */
    private record Value(String text, char quote) {}

    /** One {@code NAME=value} line of .env. */
    private record DotEnvLine(String name, Value value, Location at) {
        /** Single-quoted: taken as written. */
        boolean literal() {
            return value.quote() == '\'';
        }

        Syntax syntax() {
            return value.quote() == '"' ? Syntax.DOT_ENV_DOUBLE_QUOTED : Syntax.DOT_ENV;
        }

        /** The value with no reference expanded. */
        String asWritten() {
            return value.quote() == '"' ? unescape(value.text()) : value.text();
        }
    }

    private static List<DotEnvLine> parse(Path dotEnv, List<String> lines, Problems problems) {
        List<DotEnvLine> out = new ArrayList<>();
        Map<String, Integer> lineOf = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a byte-order mark, as some Windows editors write
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                // Never the rest of the line: it is most likely a secret written the wrong way.
                String name = trimmed.replaceFirst("^export\\s+", "").split("[\\s=:]", 2)[0];
                problems.error(new Location(dotEnv, i + 1, 1), "expected NAME=value, found a line starting '" + abbreviate(name)
                        + "' that is not in that form (its value is not shown)");
                continue;
            }
            String name = m.group(1);
            Location at = new Location(dotEnv, i + 1, m.start(2) + 1);
            Value value;
            try {
                value = value(m.group(2));
            } catch (IllegalArgumentException e) {
                problems.error(at, name + ": " + e.getMessage() + " (its value is not shown)");
                continue;
            }
            Integer first = lineOf.putIfAbsent(name, i + 1);
            if (first != null) {
                problems.warning(at, name + " is set twice (first at line " + first + "); the last one is used");
            }
            out.add(new DotEnvLine(name, value, at));
        }
        return out;
    }

    /**
     * The value of {@code lines[k]} with its references expanded from the process environment and the
     * lines above it. A name not set there is an error that says whether .env sets it only later or
     * whether it refers back, a cycle; never the value.
     */
    private static String expandDotEnv(List<DotEnvLine> lines, int k, Map<String, String> processEnv, Map<String, String> earlier, Problems problems) {
        DotEnvLine line = lines.get(k);
        Resolver resolver = new Resolver() {
            @Override
            public String lookup(String name) {
                return processEnv.containsKey(name) ? processEnv.get(name) : earlier.get(name);
            }

            @Override
            public String plain(String name, String value, Location where, Problems problems) {
                if (value != null) {
                    return value;
                }
                if (name.equals(line.name())) {
                    problems.error(where, line.name() + ": refers to itself, and " + name + " is not set in the environment or on an earlier line of .env"
                            + " (single-quote the value to keep it as written)");
                    return "";
                }
                Optional<DotEnvLine> later = lines.subList(k + 1, lines.size()).stream().filter(l -> l.name().equals(name)).findFirst();
                List<String> cycle = later.isEmpty() ? List.of() : cycle(line.name(), name, lines, processEnv);
                if (!cycle.isEmpty()) {
                    problems.error(where, line.name() + ": refers to " + name + ", which refers back to " + line.name() + " (" + String.join(" -> ", cycle)
                            + "): a cycle that cannot be expanded; single-quote a value to keep it as written");
                } else if (later.isPresent()) {
                    problems.error(where, line.name() + ": refers to " + name + ", which .env sets only later, at line " + later.get().at().line()
                            + "; .env is read top to bottom, so set " + name + " above " + line.name());
                } else {
                    problems.error(where, line.name() + ": refers to " + name + ", which is not set in the environment or on an earlier line of .env"
                            + " (single-quote the value to keep it as written)");
                }
                return "";
            }
        };
        Problems found = new Problems();
        String value = substitute(line.value().text(), line.syntax(), resolver, line.at(), found);
        for (Problem p : found.all()) {
            problems.add(p.message().startsWith(line.name() + ": ") ? p : new Problem(p.severity(), p.location(), line.name() + ": " + p.message()));
        }
        return value;
    }

    /** The chain of references from {@code from} through {@code to} back to {@code from}, or empty when there is none. */
    private static List<String> cycle(String from, String to, List<DotEnvLine> lines, Map<String, String> processEnv) {
        Map<String, List<String>> refs = new LinkedHashMap<>();
        for (DotEnvLine l : lines) {
            if (!l.literal() && !processEnv.containsKey(l.name())) {
                refs.computeIfAbsent(l.name(), n -> new ArrayList<>()).addAll(referencedNames(l));
            }
        }
        Map<String, String> cameFrom = new LinkedHashMap<>();
        java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(List.of(to));
        cameFrom.put(to, from);
        while (!queue.isEmpty()) {
            String n = queue.poll();
            for (String next : refs.getOrDefault(n, List.of())) {
                if (next.equals(from)) {
                    List<String> path = new ArrayList<>(List.of(from));
                    for (String step = n; !step.equals(from); step = cameFrom.get(step)) {
                        path.add(1, step);
                    }
                    path.add(from);
                    return path;
                }
                if (cameFrom.putIfAbsent(next, n) == null) {
                    queue.add(next);
                }
            }
        }
        return List.of();
    }

    /** Names {@code line} refers to, as {@code ${NAME...}}; not an escaped {@code \${NAME}}. */
    private static List<String> referencedNames(DotEnvLine line) {
        List<String> names = new ArrayList<>();
        boolean quoted = line.syntax() == Syntax.DOT_ENV_DOUBLE_QUOTED;
        Matcher m = (quoted ? QUOTED_REFERENCE : REFERENCE).matcher(line.value().text());
        while (m.find()) {
            names.add(m.group(quoted ? 2 : 1));
        }
        return names;
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(variables.get(name));
    }

    /** Set and not empty. */
    public boolean isSet(String name) {
        String v = variables.get(name);
        return v != null && !v.isEmpty();
    }

    /** Names whose values came from the .env file rather than the process. */
    public Map<String, String> dotEnvValues() {
        return fromDotEnv;
    }

    /** All values, for masking secrets in logs. */
    public Map<String, String> all() {
        return variables;
    }

    /**
     * Substitutes variables in {@code text}. Missing variables without a default are reported
     * at {@code where} and left empty.
     */
    public String substitute(String text, Location where, Problems problems) {
        return substitute(text, Syntax.CONFIG, configResolver, where, problems);
    }

    /** Where references find their values, and what a plain reference to a name yields. */
    private interface Resolver {
        /** The value of {@code name}, {@code null} when unset. */
        String lookup(String name);

        /** What {@code ${name}} yields, its value being {@code value}; reports it when it cannot be used. */
        String plain(String name, String value, Location where, Problems problems);
    }

    private final Resolver configResolver = new Resolver() {
        @Override
        public String lookup(String name) {
            return variables.get(name);
        }

        @Override
        public String plain(String name, String value, Location where, Problems problems) {
            if (value != null && !value.isEmpty()) {
                return value;
            }
            if (fromDotEnv.getOrDefault(name, "").isEmpty()) {
                problems.error(where, "environment variable " + name + " is not set (put it in the environment or in .env; .env.example documents it)");
            } else {
                problems.error(where, "environment variable " + name + " is empty in the process environment, which wins over its value in .env (unset it there or give it the value)");
            }
            return "";
        }
    };

    /**
     * In a .env value only {@code ${} is special (a {@code $} elsewhere is a password's own) and an
     * error never shows the text; a double-quoted one's backslash escapes are read here too, so that
     * {@code \${} is text rather than a reference. In config.yml {@code $$} is a literal dollar and a
     * shell-style {@code $NAME} is text that warns.
     */
    private static String substitute(String text, Syntax syntax, Resolver resolver, Location where, Problems problems) {
        boolean dotEnv = syntax.dotEnv();
        boolean escapes = syntax == Syntax.DOT_ENV_DOUBLE_QUOTED;
        if (text == null || text.indexOf('$') < 0) {
            return escapes && text != null ? unescape(text) : text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (escapes && c == '\\') {
                i = escape(text, i, out);
            } else if (!dotEnv && c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int close = closingBrace(text, i + 2, escapes);
                if (close < 0) {
                    if (dotEnv) {
                        // A password may hold '${' (a .env value was always literal before it could refer to others): it can be no
                        // reference, so it stays as written; the value is most likely a secret and is never shown.
                        problems.warning(where, "an unclosed '${' is taken as written (its value is not shown; single-quote the value to say so)");
                    } else {
                        problems.error(where, "unclosed '${' in '" + abbreviate(text) + "'");
                    }
                    out.append(escapes ? unescape(text.substring(i)) : text.substring(i));
                    break;
                }
                if (dotEnv && !NAME.matcher(referenceName(text.substring(i + 2, close))).matches()) {
                    // '${' and then no name, as in a password 'a${1x}b': no reference either, so kept as written
                    problems.warning(where, "a '${...}' that is not a variable reference is taken as written (its value is not shown;"
                            + " a reference is ${NAME}, ${NAME:-default} or ${NAME:+value}; single-quote the value to say so)");
                    out.append(escapes ? unescape(text.substring(i, close + 1)) : text.substring(i, close + 1));
                    i = close + 1;
                    continue;
                }
                if (syntax == Syntax.DOT_ENV && i > 0 && text.charAt(i - 1) == '\\') {
                    // bash and the dotenv tools read an unquoted \${ as a literal ${ too; here only a double-quoted one is (a bare
                    // value has no escapes), so one written the shell's way would silently expand
                    problems.warning(where, "a backslash before '${' in an unquoted value is kept and the reference after it expanded"
                            + " (its value is not shown); for a literal '${' write \\${ in a double-quoted value, or single-quote the value");
                }
                out.append(expand(text.substring(i + 2, close), syntax, resolver, where, problems));
                i = close + 1;
            } else if (!dotEnv && c == '$' && i + 1 < text.length() && isNameStart(text.charAt(i + 1))) {
                int end = nameEnd(text, i + 1);
                String name = text.substring(i + 1, end);
                // config.yml reads $NAME as text: `token: $DISCORD_TOKEN` would send those 14 characters as the token
                if (resolver.lookup(name) != null) {
                    problems.warning(where, "'$" + name + "' is taken as written; a variable is referenced as ${" + name + "} (write $$ for a literal $)");
                } else if (UPPER_NAME.matcher(name).matches() && (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)))) {
                    // A name nobody set may be the tail of a password written inline (Ab3!$K9QZ2): where, but not what;
                    // one inside a word (pa$SW0RD) is no reference at all and passes without a word.
                    problems.warning(where, "a shell-style $NAME at character " + (i + 1) + " of this value is taken as written (it is not shown);"
                            + " a variable is referenced as ${NAME} (write $$ for a literal $)");
                }
                out.append(text, i, end);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The end of the name that starts at {@code from}. */
    private static int nameEnd(String text, int from) {
        int end = from + 1;
        while (end < text.length() && (isNameStart(text.charAt(end)) || Character.isDigit(text.charAt(end)))) {
            end++;
        }
        return end;
    }

    private static boolean isNameStart(char c) {
        return c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }

    /** The name part of a reference's expression: before {@code :-} or {@code :+}, else all of it. */
    private static String referenceName(String expression) {
        int colon = expression.indexOf(':');
        boolean op = colon >= 0 && colon + 1 < expression.length() && (expression.charAt(colon + 1) == '-' || expression.charAt(colon + 1) == '+');
        return op ? expression.substring(0, colon) : expression;
    }

    private static String expand(String expression, Syntax syntax, Resolver resolver, Location where, Problems problems) {
        boolean dotEnv = syntax.dotEnv();
        String name = expression;
        String op = null;
        String word = "";
        int colon = expression.indexOf(':');
        if (colon >= 0 && colon + 1 < expression.length() && (expression.charAt(colon + 1) == '-' || expression.charAt(colon + 1) == '+')) {
            name = expression.substring(0, colon);
            op = expression.substring(colon, colon + 2);
            word = expression.substring(colon + 2);
        }
        if (!NAME.matcher(name).matches()) {
            problems.error(where, (dotEnv ? "'${...}'" : "'${" + expression + "}'") + " is not a variable reference: use ${NAME}, ${NAME:-default} or ${NAME:+value}"
                    + (dotEnv ? " (its value is not shown; single-quote the value to keep it as written)" : ""));
            return "";
        }
        String value = resolver.lookup(name);
        boolean set = value != null && !value.isEmpty();
        // the word may itself hold references, ${A:-${B}}; only the word used is expanded, as a shell does
        if (":-".equals(op)) {
            return set ? value : substitute(word, syntax, resolver, where, problems);
        }
        if (":+".equals(op)) {
            return set ? substitute(word, syntax, resolver, where, problems) : "";
        }
        return resolver.plain(name, value, where, problems);
    }

    /**
     * The index of the '}' that closes the reference whose name starts at {@code from}, past nested
     * ones; -1 when none does. With {@code escapes}, an escaped backslash or {@code \${} opens none.
     */
    private static int closingBrace(String text, int from, boolean escapes) {
        int depth = 0;
        for (int j = from; j < text.length(); j++) {
            char c = text.charAt(j);
            if (escapes && c == '\\' && j + 1 < text.length() && (text.charAt(j + 1) == '\\' || escapedDollarBrace(text, j))) {
                j++; // and the '{' of '\${' is no brace either: it opens nothing, and a '}' is what is looked for
                if (text.charAt(j) == '$') {
                    j++;
                }
            } else if (c == '$' && j + 1 < text.length() && (text.charAt(j + 1) == '$' || text.charAt(j + 1) == '{')) {
                depth += text.charAt(j + 1) == '{' ? 1 : 0;
                j++;
            } else if (c == '}') {
                if (depth == 0) {
                    return j;
                }
                depth--;
            }
        }
        return -1;
    }

    /** Names referenced by {@code ${NAME}} in {@code text} that have no default. */
    static List<String> requiredNames(String text) {
        if (text == null) {
            return List.of();
        }
        Matcher m = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}").matcher(text);
        java.util.ArrayList<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * The value of a .env line after {@code NAME=}: quoted ({@code "..."} with {@code \\n},
     * {@code \\"}, {@code \\\\} and {@code \\$\{} escapes, read as the value is expanded, or
     * {@code '...'} as written) or bare, either followed by an optional {@code # comment}. Throws
     * naming what is wrong, never the value.
     */
    private static Value value(String raw) {
        String v = raw.strip();
        if (v.isEmpty() || v.charAt(0) != '"' && v.charAt(0) != '\'') {
            Matcher comment = COMMENT.matcher(v);
            return new Value(comment.find() ? v.substring(0, comment.start()).strip() : v, (char) 0);
        }
        char quote = v.charAt(0);
        int close = 1;
        while (close < v.length() && v.charAt(close) != quote) {
            close += quote == '"' && v.charAt(close) == '\\' ? 2 : 1;
        }
        if (close >= v.length()) {
            throw new IllegalArgumentException("the value opens a quote (" + quote + ") and never closes it");
        }
        String inner;
        String rest = v.substring(close + 1);
        if (rest.isBlank() || rest.matches("\\s+#.*")) {
            inner = v.substring(1, close);
        } else if (v.endsWith(String.valueOf(quote))) {
            inner = v.substring(1, v.length() - 1); // quoted as a whole, quotes inside kept: 'it''s'
        } else {
            throw new IllegalArgumentException("text after the closing quote (" + quote + "); a comment after a value needs a space before '#'");
        }
        return new Value(inner, quote);
    }

    /** A double-quoted value's text with its escapes read and no reference expanded. */
    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            if (s.charAt(i) == '\\') {
                i = escape(s, i, out);
            } else {
                out.append(s.charAt(i++));
            }
        }
        return out.toString();
    }

    /**
     * Reads the backslash at {@code i} of a double-quoted value into {@code out} and returns the index
     * after what it escaped: {@code \\n} a newline, {@code \\"} and {@code \\\\} the character,
     * {@code \\$\{} a literal {@code $\{} (the brace is left to be read as text); any other
     * backslash, {@code \\$} before anything but a brace included, stays as written, as it did before
     * {@code \\$\{} was an escape.
     */
    private static int escape(String s, int i, StringBuilder out) {
        if (i + 1 >= s.length()) {
            out.append('\\');
            return i + 1;
        }
        char next = s.charAt(i + 1);
        switch (next) {
            case 'n' -> out.append('\n');
            case '"', '\\' -> out.append(next);
            case '$' -> {
                if (!escapedDollarBrace(s, i)) {
                    out.append('\\');
                }
                out.append('$');
            }
            default -> out.append('\\').append(next);
        }
        return i + 2;
    }

    /** Whether the backslash at {@code i} starts {@code \\$\{}. */
    private static boolean escapedDollarBrace(String s, int i) {
        return i + 2 < s.length() && s.charAt(i + 1) == '$' && s.charAt(i + 2) == '{';
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
