package io.flywheel.engine.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One deployment's configuration: the host's sections, bound and defaulted, and the component
 * entries whose plugin part is bound once plugins are loaded.
 *
 * @param file the config.yml it came from
 * @param rules the JavaScript rules and their limits
 * @param commands who may run admin commands
 * @param learning when the keyword rule runs and the guardrails of every update
 * @param keywords initial keyword weights, lower-case keyword to weight
 * @param posting how many fresh leads of a source run are posted, and how much it explores
 */
public record FlywheelConfig(
        Path file,
        Settings.Store store,
        Settings.Plugins plugins,
        Settings.Http http,
        Settings.Trading trading,
        Settings.Rules rules,
        Settings.Commands commands,
        Settings.Learning learning,
        Map<String, Double> keywords,
        List<Instance> instances,
        Settings.Posting posting) {

    public FlywheelConfig {
        keywords = Map.copyOf(keywords);
        instances = List.copyOf(instances);
        learning = learning == null ? Settings.Learning.defaults() : learning;
        posting = posting == null ? Settings.Posting.unlimited() : posting;
    }

    /** A configuration with the default learning guardrails and posting policy (every fresh lead posted). */
    public FlywheelConfig(Path file, Settings.Store store, Settings.Plugins plugins, Settings.Http http, Settings.Trading trading,
            Settings.Rules rules, Settings.Commands commands, Map<String, Double> keywords, List<Instance> instances) {
        this(file, store, plugins, http, trading, rules, commands, null, keywords, instances, null);
    }

    public Path baseDir() {
        return file.toAbsolutePath().getParent();
    }

    public List<Instance> instances(ComponentKind kind) {
        return instances.stream().filter(i -> i.kind() == kind).toList();
    }

    public List<Instance> enabled(ComponentKind kind) {
        return instances.stream().filter(i -> i.kind() == kind && i.enabled()).toList();
    }
}
