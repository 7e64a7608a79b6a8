package io.flywheel.engine.plugin;

import io.flywheel.testkit.PluginJarBuilder;
import java.nio.file.Path;

/** Real plugin jars for the host's tests, compiled from source in a temp folder. */
final class TestPlugins {
    private TestPlugins() {}

    static String sourceFactory(String pkg, String className, String type) {
        return """
            package %s;
            import io.flywheel.api.PluginContext;
            import io.flywheel.api.lead.*;
            import java.util.List;
            import org.pf4j.Extension;
            @Extension
            public final class %s implements LeadSourceFactory<%s.Config> {
                public record Config(String greeting) {}
                public String type() { return "%s"; }
                public Class<Config> configType() { return Config.class; }
                public LeadSource create(Config c, PluginContext ctx) {
                    return q -> SourceResult.of(List.of(RawLead.of("hello from %s", "https://example.org/%s")));
                }
            }
            """.formatted(pkg, className, className, type, type, type);
    }

    static Path good(Path dir, String file, String id, String type) {
        String pkg = "test." + id.replace("-", "");
        return PluginJarBuilder.plugin(id).source(pkg + ".Factory", sourceFactory(pkg, "Factory", type)).writeTo(dir, file);
    }

    static Path throwingOnStart(Path dir, String file) {
        return PluginJarBuilder.plugin("boom")
                .pluginClass("test.boom.BoomPlugin")
                .source("test.boom.BoomPlugin", """
                    package test.boom;
                    public class BoomPlugin extends org.pf4j.Plugin {
                        @Override public void start() { throw new IllegalStateException("cannot reach the licence server"); }
                    }
                    """)
                .source("test.boom.Factory", sourceFactory("test.boom", "Factory", "boom"))
                .writeTo(dir, file);
    }

    static Path needingNewerApi(Path dir, String file) {
        return PluginJarBuilder.plugin("future").requires("^2.0.0")
                .source("test.future.Factory", sourceFactory("test.future", "Factory", "future"))
                .writeTo(dir, file);
    }

    /** References a library class that is compiled but left out of the jar. */
    static Path thin(Path dir, String file) {
        return PluginJarBuilder.plugin("thin")
                .source("test.lib.Helper", """
                    package test.lib;
                    public final class Helper { public static String greet() { return "hi"; } }
                    """)
                .source("test.thin.Factory", """
                    package test.thin;
                    import io.flywheel.api.PluginContext;
                    import io.flywheel.api.lead.*;
                    import java.util.List;
                    import org.pf4j.Extension;
                    @Extension
                    public final class Factory implements LeadSourceFactory<Factory.Config> {
                        public record Config() {}
                        public String type() { return "thin"; }
                        public Class<Config> configType() { return Config.class; }
                        public LeadSource create(Config c, PluginContext ctx) {
                            return q -> SourceResult.of(List.of(RawLead.of(test.lib.Helper.greet(), null)));
                        }
                    }
                    """)
                .leaveOut("test.lib")
                .writeTo(dir, file);
    }

    static Path withoutDescriptor(Path dir, String file) {
        return PluginJarBuilder.plugin("anon").withoutDescriptor()
                .source("test.anon.Factory", sourceFactory("test.anon", "Factory", "anon"))
                .writeTo(dir, file);
    }

    static Path withoutExtensions(Path dir, String file) {
        return PluginJarBuilder.plugin("empty")
                .source("test.empty.Nothing", "package test.empty; public final class Nothing {}")
                .writeTo(dir, file);
    }
}
