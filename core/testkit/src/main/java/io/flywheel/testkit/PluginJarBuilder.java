package io.flywheel.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Builds real plugin jars in a test's temp folder: compiles Java sources against the test's own
 * classpath with annotation processing (so PF4J's processor writes the extension index), then
 * writes a jar with a PF4J manifest. Pieces can be left out to build broken plugins.
 */
public final class PluginJarBuilder {
    private final String pluginId;
    private String version = "1.0.0";
    private String requires = "^1.0.0";
    private boolean descriptor = true;
    private String pluginClass;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final List<String> excludedPrefixes = new ArrayList<>();
    private final Map<String, byte[]> resources = new LinkedHashMap<>();
    private int classFileMajor;

    private PluginJarBuilder(String pluginId) {
        this.pluginId = pluginId;
    }

    public static PluginJarBuilder plugin(String pluginId) {
        return new PluginJarBuilder(pluginId);
    }

    public PluginJarBuilder version(String v) {
        this.version = v;
        return this;
    }

    /** The {@code Plugin-Requires} expression, e.g. {@code ^2.0.0}. */
    public PluginJarBuilder requires(String expression) {
        this.requires = expression;
        return this;
    }

    /** The {@code Plugin-Class}: an {@code org.pf4j.Plugin} subclass whose start() runs on load. */
    public PluginJarBuilder pluginClass(String className) {
        this.pluginClass = className;
        return this;
    }

    /** Leaves the PF4J descriptor out of the manifest. */
    public PluginJarBuilder withoutDescriptor() {
        this.descriptor = false;
        return this;
    }

    /** Adds a Java source file for class {@code className}. */
    public PluginJarBuilder source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /** Compiles classes whose name starts with {@code prefix} but leaves them out of the jar (a missing library). */
    public PluginJarBuilder leaveOut(String prefix) {
        excludedPrefixes.add(prefix.replace('.', '/'));
        return this;
    }

    /** Marks every compiled class with class-file version {@code major} (e.g. 70, Java 26): classes this JVM cannot read. */
    public PluginJarBuilder classFileVersion(int major) {
        this.classFileMajor = major;
        return this;
    }

    /**
     * Puts a copy of every class of the Flywheel API into the jar, as a plugin built with
     * flywheel-api in compile scope (not provided) would carry it.
     */
    public PluginJarBuilder bundlingTheApi() {
        try {
            java.net.URI where = io.flywheel.api.ComponentFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI();
            Path root = Path.of(where);
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.walk(root.resolve("io/flywheel/api"))) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                        resources.put(root.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                    }
                }
            } else {
                try (var jar = new java.util.jar.JarFile(root.toFile())) {
                    for (var e : java.util.Collections.list(jar.entries())) {
                        if (e.getName().startsWith("io/flywheel/api/") && e.getName().endsWith(".class")) {
                            resources.put(e.getName(), jar.getInputStream(e).readAllBytes());
                        }
                    }
                }
            }
        } catch (IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot copy the Flywheel API classes", e);
        }
        return this;
    }

    public PluginJarBuilder resource(String name, String content) {
        resources.put(name, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Writes {@code <dir>/<fileName>} and returns its path. */
    public Path writeTo(Path dir, String fileName) {
        Map<String, byte[]> outputs = compile();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (descriptor) {
            manifest.getMainAttributes().putValue("Plugin-Id", pluginId);
            manifest.getMainAttributes().putValue("Plugin-Version", version);
            manifest.getMainAttributes().putValue("Plugin-Requires", requires);
            if (pluginClass != null) {
                manifest.getMainAttributes().putValue("Plugin-Class", pluginClass);
            }
        }
        Path jar = dir.resolve(fileName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            for (var e : outputs.entrySet()) {
                if (excludedPrefixes.stream().anyMatch(e.getKey()::startsWith)) {
                    continue;
                }
                out.putNextEntry(new JarEntry(e.getKey()));
                byte[] bytes = e.getValue();
                if (classFileMajor > 0 && e.getKey().endsWith(".class")) {
                    bytes = bytes.clone();
                    bytes[6] = (byte) (classFileMajor >> 8);
                    bytes[7] = (byte) classFileMajor;
                }
                out.write(bytes);
                out.closeEntry();
            }
            for (var e : resources.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    /** Writes bytes that are not a zip at all, named like a plugin jar. */
    public static Path writeCorrupt(Path dir, String fileName) {
        try {
            return Files.write(dir.resolve(fileName), "PK\u0003\u0004 this is not really a jar".getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, byte[]> compile() {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler: run the tests on a JDK");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> outputs = new HashMap<>();
        StandardJavaFileManager standard = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8);
        JavaFileManager manager = new ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return outputs.computeIfAbsent(className.replace('.', '/') + kind.extension, k -> new ByteArrayOutputStream());
                    }
                };
            }

            @Override
            public FileObject getFileForOutput(Location location, String packageName, String relativeName, FileObject sibling) {
                String name = (packageName.isEmpty() ? "" : packageName.replace('.', '/') + "/") + relativeName;
                return new SimpleJavaFileObject(URI.create("mem:///" + name), JavaFileObject.Kind.OTHER) {
                    @Override
                    public OutputStream openOutputStream() {
                        return outputs.computeIfAbsent(name, k -> new ByteArrayOutputStream());
                    }

                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) throws IOException {
                        ByteArrayOutputStream written = outputs.get(name);
                        if (written == null) {
                            throw new java.nio.file.NoSuchFileException(name);
                        }
                        return written.toString(StandardCharsets.UTF_8);
                    }
                };
            }
        };
        List<JavaFileObject> units = sources.entrySet().stream()
                .<JavaFileObject>map(e -> new SimpleJavaFileObject(URI.create("string:///" + e.getKey().replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return e.getValue();
                    }
                })
                .toList();
        List<String> options = List.of("-classpath", testClasspath(), "-proc:full", "-implicit:class", "-Xlint:none", "-nowarn");
        boolean ok = compiler.getTask(null, manager, diagnostics, options, null, units).call();
        if (!ok) {
            StringBuilder b = new StringBuilder("plugin sources did not compile:");
            diagnostics.getDiagnostics().forEach(d -> b.append('\n').append(d));
            throw new IllegalStateException(b.toString());
        }
        Map<String, byte[]> result = new LinkedHashMap<>();
        outputs.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> result.put(e.getKey(), e.getValue().toByteArray()));
        return result;
    }

    /** Surefire may run tests from a manifest-only jar; it names the real classpath in a property. */
    private static String testClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** Lists a jar's entry names, for assertions. */
    public static List<String> entries(Path jar) {
        try (var zip = new java.util.zip.ZipFile(jar.toFile()); Stream<? extends java.util.zip.ZipEntry> s = zip.stream()) {
            return s.map(java.util.zip.ZipEntry::getName).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
