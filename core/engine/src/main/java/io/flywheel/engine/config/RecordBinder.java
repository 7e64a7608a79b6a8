package io.flywheel.engine.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Binds {@link ConfigNode}s to immutable records, collecting every problem with its location
 * instead of stopping at the first. Environment variables are substituted in each scalar as it is
 * bound; {@code Path} values and relative {@code file:} URIs resolve against the config folder.
 */
public final class RecordBinder {
    /** Marks a value that could not be bound; its problem is already recorded. */
    private static final Object INVALID = new Object();
    /** The key a record's validation message starts with: {@code every: must be ...}, {@code channels.jobs: ...}. */
    private static final Pattern BLAMED_KEY = Pattern.compile("([A-Za-z][A-Za-z0-9_-]*)[.:]");

    private final Environment environment;
    private final Path baseDir;

    public RecordBinder(Environment environment, Path baseDir) {
        this.environment = environment;
        this.baseDir = baseDir.toAbsolutePath().normalize();
    }

    /**
     * Binds {@code node} to {@code type}. Returns empty when anything was wrong; every problem is in
     * {@code problems}, described with {@code path} (for example {@code sources[hn-jobs]}).
     */
    public <T> Optional<T> bind(ConfigNode node, Class<T> type, String path, Problems problems) {
        Object value = convert(node, type, path, problems);
        return value == INVALID || value == null ? Optional.empty() : Optional.of(type.cast(value));
    }

    /**
     * Binds a configured entry's plugin part to the plugin's record {@code type}. {@code entryKeys}
     * are the keys the host took from the entry before ({@code id}, {@code type}, {@code every},
     * ...): an unknown key near one of them gets that hint, and the valid keys listed include them.
     */
    public <T> Optional<T> bindEntry(ConfigNode node, Class<T> type, String path, List<String> entryKeys, Problems problems) {
        if (isAbsent(node) || !type.isRecord()) {
            return bind(node, type, path, problems);
        }
        Object value = bindRecord(node, type, path, problems, entryKeys);
        return value == INVALID || value == null ? Optional.empty() : Optional.of(type.cast(value));
    }

    /**
     * Binds {@code node} to a possibly generic {@code type} (a {@code Map<String, Double>}, a
     * {@code List<ConfigNode>}, ...). Returns empty when absent or wrong.
     */
    public Optional<Object> bindValue(ConfigNode node, java.lang.reflect.Type type, String path, Problems problems) {
        Object value = convert(node, type, path, problems);
        return value == INVALID || value == null ? Optional.empty() : Optional.of(value);
    }

    /**
     * Warns about each path a bound entry names that {@code flywheel check} can tell is wrong, at its
     * key: one that does not exist, a folder where a file is meant or a file where a folder is meant
     * (a key named {@code dir}, {@code ...-dir}, {@code folder} or {@code directory}, or their plurals,
     * means a folder; any other {@code Path} a file). Paths are found at any depth: {@code Path} keys,
     * and those in nested sections, lists and maps ({@code files: {BTC-USD: ...}}). A warning, not an
     * error, as the file may yet be written; the first fetch would fail on it.
     */
    public static void warnMissingFiles(Record config, ConfigNode.MapNode settings, String path, Problems problems) {
        checkRecord(config, settings, settings.location(), path, problems);
    }

    private static void checkRecord(Record config, ConfigNode.MapNode settings, Location at, String path, Problems problems) {
        for (RecordComponent c : config.getClass().getRecordComponents()) {
            Object value;
            try {
                value = c.getAccessor().invoke(config);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue; // a record the host cannot read into: nothing to say about it
            }
            String key = Names.kebab(c.getName());
            ConfigNode node = settings == null ? null : settings.get(key);
            checkValue(value, node, node == null ? at : node.location(), path + "." + key, folderMeant(c.getName()), problems);
        }
    }

    private static void checkValue(Object value, ConfigNode node, Location at, String path, boolean folder, Problems problems) {
        switch (value) {
            case Path file -> {
                if (!java.nio.file.Files.exists(file)) {
                    problems.warning(at, path + ": " + file + " does not exist");
                } else if (folder && !java.nio.file.Files.isDirectory(file)) {
                    problems.warning(at, path + ": " + file + " is a file, not a folder");
                } else if (!folder && java.nio.file.Files.isDirectory(file)) {
                    problems.warning(at, path + ": " + file + " is a folder, not a file");
                }
            }
            case Record nested -> checkRecord(nested, node instanceof ConfigNode.MapNode m ? m : null, at, path, problems);
            case Map<?, ?> map -> map.forEach((k, v) -> {
                ConfigNode one = node instanceof ConfigNode.MapNode m ? m.get(String.valueOf(k)) : null;
                checkValue(v, one, one == null ? at : one.location(), path + "." + k, folder, problems);
            });
            case List<?> list -> {
                for (int i = 0; i < list.size(); i++) {
                    ConfigNode one = node instanceof ConfigNode.ListNode l && i < l.items().size() ? l.items().get(i) : null;
                    checkValue(list.get(i), one, one == null ? at : one.location(), path + "[" + i + "]", folder, problems);
                }
            }
            case null, default -> { }
        }
    }

    /** Whether a key by its name means a folder ({@code dir}, {@code pluginDirs}, {@code folder}, ...) rather than a file. */
    private static boolean folderMeant(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return java.util.stream.Stream.of("dir", "dirs", "folder", "folders", "directory", "directories").anyMatch(n::endsWith);
    }

    /** Names of the keys a record type accepts, in kebab-case, for messages. */
    public static List<String> keysOf(Class<?> recordType) {
        return Arrays.stream(recordType.getRecordComponents()).map(c -> Names.kebab(c.getName())).toList();
    }

    /** The substituted text of a scalar, or {@code null} when the node is absent or not a scalar. */
    public String text(ConfigNode node, Problems problems) {
        if (node instanceof ConfigNode.ScalarNode scalar) {
            return environment.substitute(scalar.text(), scalar.location(), problems);
        }
        return null;
    }

    private Object convert(ConfigNode node, Type type, String path, Problems problems) {
        Class<?> raw = rawClass(type);
        if (raw == Optional.class) {
            if (isAbsent(node)) {
                return Optional.empty();
            }
            Object inner = convert(node, typeArgument(type, 0), path, problems);
            return inner == INVALID ? INVALID : Optional.ofNullable(inner);
        }
        if (raw == ConfigNode.class) {
            return node;
        }
        if (isAbsent(node)) {
            return null;
        }
        if (raw.isRecord()) {
            return bindRecord(node, raw, path, problems, List.of());
        }
        if (List.class.isAssignableFrom(raw) || Set.class.isAssignableFrom(raw)) {
            if (!(node instanceof ConfigNode.ListNode list)) {
                problems.error(node.location(), path + ": expected a list, found " + describe(node));
                return INVALID;
            }
            List<Object> items = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < list.items().size(); i++) {
                Object item = convert(list.items().get(i), typeArgument(type, 0), path + "[" + i + "]", problems);
                if (item == INVALID) {
                    ok = false;
                } else if (item == null) {
                    problems.error(list.items().get(i).location(), path + "[" + i + "]: empty list item");
                    ok = false;
                } else {
                    items.add(item);
                }
            }
            if (!ok) {
                return INVALID;
            }
            return Set.class.isAssignableFrom(raw) ? java.util.Collections.unmodifiableSet(new LinkedHashSet<>(items)) : List.copyOf(items);
        }
        if (Map.class.isAssignableFrom(raw)) {
            if (!(node instanceof ConfigNode.MapNode map)) {
                problems.error(node.location(), path + ": expected a map of name: value, found " + describe(node));
                return INVALID;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            boolean ok = true;
            for (var e : map.entries().entrySet()) {
                Object v = convert(e.getValue().value(), typeArgument(type, 1), path + "." + e.getKey(), problems);
                if (v == INVALID) {
                    ok = false;
                } else if (v == null) {
                    problems.error(e.getValue().keyLocation(), path + "." + e.getKey() + ": no value");
                    ok = false;
                } else {
                    out.put(e.getKey(), v);
                }
            }
            return ok ? java.util.Collections.unmodifiableMap(out) : INVALID;
        }
        if (!(node instanceof ConfigNode.ScalarNode scalar)) {
            problems.error(node.location(), path + ": expected " + expected(raw) + ", found " + describe(node));
            return INVALID;
        }
        if (scalar.text().isBlank() && raw != String.class) {
            return null; // `key:` with nothing written is the default; only a value substituted to nothing is false
        }
        String text = environment.substitute(scalar.text(), scalar.location(), problems);
        return scalar(text, raw, scalar.location(), path, problems);
    }

    private Object scalar(String text, Class<?> raw, Location at, String path, Problems problems) {
        if (raw == boolean.class || raw == Boolean.class) {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> Boolean.TRUE;
                case "false", "no", "off", "" -> Boolean.FALSE;
                default -> fail(at, path + ": expected true or false, found '" + text + "'", problems);
            };
        }
        if (text.isBlank() && raw != String.class) {
            return null;
        }
        try {
            if (raw == String.class) {
                return text;
            }
            if (raw == int.class || raw == Integer.class) {
                return Integer.valueOf(text.strip().replace("_", ""));
            }
            if (raw == long.class || raw == Long.class) {
                return Long.valueOf(text.strip().replace("_", ""));
            }
            if (raw == double.class || raw == Double.class) {
                double d = Double.parseDouble(text.strip());
                if (!Double.isFinite(d)) {
                    return fail(at, path + ": expected a finite number, found '" + text + "'", problems);
                }
                return d;
            }
            if (raw == Duration.class) {
                return Durations.parse(text);
            }
            if (raw == Path.class) {
                return baseDir.resolve(text.strip()).normalize();
            }
            if (raw == URI.class) {
                return uri(text.strip());
            }
            if (raw == ZoneId.class) {
                return ZoneId.of(text.strip());
            }
            if (raw == Charset.class) {
                return Charset.forName(text.strip());
            }
            if (raw == Pattern.class) {
                return Pattern.compile(text);
            }
            if (raw.isEnum()) {
                String wanted = Names.normalize(text.strip());
                for (Object constant : raw.getEnumConstants()) {
                    if (Names.normalize(((Enum<?>) constant).name()).equals(wanted)) {
                        return constant;
                    }
                }
                List<String> names = Arrays.stream(raw.getEnumConstants()).map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
                return fail(at, path + ": '" + text + "' is not one of " + String.join(", ", names), problems);
            }
        } catch (NumberFormatException e) {
            return fail(at, path + ": expected " + expected(raw) + ", found '" + text + "'", problems);
        } catch (PatternSyntaxException e) {
            return fail(at, path + ": not a valid regular expression: " + e.getDescription(), problems);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            return fail(at, path + ": " + e.getMessage(), problems);
        }
        return fail(at, path + ": values of type " + raw.getSimpleName() + " cannot be configured", problems);
    }

    private URI uri(String text) {
        URI u;
        try {
            // {keyword} and {page} placeholders are kept, percent-encoded, for sources to fill in
            u = new URI(text.replace("{", "%7B").replace("}", "%7D"));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL: '" + text + "' (" + e.getReason() + ")");
        }
        if ("file".equalsIgnoreCase(u.getScheme()) && u.getSchemeSpecificPart() != null && !u.getSchemeSpecificPart().startsWith("/")) {
            return baseDir.resolve(u.getSchemeSpecificPart()).normalize().toUri();
        }
        if (!u.isAbsolute()) {
            throw new IllegalArgumentException("expected an absolute URL (https://... or file:...), found '" + text + "'");
        }
        return u;
    }

    private Object bindRecord(ConfigNode node, Class<?> type, String path, Problems problems, List<String> entryKeys) {
        if (!(node instanceof ConfigNode.MapNode map)) {
            problems.error(node.location(), path + ": expected a map with keys " + String.join(", ", keysOf(type)) + ", found " + describe(node));
            return INVALID;
        }
        RecordComponent[] components = type.getRecordComponents();
        Map<String, RecordComponent> byKey = new LinkedHashMap<>();
        for (RecordComponent c : components) {
            byKey.put(Names.normalize(c.getName()), c);
        }
        boolean ok = true;
        Map<String, ConfigNode.Entry> given = new LinkedHashMap<>();
        Map<String, String> writtenAs = new LinkedHashMap<>();
        for (var e : map.entries().entrySet()) {
            RecordComponent c = byKey.get(Names.normalize(e.getKey()));
            if (c == null) {
                List<String> valid = new ArrayList<>(keysOf(type));
                entryKeys.stream().filter(k -> !valid.contains(k)).forEach(valid::add);
                String hint = Names.nearest(e.getKey(), valid).map(s -> "; did you mean '" + s + "'?").orElse("; valid keys: " + String.join(", ", valid));
                problems.error(e.getValue().keyLocation(), path + ": unknown key '" + e.getKey() + "'" + hint);
                ok = false;
            } else if (given.containsKey(c.getName())) {
                // `every:` and `Every:` (or `min-weight:` and `minWeight:`) are one key: the later value would replace the earlier unseen
                String first = writtenAs.get(c.getName());
                problems.error(e.getValue().keyLocation(), path + ": '" + e.getKey() + "' is the same key as '" + first + "' (line "
                        + given.get(c.getName()).keyLocation().line() + "), as keys match regardless of case, '-' and '_'; keep one of them");
                ok = false;
            } else {
                given.put(c.getName(), e.getValue());
                writtenAs.put(c.getName(), e.getKey());
            }
        }
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            ConfigNode.Entry entry = given.get(c.getName());
            ConfigNode valueNode = entry == null ? null : entry.value();
            Object v = convert(valueNode, c.getGenericType(), path + "." + Names.kebab(c.getName()), problems);
            if (v == INVALID) {
                ok = false;
                continue;
            }
            if (v == null && c.getType().isPrimitive()) {
                Location at = entry == null ? map.location() : entry.keyLocation();
                problems.error(at, path + ": missing required key '" + Names.kebab(c.getName()) + "'");
                ok = false;
                continue;
            }
            args[i] = v;
        }
        if (!ok) {
            return INVALID;
        }
        try {
            Constructor<?> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            if (cause instanceof NullPointerException && byKey.containsKey(Names.normalize(message))) {
                message = "missing required key '" + Names.kebab(byKey.get(Names.normalize(message)).getName()) + "'";
            }
            problems.error(blamed(message, byKey, given).orElse(map.location()), path + ": " + message);
            return INVALID;
        } catch (ReflectiveOperationException | RuntimeException e) {
            problems.error(map.location(), path + ": cannot build " + type.getSimpleName() + ": " + e);
            return INVALID;
        }
    }

    /**
     * Where the value a validation message names was written: records reject a value with
     * {@code "key: why"} (or {@code "key.sub: why"}), so the operator is sent to that line rather
     * than to the start of the section. Empty when the message names no key that was given.
     */
    private static Optional<Location> blamed(String message, Map<String, RecordComponent> byKey, Map<String, ConfigNode.Entry> given) {
        java.util.regex.Matcher m = BLAMED_KEY.matcher(message);
        if (!m.lookingAt()) {
            return Optional.empty();
        }
        RecordComponent c = byKey.get(Names.normalize(m.group(1)));
        ConfigNode.Entry entry = c == null ? null : given.get(c.getName());
        if (entry == null) {
            return Optional.empty();
        }
        return Optional.of(entry.value() instanceof ConfigNode.ScalarNode s && s.text() == null ? entry.keyLocation() : entry.value().location());
    }

    private static boolean isAbsent(ConfigNode node) {
        return node == null || node instanceof ConfigNode.ScalarNode s && s.text() == null;
    }

    private static Object fail(Location at, String message, Problems problems) {
        problems.error(at, message);
        return INVALID;
    }

    private static String describe(ConfigNode node) {
        return node instanceof ConfigNode.ScalarNode s ? "'" + s.text() + "'" : node.kind();
    }

    private static String expected(Class<?> raw) {
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) return "a whole number";
        if (raw == double.class || raw == Double.class) return "a number";
        if (raw == Duration.class) return "a duration like 15m";
        if (raw == boolean.class || raw == Boolean.class) return "true or false";
        return "a value";
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) return c;
        if (type instanceof ParameterizedType p) return (Class<?>) p.getRawType();
        throw new IllegalArgumentException("unsupported config type " + type);
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType p) {
            return p.getActualTypeArguments()[index];
        }
        return String.class;
    }
}
