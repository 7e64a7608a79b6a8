package io.flywheel.engine.app;

import io.flywheel.engine.config.ComponentKind;
import io.flywheel.engine.config.ConfigLoader;
import io.flywheel.engine.config.Environment;
import io.flywheel.engine.config.FlywheelConfig;
import io.flywheel.engine.config.Instance;
import io.flywheel.engine.config.Location;
import io.flywheel.engine.config.Problems;
import io.flywheel.engine.config.RecordBinder;
import io.flywheel.engine.plugin.PluginHost;
import io.flywheel.engine.plugin.PluginReport;
import io.flywheel.engine.plugin.RegisteredFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything checked before anything starts: environment, config, plugins, and each configured
 * instance against the type that backs it. Every problem is collected; nothing is started here.
 */
public final class Preflight {
    private Preflight() {}

    /**
     * @param config empty when config.yml could not be read at all
     * @param plugins the loaded plugins (close it when done)
     */
    public record Result(Optional<FlywheelConfig> config, Environment environment, PluginHost plugins, List<BoundInstance> instances, Problems problems) {
        public FlywheelConfig requireConfig() {
            return config.orElseThrow();
        }

        public List<BoundInstance> instances(ComponentKind kind) {
            return instances.stream().filter(b -> b.instance().kind() == kind).toList();
        }
    }

    /**
     * @param builtIns registers the host's own component types (the console output)
     */
    public static Result run(Path configFile, Map<String, String> processEnv, Consumer<PluginHost> builtIns) {
        ConfigLoader.Result loaded = new ConfigLoader().load(configFile, processEnv);
        Problems problems = loaded.problems();
        Path pluginsDir = loaded.config().map(c -> c.plugins().dir()).orElse(configFile.toAbsolutePath().getParent().resolve("plugins"));
        PluginHost host = new PluginHost(pluginsDir);
        builtIns.accept(host);
        host.loadAll();
        for (PluginReport r : host.reports()) {
            if (r.state() == PluginReport.State.FAILED) {
                // the path, not the bare name: the operator has to find the file (the location shows its name only)
                problems.warning(Location.of(r.file()), "plugin " + (r.id().equals(r.fileName()) ? r.shownFile() : r.id() + " (" + r.shownFile() + ")")
                        + " not loaded: " + r.failure());
            }
        }
        List<BoundInstance> bound = new ArrayList<>();
        if (loaded.config().isPresent()) {
            FlywheelConfig config = loaded.config().get();
            RecordBinder binder = new RecordBinder(loaded.environment(), config.baseDir());
            for (Instance instance : config.instances()) {
                if (!instance.enabled()) {
                    continue;
                }
                Optional<RegisteredFactory> factory = host.catalog().find(instance.kind(), instance.type());
                if (factory.isEmpty()) {
                    problems.error(instance.location(), unknownType(host, instance.kind(), instance.path(), instance.type()));
                    continue;
                }
                Class<? extends Record> configType = factory.get().factory().configType();
                binder.bindEntry(instance.settings(), configType, instance.path(), entryKeys(instance.kind()), problems).ifPresent(c -> {
                    RecordBinder.warnMissingFiles(c, instance.settings(), instance.path(), problems);
                    bound.add(new BoundInstance(instance, factory.get(), c));
                });
            }
            // an entry dropped for its own problems is still checked against its type, so all of them show at once
            for (ConfigLoader.Dropped d : loaded.dropped()) {
                if (d.type() == null) {
                    continue;
                }
                Optional<RegisteredFactory> factory = host.catalog().find(d.kind(), d.type());
                if (factory.isEmpty()) {
                    problems.error(d.location(), unknownType(host, d.kind(), d.path(), d.type()));
                } else {
                    binder.bindEntry(d.settings(), factory.get().factory().configType(), d.path(), entryKeys(d.kind()), problems);
                }
            }
            TradingSetup.check(config, problems);
        }
        return new Result(loaded.config(), loaded.environment(), host, bound, problems);
    }

    /** The keys of an entry the host reads before the plugin's record: a plugin-key typo may mean one of them. */
    private static List<String> entryKeys(ComponentKind kind) {
        List<String> keys = new ArrayList<>(ConfigLoader.COMMON_KEYS);
        keys.addAll(RecordBinder.keysOf(kind.hostSettings()));
        return keys;
    }

    private static String unknownType(PluginHost host, ComponentKind kind, String path, String type) {
        List<String> types = host.catalog().types(kind);
        String hint = ConfigLoader.suggest(type, types).map(s -> " Did you mean '" + s + "'?").orElse("");
        // A folder that could not be read is the likelier cause than the plugin (no warning for it alone: a deployment may need no plugin)
        String folder = host.folderProblem().map(m -> " (" + m + ")").orElse("");
        return path + ": no loaded plugin provides " + kind.label() + " type '" + type + "'; available: "
                + (types.isEmpty() ? "none" : String.join(", ", types)) + folder + "." + hint;
    }
}
