package io.flywheel.engine.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.lead.LeadSourceFactory;
import io.flywheel.api.lead.SourceQuery;
import io.flywheel.engine.config.ComponentKind;
import io.flywheel.engine.output.ConsoleOutputFactory;
import io.flywheel.testkit.PluginJarBuilder;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginHostTest {
    @TempDir
    Path dir;

    private Map<String, PluginReport> load() {
        try (PluginHost host = new PluginHost(dir)) {
            host.loadAll();
            return host.reports().stream().collect(Collectors.toMap(PluginReport::fileName, r -> r, (a, b) -> a));
        }
    }

    @Test
    void loadsAGoodPluginAndRegistersItsType() throws Exception {
        TestPlugins.good(dir, "hello.jar", "hello", "hello");
        try (PluginHost host = new PluginHost(dir)) {
            host.loadAll();
            PluginReport report = host.reports().getFirst();
            assertThat(report.state()).isEqualTo(PluginReport.State.STARTED);
            assertThat(report.id()).isEqualTo("hello");
            assertThat(report.version()).isEqualTo("1.0.0");
            assertThat(report.provides()).containsExactly("lead source 'hello'");
            RegisteredFactory f = host.catalog().find(ComponentKind.SOURCE, "hello").orElseThrow();
            assertThat(f.pluginId()).isEqualTo("hello");
            @SuppressWarnings({"unchecked", "rawtypes"})
            LeadSourceFactory<Record> factory = (LeadSourceFactory) f.factory();
            Record config = factory.configType().getDeclaredConstructor(String.class).newInstance("hi");
            try (LeadSource source = factory.create(config, null)) {
                assertThat(source.fetch(new SourceQuery(java.util.List.of())).leads()).singleElement()
                        .satisfies(l -> assertThat(l.title()).isEqualTo("hello from hello"));
            }
        }
    }

    @Test
    void skipsEveryKindOfBrokenPluginWithFileAndReasonAndLoadsTheRest() {
        TestPlugins.good(dir, "a-good.jar", "good", "good");
        PluginJarBuilder.writeCorrupt(dir, "b-corrupt.jar");
        TestPlugins.withoutDescriptor(dir, "c-no-descriptor.jar");
        TestPlugins.throwingOnStart(dir, "d-boom.jar");
        TestPlugins.needingNewerApi(dir, "e-future.jar");
        TestPlugins.thin(dir, "f-thin.jar");
        TestPlugins.withoutExtensions(dir, "g-empty.jar");
        TestPlugins.good(dir, "h-also-good.jar", "also-good", "good");

        Map<String, PluginReport> reports = load();

        assertThat(reports.get("a-good.jar").state()).isEqualTo(PluginReport.State.STARTED);
        assertThat(reports.get("a-good.jar").notes()).singleElement().asString().contains("h-also-good.jar");
        assertThat(reports.get("b-corrupt.jar").failure()).contains("not a readable jar or zip");
        assertThat(reports.get("c-no-descriptor.jar").failure()).contains("no plugin descriptor").contains("Plugin-Id");
        assertThat(reports.get("d-boom.jar").failure()).contains("failed in start()").contains("cannot reach the licence server");
        assertThat(reports.get("e-future.jar").failure()).contains("needs Flywheel API ^2.0.0").contains("provides 1.3.0");
        assertThat(reports.get("f-thin.jar").failure()).contains("missing class test.lib.Helper").contains("test.thin.Factory");
        assertThat(reports.get("g-empty.jar").failure()).contains("provides no extensions").contains("<proc>full</proc>");
        assertThat(reports.get("h-also-good.jar").failure()).contains("lead source type 'good' is already provided by plugin 'good' (" + dir.resolve("a-good.jar").toAbsolutePath().normalize() + ")");
        assertThat(reports.values()).filteredOn(r -> r.state() == PluginReport.State.FAILED).hasSize(7);
    }

    @Test
    void aPluginBuiltForANewerJavaFailsAloneAndTheRestLoad() {
        TestPlugins.good(dir, "a-good.jar", "good", "good");
        PluginJarBuilder.plugin("newer").classFileVersion(70)
                .source("test.newer.Factory", TestPlugins.sourceFactory("test.newer", "Factory", "newer")).writeTo(dir, "b-newer.jar");

        Map<String, PluginReport> reports = load();

        assertThat(reports.get("a-good.jar").state()).isEqualTo(PluginReport.State.STARTED);
        assertThat(reports.get("b-newer.jar").state()).isEqualTo(PluginReport.State.FAILED);
        assertThat(reports.get("b-newer.jar").failure()).contains("test.newer.Factory").contains("version: 70").contains("newer Java");
    }

    @Test
    void aPluginThatBundlesItsOwnCopyOfTheApiIsToldSoInsteadOfProvidingNothing() {
        PluginJarBuilder.plugin("bundled").bundlingTheApi()
                .source("test.bundled.Factory", TestPlugins.sourceFactory("test.bundled", "Factory", "bundled")).writeTo(dir, "bundled.jar");

        Map<String, PluginReport> reports = load();

        assertThat(reports.get("bundled.jar").state()).isEqualTo(PluginReport.State.FAILED);
        assertThat(reports.get("bundled.jar").failure()).contains("its own copy of flywheel-api").contains("<scope>provided</scope>");
    }

    @Test
    void aThinJarFailsAtLoadTimeNotWhenFirstCalled() {
        TestPlugins.thin(dir, "thin.jar");
        try (PluginHost host = new PluginHost(dir)) {
            host.loadAll();
            assertThat(host.catalog().find(ComponentKind.SOURCE, "thin")).isEmpty();
            assertThat(host.reports().getFirst().state()).isEqualTo(PluginReport.State.FAILED);
        }
    }

    @Test
    void aPluginCannotTakeATypeTheHostProvides() {
        TestPlugins.good(dir, "console.jar", "fake-console", "console");
        try (PluginHost host = new PluginHost(dir)) {
            host.registerBuiltIn(new ConsoleOutputFactory(System.out));
            host.loadAll();
            assertThat(host.catalog().find(ComponentKind.OUTPUT, "console").orElseThrow().pluginId()).isEqualTo(PluginHost.BUILT_IN);
            // a source type named 'console' is a different kind, so it does not clash
            assertThat(host.catalog().find(ComponentKind.SOURCE, "console")).isPresent();
        }
    }

    @Test
    void aMissingPluginsFolderIsNotAnError() {
        try (PluginHost host = new PluginHost(dir.resolve("nowhere"))) {
            host.loadAll();
            assertThat(host.reports()).isEmpty();
        }
    }
}
