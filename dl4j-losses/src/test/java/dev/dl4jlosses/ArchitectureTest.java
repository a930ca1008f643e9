package dev.dl4jlosses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.dl4jlosses.lossfunctions.ContrastiveLossFunction;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;

/**
 * The rules of ARCHITECTURE.md that can be checked mechanically: what may import what, no JVM-wide mutable state, and
 * no public type in the internal packages that the documentation does not list.
 */
class ArchitectureTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/dl4jlosses");

    /** Library packages (relative to {@code dev.dl4jlosses}) each package may import; its own is always allowed. */
    private static final Map<String, Set<String>> MAY_IMPORT = Map.of(
            "core", Set.of(),
            "core.math", Set.of("core"),
            "options", Set.of("core", "core.math"),
            "core.engine", Set.of("core", "core.math"),
            "core.eager", Set.of("core", "core.math", "core.engine"),
            "samediff", Set.of("core", "core.math", "core.engine", "options"),
            "lossfunctions", Set.of("core", "core.math", "core.engine", "core.eager", "options"),
            "metrics", Set.of("core", "core.math", "core.eager", "options"),
            "training", Set.of());

    /** The one exception: the name old files give a memory queue, which reads back as the options' queue. */
    private static final Set<String> LEGACY = Set.of("core/MemoryQueue.java");

    private static final Pattern LIBRARY_REFERENCE = Pattern.compile("dev\\.dl4jlosses\\.([a-z.]+)\\.[A-Z]\\w*");

    @Test
    void eachPackageImportsOnlyTheLayersBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles()) {
            String relative = SOURCES.relativize(file).toString().replace('\\', '/');
            String pkg = relative.substring(0, relative.lastIndexOf('/')).replace('/', '.');
            Set<String> allowed = MAY_IMPORT.get(pkg);
            assertTrue(allowed != null, "package " + pkg + " has no row in the layering table");
            Matcher m = LIBRARY_REFERENCE.matcher(withoutComments(Files.readString(file)));
            while (m.find()) {
                String target = m.group(1);
                if (!target.equals(pkg) && !allowed.contains(target) && !LEGACY.contains(relative)) {
                    violations.add(relative + " refers to " + m.group());
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    /** deeplearning4j-nn is an optional dependency: a class that needs it outside {@code training} breaks SameDiff-only users. */
    @Test
    void onlyTheTrainingPackageUsesDeeplearning4jNn() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles()) {
            String relative = SOURCES.relativize(file).toString().replace('\\', '/');
            if (!relative.startsWith("training/") && withoutComments(Files.readString(file)).contains("org.deeplearning4j.")) {
                violations.add(relative);
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void everyStaticFieldIsAnImmutableConstant() throws Exception {
        List<String> violations = new ArrayList<>();
        for (Class<?> c : libraryClasses()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) || f.isSynthetic() || f.isEnumConstant()) {
                    continue;
                }
                if (!Modifier.isFinal(f.getModifiers())) {
                    violations.add(c.getName() + "." + f.getName() + " is static and not final");
                    continue;
                }
                f.setAccessible(true);
                Object value = f.get(null);
                if (!isImmutable(value, 0)) {
                    violations.add(c.getName() + "." + f.getName() + " holds a mutable " + value.getClass().getName());
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void everyPublicInternalTypeIsListedInTheDocumentation() throws Exception {
        String architecture = Files.readString(Path.of("../ARCHITECTURE.md"));
        String readme = Files.readString(Path.of("../README.md"));
        Set<String> unlisted = new TreeSet<>();
        for (Class<?> c : libraryClasses()) {
            if (c.getPackageName().startsWith("dev.dl4jlosses.core") && Modifier.isPublic(c.getModifiers())
                    && c.getEnclosingClass() == null) {
                boolean inReadme = Pattern.compile("\\b" + c.getSimpleName() + "\\b").matcher(readme).find();
                if (!architecture.contains("`" + c.getSimpleName() + "`") || !inReadme) {
                    unlisted.add(c.getName());
                }
            }
        }
        assertEquals(Set.of(), unlisted, "public types of the internal packages that ARCHITECTURE.md or README.md does not list");
    }

    /** Values that cannot change: constants, enums, immutable collections, and objects whose fields are all such. */
    private static boolean isImmutable(Object value, int depth) throws IllegalAccessException {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Character || value instanceof Enum<?> || value instanceof Class<?> || value instanceof Logger) {
            return true;
        }
        Class<?> c = value.getClass();
        if (c.getName().startsWith("java.util.ImmutableCollections$")) {
            for (Object element : (Iterable<?>) value) {
                if (!isImmutable(element, depth + 1)) {
                    return false;
                }
            }
            return true;
        }
        if (c.isArray() || depth > 3) {
            return false;
        }
        for (Class<?> k = c; k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                if (!Modifier.isFinal(f.getModifiers())) {
                    return false;
                }
                f.setAccessible(true);
                if (!isImmutable(f.get(value), depth + 1)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Code only: a comment may name any class. */
    private static String withoutComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    }

    private static List<Path> javaFiles() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static List<Class<?>> libraryClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(ContrastiveLossFunction.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".class") && !f.endsWith("package-info.class")).sorted().toList()) {
                String name = root.relativize(f).toString().replace('\\', '/').replace('/', '.');
                classes.add(Class.forName(name.substring(0, name.length() - ".class".length()), false,
                        ArchitectureTest.class.getClassLoader()));
            }
        }
        return classes;
    }
}
