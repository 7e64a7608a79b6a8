package io.flywheel.engine.plugin;

import io.flywheel.api.ApiVersion;
import io.flywheel.api.ComponentFactory;
import io.flywheel.api.command.BotCommand;
import io.flywheel.engine.config.ComponentKind;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads plugin jars and zips from one folder with PF4J and turns their extensions into a
 * {@link ComponentCatalog}. Failure is isolated per plugin: a corrupt jar, a jar without a
 * descriptor, a plugin needing a newer API, one that throws in {@code start()}, one whose
 * libraries are missing, or one claiming a type another plugin already provides is reported with
 * its file and reason, and every other plugin still loads.
 */
public final class PluginHost implements AutoCloseable {
    public static final String BUILT_IN = "flywheel-core";
    private static final Logger log = LoggerFactory.getLogger(PluginHost.class);
    private static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private final Path dir;
    private final FlywheelPluginManager manager;
    private final ComponentCatalog catalog = new ComponentCatalog();
    private final Map<String, PluginReport> reports = new LinkedHashMap<>();
    private String folderProblem;

    public PluginHost(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        this.manager = new FlywheelPluginManager(this.dir);
    }

    /** Registers a component type the host itself provides, such as the console output. */
    public void registerBuiltIn(ComponentFactory<?, ?> factory) {
        ComponentKind kind = ComponentKind.of(factory).orElseThrow(() -> new IllegalArgumentException(factory + " implements no extension point"));
        catalog.register(new RegisteredFactory(kind, factory.type(), factory, BUILT_IN));
        reports.compute(BUILT_IN, (id, r) -> {
            List<String> provides = new ArrayList<>(r == null ? List.of() : r.provides());
            provides.add(kind.label() + " '" + factory.type() + "'");
            return new PluginReport(BUILT_IN, io.flywheel.engine.FlywheelVersion.current(), null, PluginReport.State.BUILT_IN, provides, null, List.of());
        });
    }

    /** Loads and starts every plugin in the folder. Never throws for a bad plugin: see {@link #reports()}. */
    public void loadAll() {
        if (!Files.isDirectory(dir)) {
            folderProblem = "plugins folder " + dir + (Files.exists(dir) ? " is not a folder" : " does not exist") + ": no plugin loaded";
            log.warn("{}", folderProblem);
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> {
                        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                        return n.endsWith(".jar") || n.endsWith(".zip");
                    })
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            folderProblem = "plugins folder " + dir + " cannot be read (" + e + "): no plugin loaded";
            log.error("{}", folderProblem);
            return;
        }
        Map<String, Path> loaded = new LinkedHashMap<>();
        for (Path file : files) {
            String unreadable = unreadableArchive(file);
            if (unreadable != null) {
                String key = file.getFileName().toString();
                reports.put(key, new PluginReport(key, "?", file, PluginReport.State.FAILED, List.of(), unreadable, List.of()));
                log.warn("Plugin {} not loaded: {}", PluginReport.shown(file), unreadable);
                continue;
            }
            try {
                String id = manager.loadPlugin(file);
                loaded.put(id, file);
            } catch (Exception | LinkageError e) {
                String key = file.getFileName().toString();
                reports.put(key, new PluginReport(key, "?", file, PluginReport.State.FAILED, List.of(), describeLoadFailure(e), List.of()));
                log.warn("Plugin {} not loaded: {}", PluginReport.shown(file), describeLoadFailure(e));
            }
        }
        for (var e : loaded.entrySet()) {
            PluginWrapper w = manager.getPlugin(e.getKey());
            if (w.getPluginState() == PluginState.DISABLED) {
                String requires = w.getDescriptor().getRequires();
                String reason = manager.isCompatible(w)
                        ? "disabled by the plugins folder's disabled.txt/enabled.txt"
                        : "needs Flywheel API " + requires + " but this Flywheel provides " + ApiVersion.current();
                fail(w, reason, e.getValue(), false);
            }
        }
        manager.startPlugins();
        for (var e : loaded.entrySet()) {
            PluginWrapper w = manager.getPlugin(e.getKey());
            if (reports.containsKey(w.getPluginId())) {
                continue;
            }
            if (w.getPluginState() != PluginState.STARTED) {
                Throwable cause = w.getFailedException();
                fail(w, cause == null ? "did not start (state " + w.getPluginState() + ")" : "failed in start(): " + describe(cause), e.getValue(), false);
                continue;
            }
            register(w, e.getValue());
        }
    }

    private void register(PluginWrapper w, Path file) {
        String id = w.getPluginId();
        List<String> classNames = new ArrayList<>(manager.getExtensionClassNames(id));
        classNames.sort(null);
        if (classNames.isEmpty()) {
            fail(w, "provides no extensions (META-INF/extensions.idx is missing: was it compiled with annotation processing on, <proc>full</proc>?)", file, true);
            return;
        }
        ClassLoader loader = w.getPluginClassLoader();
        Optional<String> missing = ReferenceCheck.findMissing(classNames, loader);
        if (missing.isPresent()) {
            fail(w, missing.get().startsWith("missing class") ? missing.get() + ": the plugin jar lacks a library it needs" : missing.get(), file, true);
            return;
        }
        if (bundlesTheApi(loader)) {
            // Its extensions implement its own copy of the API's interfaces, which the host cannot call.
            fail(w, "the jar carries its own copy of flywheel-api (" + ComponentFactory.class.getName() + "); build it with flywheel-api as "
                    + "<scope>provided</scope>, the host supplies it", file, true);
            return;
        }
        List<RegisteredFactory> factories = new ArrayList<>();
        List<BotCommand> commands = new ArrayList<>();
        for (String className : classNames) {
            Object extension;
            try {
                Class<?> type = Class.forName(className, true, loader);
                Constructor<?> ctor = type.getDeclaredConstructor();
                extension = ctor.newInstance();
            } catch (Exception | LinkageError e) {
                fail(w, "cannot create extension " + className + ": " + describe(e), file, true);
                return;
            }
            if (extension instanceof ComponentFactory<?, ?> factory) {
                Optional<ComponentKind> kind = ComponentKind.of(factory);
                String problem = validate(factory, kind);
                if (problem != null) {
                    fail(w, className + ": " + problem, file, true);
                    return;
                }
                factories.add(new RegisteredFactory(kind.orElseThrow(), factory.type(), factory, id));
            } else if (extension instanceof BotCommand command) {
                commands.add(command);
            }
        }
        List<String> provides = new ArrayList<>();
        for (RegisteredFactory f : factories) {
            Optional<RegisteredFactory> existing = catalog.find(f.kind(), f.type());
            if (existing.isPresent()) {
                catalog.remove(id);
                String owner = existing.get().pluginId();
                String ownerFile = reports.containsKey(owner) ? reports.get(owner).shownFile() : owner;
                fail(w, f.kind().label() + " type '" + f.type() + "' is already provided by plugin '" + owner + "' (" + ownerFile + ")", file, true);
                reports.computeIfPresent(owner, (k, r) -> {
                    List<String> notes = new ArrayList<>(r.notes());
                    notes.add("type '" + f.type() + "' is also claimed by " + PluginReport.shown(file) + ", which was not loaded");
                    return new PluginReport(r.id(), r.version(), r.file(), r.state(), r.provides(), r.failure(), notes);
                });
                return;
            }
            catalog.register(f);
            provides.add(f.kind().label() + " '" + f.type() + "'");
        }
        for (BotCommand c : commands) {
            catalog.addCommand(c);
            provides.add("command '/" + c.spec().name() + "'");
        }
        reports.put(id, new PluginReport(id, w.getDescriptor().getVersion(), file, PluginReport.State.STARTED, provides, null, List.of()));
        log.debug("Plugin {} {} provides {}", id, w.getDescriptor().getVersion(), provides);
    }

    private static boolean bundlesTheApi(ClassLoader pluginLoader) {
        try {
            return pluginLoader.loadClass(ComponentFactory.class.getName()) != ComponentFactory.class;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String validate(ComponentFactory<?, ?> factory, Optional<ComponentKind> kind) {
        if (kind.isEmpty()) {
            return "implements ComponentFactory but none of the extension points (LeadSourceFactory, MarketFeedFactory, StrategyFactory, OutputFactory)";
        }
        String type;
        Class<?> configType;
        try {
            type = factory.type();
            configType = factory.configType();
        } catch (RuntimeException | LinkageError e) {
            return "type() or configType() threw " + describe(e);
        }
        if (type == null || !TYPE_NAME.matcher(type).matches()) {
            return "type name must be kebab-case (like 'sma-crossover'), found '" + type + "'";
        }
        if (configType == null || !configType.isRecord()) {
            return "configType() must return a record class, found " + configType;
        }
        return null;
    }

    private void fail(PluginWrapper w, String reason, Path file, boolean stop) {
        String id = w.getPluginId();
        if (stop) {
            try {
                manager.stopPlugin(id);
            } catch (RuntimeException e) {
                log.debug("Stopping failed plugin {}: {}", id, e.toString());
            }
        }
        w.setPluginState(PluginState.FAILED);
        w.setFailedException(new PluginRuntimeException(reason));
        PluginReport.State state = reason.startsWith("disabled by") ? PluginReport.State.DISABLED : PluginReport.State.FAILED;
        reports.put(id, new PluginReport(id, w.getDescriptor().getVersion(), file, state, List.of(), reason, List.of()));
        if (state == PluginReport.State.FAILED) {
            log.warn("Plugin {} ({}) failed: {}", id, PluginReport.shown(file), reason);
        }
    }

    /** Why {@code file} cannot be opened as a zip, or {@code null} when it can. */
    private static String unreadableArchive(Path file) {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            zip.size();
            return null;
        } catch (IOException e) {
            return "not a readable jar or zip (corrupt or truncated): " + e.getMessage();
        }
    }

    private static String describeLoadFailure(Throwable e) {
        String all = describe(e);
        if (all.contains("Field 'id' cannot be empty") || all.contains("No PluginDescriptorFinder")) {
            return "no plugin descriptor: META-INF/MANIFEST.MF has no Plugin-Id (and there is no plugin.properties)";
        }
        return all;
    }

    static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        Throwable t = e;
        int depth = 0;
        while (t != null && depth++ < 4) {
            if (!b.isEmpty()) b.append(" <- ");
            b.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) b.append(": ").append(t.getMessage());
            t = t.getCause() == t ? null : t.getCause();
        }
        return b.toString();
    }

    public ComponentCatalog catalog() {
        return catalog;
    }

    /** One report per plugin file and one for the host's own types, built-ins first. */
    public List<PluginReport> reports() {
        return List.copyOf(reports.values());
    }

    public Path dir() {
        return dir;
    }

    /** Why no plugin file could even be looked at (the folder is missing, a file, unreadable); empty when the folder was read. */
    public Optional<String> folderProblem() {
        return Optional.ofNullable(folderProblem);
    }

    PluginManager manager() {
        return manager;
    }

    @Override
    public void close() {
        try {
            manager.stopPlugins();
            manager.unloadPlugins();
        } catch (RuntimeException e) {
            log.warn("Stopping plugins: {}", e.toString());
        }
    }

    /** PF4J's manager, checking Plugin-Requires against the Flywheel API version. */
    static final class FlywheelPluginManager extends DefaultPluginManager {
        FlywheelPluginManager(Path dir) {
            super(dir);
            setSystemVersion(ApiVersion.current());
        }

        boolean isCompatible(PluginWrapper w) {
            return isPluginValid(w);
        }
    }
}
