package io.pigsty.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.model.Secret;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Secrets stay {@link Secret} all the way down. Over every class of the SDK's own jars on the
 * class path (each module's {@code target/classes} in a reactor build):
 * <ul>
 *   <li>no instance field (of a record or a class) is a {@code String} named like a credential;</li>
 *   <li>every record is built with a known secret in each {@code Secret} slot (also inside
 *       {@code Optional}, lists, maps and nested records) and its {@code toString} does not show it.</li>
 * </ul>
 */
class SecretsNeverPrintedTest {
    private static final String CANARY = "Canary.Pw.7f3a91";
    private static final Pattern CREDENTIAL_NAME = Pattern.compile("(?i).*(password|passwd|secret|token|credential).*");

    @Test
    void noStringCredentialFields_andNoRecordPrintsItsSecret() throws Exception {
        List<Class<?>> classes = sdkClasses();
        assertThat(classes).as("SDK classes found on the class path").hasSizeGreaterThan(200);

        List<String> stringCredentials = new ArrayList<>();
        for (Class<?> c : classes) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
                        && CREDENTIAL_NAME.matcher(f.getName()).matches()) {
                    stringCredentials.add(c.getName() + "." + f.getName());
                }
            }
        }
        assertThat(stringCredentials).as("String fields that hold credentials (use Secret)").isEmpty();

        List<String> leaks = new ArrayList<>();
        List<String> unbuilt = new ArrayList<>();
        int built = 0;
        int withSecret = 0;
        for (Class<?> c : classes) {
            if (!c.isRecord()) {
                continue;
            }
            Object r;
            try {
                r = build(c, 0);
            } catch (ReflectiveOperationException | RuntimeException e) {
                if (holdsSecret(c, 0)) {
                    unbuilt.add(c.getName() + ": " + e);
                }
                continue;
            }
            built++;
            if (holdsSecret(c, 0)) {
                withSecret++;
            }
            if (String.valueOf(r).contains(CANARY)) {
                leaks.add(c.getName());
            }
        }
        assertThat(leaks).as("records whose toString shows a secret given to them").isEmpty();
        assertThat(unbuilt).as("records holding a Secret that this test could not build (extend build())").isEmpty();
        long records = classes.stream().filter(Class::isRecord).count();
        // the rest refuse the test's generic values (an IP, a port range): they hold no Secret, see unbuilt
        assertThat(built).as("records built of " + records).isGreaterThan(40);
        assertThat(withSecret).as("records with a Secret slot built").isGreaterThanOrEqualTo(5);
    }

    /** The canary really is visible when a record holds it as plain text: the check can fail. */
    @Test
    void theCheckSeesAPlainTextPassword() throws Exception {
        record Leaky(String user, String pass) {
        }
        assertThat(String.valueOf(new Leaky("u", CANARY))).contains(CANARY);
        record Safe(String user, Secret pass) {
        }
        assertThat(String.valueOf(build(Safe.class, 0))).doesNotContain(CANARY).startsWith("Safe[");
    }

    private static boolean holdsSecret(Type t, int depth) {
        if (depth > 4) {
            return false;
        }
        if (t == Secret.class) {
            return true;
        }
        if (t instanceof ParameterizedType p) {
            return Stream.of(p.getActualTypeArguments()).anyMatch(a -> holdsSecret(a, depth + 1));
        }
        if (t instanceof Class<?> c && c.isRecord()) {
            return Stream.of(c.getRecordComponents()).anyMatch(rc -> holdsSecret(rc.getGenericType(), depth + 1));
        }
        return false;
    }

    private static Object build(Class<?> c, int depth) throws ReflectiveOperationException {
        RecordComponent[] rcs = c.getRecordComponents();
        Class<?>[] types = Stream.of(rcs).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Object[] args = new Object[rcs.length];
        for (int i = 0; i < rcs.length; i++) {
            args[i] = value(rcs[i].getGenericType(), depth + 1);
        }
        Constructor<?> k = c.getDeclaredConstructor(types);
        k.setAccessible(true);
        try {
            return k.newInstance(args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    private static Object value(Type t, int depth) throws ReflectiveOperationException {
        if (t instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] a = p.getActualTypeArguments();
            if (raw == Optional.class) {
                return holdsSecret(a[0], 0) || a[0] == String.class ? Optional.of(value(a[0], depth)) : Optional.empty();
            }
            if (raw == List.class || raw == Collection.class) {
                return holdsSecret(a[0], 0) ? List.of(value(a[0], depth)) : List.of();
            }
            if (raw == Set.class) {
                // a set of an enum gets one constant: records such as CertRequest refuse an empty choice
                return holdsSecret(a[0], 0) ? Set.of(value(a[0], depth))
                        : a[0] instanceof Class<?> e && e.isEnum() ? Set.of(e.getEnumConstants()[0]) : Set.of();
            }
            if (raw == Map.class) {
                return holdsSecret(a[1], 0) ? Map.of("k", value(a[1], depth)) : Map.of();
            }
            return value(raw, depth);
        }
        Class<?> c = (Class<?>) t;
        if (c == Secret.class) {
            return Secret.of(CANARY);
        }
        if (c == String.class) {
            return "x";
        }
        if (c == int.class || c == Integer.class) {
            return 1;
        }
        if (c == long.class || c == Long.class) {
            return 1L;
        }
        if (c == double.class || c == Double.class) {
            return 0.25;
        }
        if (c == boolean.class || c == Boolean.class) {
            return false;
        }
        if (c == byte[].class) {
            return new byte[0];
        }
        if (c == java.math.BigInteger.class) {
            return java.math.BigInteger.ONE;
        }
        if (c == Duration.class) {
            return Duration.ofSeconds(1);
        }
        if (c == Instant.class) {
            return Instant.EPOCH;
        }
        if (c == Path.class) {
            return Path.of("/tmp/x");
        }
        if (c == Optional.class) {
            return Optional.empty();
        }
        if (c == List.class || c == Collection.class) {
            return List.of();
        }
        if (c == Set.class) {
            return Set.of();
        }
        if (c == Map.class) {
            return Map.of();
        }
        if (c.isEnum()) {
            return c.getEnumConstants()[0];
        }
        if (c.isRecord() && depth < 5) {
            return build(c, depth);
        }
        return null;
    }

    /** Every class under {@code io/pigsty} in the class path's directories and jars of this project. */
    private static List<Class<?>> sdkClasses() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.contains("test-classes")) {
                continue;
            }
            if (Files.isDirectory(p)) {
                Path root = p.resolve("io/pigsty");
                if (Files.isDirectory(root)) {
                    try (Stream<Path> s = Files.walk(root)) {
                        s.filter(f -> f.toString().endsWith(".class")).forEach(f -> names.add(className(p.relativize(f).toString())));
                    }
                }
            } else if (entry.endsWith(".jar") && p.getFileName().toString().startsWith("pigsty-")) {
                try (JarFile jar = new JarFile(p.toFile())) {
                    jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("io/pigsty/") && n.endsWith(".class"))
                            .forEach(n -> names.add(className(n)));
                }
            }
        }
        List<Class<?>> out = new ArrayList<>();
        for (String n : names) {
            if (n.endsWith("module-info") || n.endsWith("package-info")) {
                continue;
            }
            try {
                out.add(Class.forName(n, false, SecretsNeverPrintedTest.class.getClassLoader()));
            } catch (ClassNotFoundException | LinkageError e) {
                throw new AssertionError("cannot load " + n, e);
            }
        }
        return out;
    }

    private static String className(String path) {
        return path.replace(File.separatorChar, '.').replace('/', '.').replaceAll("\\.class$", "");
    }
}
