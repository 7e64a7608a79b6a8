package io.flywheel.engine.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.FieldModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.MethodTypeEntry;
import java.lang.classfile.constantpool.NameAndTypeEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds classes a plugin's own code needs but cannot load. A thin plugin jar whose libraries are
 * missing still loads and starts; it fails only when a method first touches the missing class.
 * This walks the constant pools of the plugin's own classes (the packages its extensions live in)
 * and resolves every class they reference, so the failure shows at load time with its name.
 */
final class ReferenceCheck {
    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([^;<]+)[;<]");

    private ReferenceCheck() {}

    /** The first unresolvable reference, as {@code "missing class a.b.C (used by x.y.Z)"}. */
    static Optional<String> findMissing(List<String> extensionClasses, ClassLoader loader) {
        Set<String> ownPackages = new HashSet<>();
        for (String name : extensionClasses) {
            int dot = name.lastIndexOf('.');
            if (dot > 0) {
                ownPackages.add(name.substring(0, dot + 1));
            }
        }
        Deque<String> queue = new ArrayDeque<>(extensionClasses);
        Set<String> visited = new HashSet<>();
        Set<String> checked = new HashSet<>();
        while (!queue.isEmpty()) {
            String current = queue.poll();
            if (!visited.add(current)) {
                continue;
            }
            byte[] bytes = read(loader, current);
            if (bytes == null) {
                return Optional.of("missing class " + current);
            }
            ClassModel model;
            try {
                model = ClassFile.of().parse(bytes);
            } catch (IllegalArgumentException e) {
                return Optional.of("class " + current + " cannot be read (" + e.getMessage() + "): built for a newer Java than this one ("
                        + Runtime.version().feature() + "), or damaged");
            }
            for (String ref : references(model)) {
                if (ref.equals(current)) {
                    continue;
                }
                if (isOwn(ref, ownPackages)) {
                    queue.add(ref);
                } else if (checked.add(ref) && !loadable(ref, loader)) {
                    return Optional.of("missing class " + ref + " (used by " + current + ")");
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isOwn(String className, Set<String> ownPackages) {
        for (String p : ownPackages) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static boolean loadable(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static byte[] read(ClassLoader loader, String className) {
        try (InputStream in = loader.getResourceAsStream(className.replace('.', '/') + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    private static Set<String> references(ClassModel model) {
        Set<String> out = new HashSet<>();
        for (PoolEntry entry : model.constantPool()) {
            switch (entry) {
                case ClassEntry c -> addInternal(c.asInternalName(), out);
                case NameAndTypeEntry nt -> addDescriptor(nt.type().stringValue(), out);
                case MethodTypeEntry mt -> addDescriptor(mt.descriptor().stringValue(), out);
                case MemberRefEntry m -> addInternal(m.owner().asInternalName(), out);
                default -> { }
            }
        }
        for (FieldModel f : model.fields()) {
            addDescriptor(f.fieldType().stringValue(), out);
        }
        for (MethodModel m : model.methods()) {
            addDescriptor(m.methodType().stringValue(), out);
        }
        return out;
    }

    private static void addInternal(String internal, Set<String> out) {
        if (internal.startsWith("[")) {
            addDescriptor(internal, out);
        } else {
            out.add(internal.replace('/', '.'));
        }
    }

    private static void addDescriptor(String descriptor, Set<String> out) {
        Matcher m = DESCRIPTOR_CLASS.matcher(descriptor);
        while (m.find()) {
            out.add(m.group(1).replace('/', '.'));
        }
    }
}
