package io.flywheel.engine.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads config.yml and the environment, binds the host's sections and the common keys of every
 * component entry, and reports every problem at once with file, line and column.
 */
public final class ConfigLoader {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(token|secret|password|passwd|api[-_]?key|webhook[-_]?url|webhook).*");
    private static final Pattern DISCORD_WEBHOOK = Pattern.compile("https://(?:\\w+\\.)?discord(?:app)?\\.com/api/(?:v\\d+/)?webhooks/\\d+/[\\w-]+.*");
    private static final Pattern DISCORD_TOKEN = Pattern.compile("[MNO][A-Za-z\\d_-]{23,27}\\.[A-Za-z\\d_-]{6}\\.[A-Za-z\\d_-]{27,}");
    /** {@code ${NAME:-default}} with a default: a secret key's default is the secret written in clear. */
    private static final Pattern SECRET_DEFAULT = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*:-[^}\\s][^}]*}");
    /** The keys every entry has, read by the host before the entry's own settings. */
    public static final List<String> COMMON_KEYS = List.of("id", "type", "enabled");

    /** What loading produced: the config when it could be read at all, and every problem. */
    public record Result(Optional<FlywheelConfig> config, Environment environment, Problems problems, List<Dropped> dropped) {
        public Result {
            dropped = List.copyOf(dropped);
        }

        public Result(Optional<FlywheelConfig> config, Environment environment, Problems problems) {
            this(config, environment, problems, List.of());
        }
    }

    /**
     * An enabled entry left out of the config for its problems, kept so that the plugin part can
     * still be checked against its type and every problem of the entry be reported in one pass.
     *
     * @param path for messages: {@code sources[hn]}, or {@code sources[2]} without an id
     * @param type {@code null} when the entry has none
     */
    public record Dropped(ComponentKind kind, String path, String type, ConfigNode.MapNode settings, Location location) {}

    /** Root of config.yml; component sections stay raw until plugins are known. */
    record Root(
            Settings.Store store,
            Settings.Plugins plugins,
            Settings.Http http,
            Settings.Trading trading,
            Settings.Rules rules,
            Settings.Commands commands,
            Settings.Learning learning,
            Settings.Posting posting,
            Map<String, Double> keywords,
            List<ConfigNode> sources,
            List<ConfigNode> markets,
            List<ConfigNode> strategies,
            List<ConfigNode> outputs) {}

    public Result load(Path file, Map<String, String> processEnv) {
        Problems problems = new Problems();
        Path absolute = file.toAbsolutePath().normalize();
        Environment env = Environment.load(processEnv, absolute.getParent().resolve(".env"), problems);
        if (!Files.isRegularFile(absolute)) {
            problems.error(Location.of(absolute), "config file not found: " + absolute);
            return new Result(Optional.empty(), env, problems);
        }
        ConfigNode tree;
        try (Reader reader = Files.newBufferedReader(absolute, StandardCharsets.UTF_8)) {
            tree = new YamlTreeReader().read(absolute, reader, problems);
        } catch (IOException e) {
            problems.error(Location.of(absolute), "cannot read: " + e.getMessage());
            return new Result(Optional.empty(), env, problems);
        }
        if (tree == null) {
            return new Result(Optional.empty(), env, problems);
        }
        warnAboutSecrets(tree, "", problems);
        RecordBinder binder = new RecordBinder(env, absolute.getParent());
        if (!(tree instanceof ConfigNode.MapNode root)) {
            problems.error(tree.location(), "config: expected a map of sections (store, plugins, keywords, sources, markets, strategies, trading, outputs, ...), found " + tree.kind());
            return new Result(Optional.empty(), env, problems);
        }
        List<String> sections = RecordBinder.keysOf(Root.class);
        Map<String, String> sectionWrittenAs = new HashMap<>();
        root.entries().forEach((key, entry) -> {
            if (sections.stream().noneMatch(s -> Names.normalize(s).equals(Names.normalize(key)))) {
                String hint = Names.nearest(key, sections).map(s -> "; did you mean '" + s + "'?").orElse("; valid sections: " + String.join(", ", sections));
                problems.error(entry.keyLocation(), "config: unknown key '" + key + "'" + hint);
            } else if (sectionWrittenAs.putIfAbsent(Names.normalize(key), key) instanceof String first) {
                // only the first is read: the second section would be ignored without a word
                problems.error(entry.keyLocation(), "config: '" + key + "' is the same section as '" + first + "' (line " + root.entries().get(first).keyLocation().line()
                        + "), as keys match regardless of case, '-' and '_', and only the first would be read; merge them");
            }
        });
        // Each section is bound on its own so that one bad section does not hide the problems of the others.
        Path base = absolute.getParent();
        Settings.Store store = section(root, "store", Settings.Store.class, binder, problems).orElse(new Settings.Store(null, null));
        if (store.path() == null) {
            store = store.withPath(base.resolve("data/flywheel.db"));
        }
        Settings.Plugins plugins = section(root, "plugins", Settings.Plugins.class, binder, problems)
                .filter(p -> p.dir() != null)
                .orElse(new Settings.Plugins(base.resolve("plugins")));
        Settings.Http http = section(root, "http", Settings.Http.class, binder, problems).orElse(Settings.Http.defaults());
        Settings.Trading trading = section(root, "trading", Settings.Trading.class, binder, problems)
                .orElse(new Settings.Trading(null, null, null, null, null, null, null));
        if (trading.reports() == null) {
            trading = new Settings.Trading(trading.capital(), trading.feeBps(), trading.slippageBps(), trading.rebalance(), trading.minWeight(),
                    trading.start(), store.path().toAbsolutePath().getParent().resolve("backtests"));
        }
        Settings.Rules rules = section(root, "rules", Settings.Rules.class, binder, problems).orElse(Settings.Rules.defaults());
        checkRuleFiles(tree, rules, problems);
        Settings.Commands commands = section(root, "commands", Settings.Commands.class, binder, problems).orElse(new Settings.Commands(null, null));
        Settings.Learning learning = section(root, "learning", Settings.Learning.class, binder, problems).orElse(Settings.Learning.defaults());
        if (learning.shadow() != null && !Files.isRegularFile(learning.shadow())) {
            problems.error(keyLocation(tree, "learning", "shadow"), "learning.shadow: script not found: " + learning.shadow());
        }
        Settings.Posting posting = section(root, "posting", Settings.Posting.class, binder, problems).orElse(Settings.Posting.unlimited());
        Map<String, Double> keywords = new LinkedHashMap<>();
        // `keywords:` with nothing after it is no keywords, reported below with a hint, not a wrong type
        boolean blank = entry(root, "keywords") instanceof ConfigNode.ScalarNode s && (s.text() == null || s.text().isBlank());
        (blank ? Optional.empty() : sectionOfComponentType(root, "keywords", binder, problems)).ifPresent(v -> {
            @SuppressWarnings("unchecked")
            Map<String, Double> given = (Map<String, Double>) v;
            Map<String, String> writtenAs = new HashMap<>();
            given.forEach((k, w) -> {
                Location at = keyLocation(tree, "keywords", k);
                if (w < 0) {
                    problems.error(at, "keywords." + k + ": weight must not be negative, found " + w);
                }
                String keyword = k.toLowerCase(Locale.ROOT).strip();
                if (keyword.isEmpty()) {
                    // the matcher skips it: its weight would be stored and never used
                    problems.error(at, "keywords: an empty keyword '" + k + "' matches nothing; write the word or remove it");
                    return;
                }
                // keywords match regardless of case and surrounding spaces: two spellings are one keyword with two weights
                String first = writtenAs.putIfAbsent(keyword, k);
                if (first != null) {
                    problems.error(at, "keywords." + k + ": the same keyword as '" + first + "' (line " + keyLocation(tree, "keywords", first).line()
                            + "), as keywords match regardless of case; its weight " + w + " would replace " + keywords.get(keyword) + ": keep one of them");
                }
                keywords.put(keyword, w);
            });
        });
        checkKeywordsGiven(root, absolute, keywords, problems);
        List<Instance> instances = new ArrayList<>();
        List<Dropped> dropped = new ArrayList<>();
        for (ComponentKind kind : ComponentKind.values()) {
            sectionOfComponentType(root, kind.section(), binder, problems).ifPresent(v -> {
                @SuppressWarnings("unchecked")
                List<ConfigNode> nodes = (List<ConfigNode>) v;
                instances(kind, nodes, binder, problems, instances, dropped);
            });
        }
        long strategies = instances.stream().filter(i -> i.kind() == ComponentKind.STRATEGY && i.enabled()).count();
        if (strategies > 0 && trading.minWeight() * strategies > 1) {
            // The strategies' floors would take more than all the capital; the paper trader would refuse to start.
            problems.error(keyLocation(tree, "trading", "min-weight"), "trading.min-weight: " + trading.minWeight() + " for each of " + strategies
                    + " strategies is more than all the capital; at most " + Math.floor(100_000.0 / strategies) / 100_000 + " for " + strategies);
        }
        FlywheelConfig config = new FlywheelConfig(absolute, store, plugins, http, trading, rules, commands, learning, keywords, instances, posting);
        return new Result(Optional.of(config), env, problems, dropped);
    }

    private static <T extends Record> Optional<T> section(ConfigNode.MapNode root, String key, Class<T> type, RecordBinder binder, Problems problems) {
        ConfigNode node = entry(root, key);
        return node == null ? Optional.empty() : binder.bind(node, type, key, problems);
    }

    /** Binds a section to the generic type of {@link Root}'s component of the same name. */
    private static Optional<Object> sectionOfComponentType(ConfigNode.MapNode root, String key, RecordBinder binder, Problems problems) {
        ConfigNode node = entry(root, key);
        if (node == null) {
            return Optional.empty();
        }
        for (var c : Root.class.getRecordComponents()) {
            if (Names.normalize(c.getName()).equals(Names.normalize(key))) {
                return binder.bindValue(node, c.getGenericType(), key, problems);
            }
        }
        throw new IllegalArgumentException("no section " + key);
    }

    /**
     * The keyword-weights rule needs a weight to return: without any keyword {@code flywheel run}
     * would fail at start, after {@code check} said OK. A section that did not bind is reported already.
     */
    private static void checkKeywordsGiven(ConfigNode.MapNode root, Path file, Map<String, Double> keywords, Problems problems) {
        if (!keywords.isEmpty()) {
            return;
        }
        Location at = Location.of(file);
        for (var e : root.entries().entrySet()) {
            if (Names.normalize(e.getKey()).equals(Names.normalize("keywords"))) {
                ConfigNode value = e.getValue().value();
                boolean empty = value instanceof ConfigNode.MapNode m && m.entries().isEmpty()
                        || value instanceof ConfigNode.ScalarNode s && (s.text() == null || s.text().isBlank());
                if (!empty) {
                    return;
                }
                at = e.getValue().keyLocation();
            }
        }
        problems.error(at, "keywords: none configured; leads are matched and scored by them, so write at least one with its weight, e.g. keywords: {backend: 3, remote: 2}");
    }

    private static ConfigNode entry(ConfigNode.MapNode root, String key) {
        ConfigNode.Entry e = namedEntry(root, key);
        return e == null ? null : e.value();
    }

    /** The entry of {@code map} whose key is {@code key} in any spelling ({@code minWeight} for {@code min-weight}). */
    private static ConfigNode.Entry namedEntry(ConfigNode.MapNode map, String key) {
        for (var e : map.entries().entrySet()) {
            if (Names.normalize(e.getKey()).equals(Names.normalize(key))) {
                return e.getValue();
            }
        }
        return null;
    }

    private void instances(ComponentKind kind, List<ConfigNode> nodes, RecordBinder binder, Problems problems, List<Instance> out, List<Dropped> dropped) {
        if (nodes == null) {
            return;
        }
        Map<String, Location> seen = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            ConfigNode node = nodes.get(i);
            String where = kind.section() + "[" + i + "]";
            if (!(node instanceof ConfigNode.MapNode map)) {
                problems.error(node.location(), where + ": expected a map with at least id and type, found " + node.kind());
                continue;
            }
            // Every problem of the entry is reported before it is dropped, so that one fix does not reveal the next.
            boolean ok = true;
            String id = binder.text(map.get("id"), problems);
            String type = binder.text(map.get("type"), problems);
            if (id != null && !id.isBlank()) {
                where = kind.section() + "[" + id + "]";
            }
            // id, type and enabled are read as written; the binder's unknown-key message for `ID:`, not "missing id"
            Set<String> misspelt = new java.util.HashSet<>(); // reported already: not "missing" too
            for (var e : map.entries().entrySet()) {
                String key = e.getKey();
                Optional<String> meant = COMMON_KEYS.stream().filter(k -> !k.equals(key) && Names.normalize(k).equals(Names.normalize(key))).findFirst();
                if (meant.isPresent()) {
                    problems.error(e.getValue().keyLocation(), where + ": unknown key '" + key + "'; did you mean '" + meant.get() + "'?");
                    misspelt.add(meant.get());
                    ok = false;
                }
            }
            for (String key : List.of("id", "type")) {
                // `id: [a, b]` or `type: {x: 1}` is written but not a value: saying it is missing would mislead
                if (map.get(key) != null && !(map.get(key) instanceof ConfigNode.ScalarNode)) {
                    problems.error(map.get(key).location(), where + "." + key + ": expected a single value, found " + map.get(key).kind());
                    misspelt.add(key);
                }
            }
            if (id == null || id.isBlank()) {
                if (!misspelt.contains("id")) {
                    problems.error(map.location(), where + ": missing required key 'id'");
                }
                ok = false;
            } else {
                if (!ID.matcher(id).matches()) {
                    problems.error(map.get("id").location(), where + ": id must be lower-case letters, digits and '-', found '" + id + "'");
                }
                if (seen.containsKey(id)) {
                    problems.error(map.get("id").location(), where + ": duplicate id '" + id + "' (first at line " + seen.get(id).line() + ")");
                    ok = false;
                } else {
                    seen.put(id, map.get("id").location());
                }
            }
            if (type == null || type.isBlank()) {
                if (!misspelt.contains("type")) {
                    problems.error(map.location(), where + ": missing required key 'type'");
                }
                ok = false;
                type = null;
            }
            boolean enabled = true;
            // `enabled:` with no value is the default, as for every other key; it silently disabled the entry
            if (map.get("enabled") != null && !(map.get("enabled") instanceof ConfigNode.ScalarNode s && (s.text() == null || s.text().isBlank()))) {
                Optional<Boolean> e = binder.bind(map.get("enabled"), Boolean.class, where + ".enabled", problems);
                ok &= e.isPresent();
                enabled = e.orElse(Boolean.TRUE);
            }
            if (!enabled) {
                if (ok) {
                    out.add(new Instance(kind, id, type, false, null, map, map.location()));
                }
                continue;
            }
            List<String> hostKeys = RecordBinder.keysOf(kind.hostSettings());
            Map<String, ConfigNode.Entry> hostPart = new LinkedHashMap<>();
            List<String> pluginExcluded = new ArrayList<>(COMMON_KEYS);
            for (var e : map.entries().entrySet()) {
                if (hostKeys.stream().anyMatch(h -> Names.normalize(h).equals(Names.normalize(e.getKey())))) {
                    hostPart.put(e.getKey(), e.getValue());
                    pluginExcluded.add(e.getKey());
                } else if (COMMON_KEYS.stream().anyMatch(k -> Names.normalize(k).equals(Names.normalize(e.getKey())))) {
                    pluginExcluded.add(e.getKey()); // reported above as a misspelt common key
                }
            }
            Optional<? extends Record> host = binder.bind(new ConfigNode.MapNode(hostPart, map.location()), kind.hostSettings(), where, problems);
            ok &= host.isPresent();
            ConfigNode.MapNode settings = map.without(pluginExcluded);
            // Report unset variables now, even if the entry's type turns out not to exist.
            checkVariables(settings, binder, problems);
            if (ok) {
                out.add(new Instance(kind, id, type, true, host.get(), settings, map.location()));
            } else {
                dropped.add(new Dropped(kind, where, type, settings, map.location()));
            }
        }
    }

    /** The likeliest intended name among {@code candidates} for a misspelt {@code name}. */
    public static Optional<String> suggest(String name, java.util.Collection<String> candidates) {
        return Names.nearest(name, candidates);
    }

    private static void checkVariables(ConfigNode node, RecordBinder binder, Problems problems) {
        switch (node) {
            case ConfigNode.MapNode map -> map.entries().values().forEach(e -> checkVariables(e.value(), binder, problems));
            case ConfigNode.ListNode list -> list.items().forEach(i -> checkVariables(i, binder, problems));
            case ConfigNode.ScalarNode scalar -> binder.text(scalar, problems);
        }
    }

    /** A rule file named in config.yml must exist; unnamed ones fall back to the bundled defaults. */
    private static void checkRuleFiles(ConfigNode tree, Settings.Rules rules, Problems problems) {
        Map<String, Path> named = new LinkedHashMap<>();
        named.put("lead-score", rules.leadScore());
        named.put("keyword-weights", rules.keywordWeights());
        named.put("strategy-weights", rules.strategyWeights());
        named.forEach((key, path) -> {
            if (path != null && !Files.isRegularFile(path)) {
                problems.error(keyLocation(tree, "rules", key), "rules." + key + ": script not found: " + path);
            }
        });
    }

    /** Where {@code section.key} was written, spelt as the operator did ({@code Trading: {minWeight: ...}}); else the file's start. */
    private static Location keyLocation(ConfigNode tree, String section, String key) {
        if (tree instanceof ConfigNode.MapNode root && entry(root, section) instanceof ConfigNode.MapNode map) {
            // the exact spelling first: of a key written two ways, the one named
            ConfigNode.Entry e = map.entries().get(key) != null ? map.entries().get(key) : namedEntry(map, key);
            if (e != null) {
                return e.keyLocation();
            }
        }
        return tree.location();
    }

    private static void warnAboutSecrets(ConfigNode node, String path, Problems problems) {
        switch (node) {
            case ConfigNode.MapNode map -> map.entries().forEach((key, entry) -> {
                String p = path.isEmpty() ? key : path + "." + key;
                if (entry.value() instanceof ConfigNode.ScalarNode s && s.text() != null && !s.text().isBlank()
                        && SECRET_KEY.matcher(key).matches() && (!s.text().contains("${") || SECRET_DEFAULT.matcher(s.text()).find())) {
                    problems.warning(s.location(), p + ": looks like a secret written in clear; put it in .env and write ${NAME} here");
                } else {
                    warnAboutSecrets(entry.value(), p, problems);
                }
            });
            case ConfigNode.ListNode list -> {
                for (int i = 0; i < list.items().size(); i++) {
                    warnAboutSecrets(list.items().get(i), path + "[" + i + "]", problems);
                }
            }
            case ConfigNode.ScalarNode s -> {
                if (s.text() != null && (DISCORD_WEBHOOK.matcher(s.text()).find() || DISCORD_TOKEN.matcher(s.text()).find())) {
                    problems.warning(s.location(), path + ": a Discord token or webhook URL written in clear; put it in .env and write ${NAME} here");
                }
            }
        }
    }
}
