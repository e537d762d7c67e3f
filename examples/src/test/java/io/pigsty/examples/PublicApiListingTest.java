package io.pigsty.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public surface of the SDK, as its {@code module-info.java} files export it, is listed in
 * {@code api/pigsty-api.txt} at the repository root: per module its exported packages, and per
 * public type its public and protected members with their generic signatures. Any change of the
 * surface changes that file, so it shows in review. Regenerate with {@code -Dapi.update=true} and
 * review the diff.
 */
class PublicApiListingTest {
    private static final Path LISTING = Path.of("../api/pigsty-api.txt");
    /** Third-party types that must not appear in the model's and the engine's public signatures. */
    private static final Pattern JACKSON = Pattern.compile("com\\.fasterxml\\.jackson\\.[\\w.$]+");

    @Test
    void publicSurface_matchesTheReviewedListing() throws IOException {
        String text = listing();
        assertThat(text).as("exported modules found on the class path").contains("module io.pigsty.model",
                "module io.pigsty.api", "module io.pigsty.test", "module io.pigsty.ssh",
                "module io.pigsty.ha", "module io.pigsty.monitor", "module io.pigsty.sandbox", "module io.pigsty.pki");
        assertThat(text).as("no internal package is exported to users").doesNotContainPattern("(?m)^  exports \\S*\\.internal(\\.\\S+)?$");
        // a qualified export of an internal package is one of our modules sharing with another, never with a user's
        assertThat(text.lines().filter(l -> l.matches("  exports \\S*\\.internal(\\.\\S+)? to .*")).toList())
                .as("internal packages exported only to pigsty modules")
                .allSatisfy(l -> assertThat(l.substring(l.indexOf(" to [") + 5, l.length() - 1).split(", "))
                        .allMatch(m -> m.startsWith("io.pigsty.")));
        assertThat(text.lines().filter(l -> !l.startsWith("  provides ") && l.contains(".internal.")).toList())
                .as("public signatures naming an internal type").isEmpty();
        if (Boolean.getBoolean("api.update")) {
            Files.writeString(LISTING, text, StandardCharsets.UTF_8);
        }
        assertThat(LISTING).as("API listing; regenerate with -Dapi.update=true and review the diff").exists();
        assertThat(text).as("public API changed; regenerate with -Dapi.update=true and review the diff")
                .isEqualTo(Files.readString(LISTING, StandardCharsets.UTF_8));
    }

    @Test
    void modelEngineAndHa_exposeNoJacksonTypes() throws IOException {
        List<String> offenders = new ArrayList<>();
        String module = "";
        for (String line : listing().split("\n")) {
            if (line.startsWith("module ")) {
                module = line.substring("module ".length());
            } else if (module.equals("io.pigsty.model") || module.equals("io.pigsty.api") || module.equals("io.pigsty.ha")) {
                Matcher m = JACKSON.matcher(line);
                if (m.find()) {
                    offenders.add(line.strip());
                }
            }
        }
        assertThat(offenders).as("public signatures of io.pigsty.model / io.pigsty.api / io.pigsty.ha naming Jackson types").isEmpty();
    }

    /** The listing of every SDK module on the class path that has a module descriptor. */
    static String listing() throws IOException {
        TreeMap<String, String> byModule = new TreeMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path location = Path.of(entry);
            if (!Files.exists(location) || !entry.contains("pigsty-")) {
                continue;
            }
            Optional<ModuleReference> ref = moduleOf(location);
            if (ref.isEmpty() || !ref.get().descriptor().name().startsWith("io.pigsty.")) {
                continue;
            }
            byModule.put(ref.get().descriptor().name(), describe(ref.get().descriptor(), location));
        }
        return String.join("", byModule.values());
    }

    private static Optional<ModuleReference> moduleOf(Path location) {
        if (Files.isDirectory(location) && !Files.exists(location.resolve("module-info.class"))) {
            return Optional.empty();
        }
        try {
            return ModuleFinder.of(location).findAll().stream().filter(r -> !r.descriptor().isAutomatic()).findFirst();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String describe(ModuleDescriptor d, Path location) throws IOException {
        StringBuilder out = new StringBuilder("module ").append(d.name()).append('\n');
        TreeSet<String> exported = new TreeSet<>();
        d.exports().stream().filter(e -> !e.isQualified()).forEach(e -> exported.add(e.source()));
        d.exports().stream().filter(ModuleDescriptor.Exports::isQualified)
                .forEach(e -> out.append("  exports ").append(e.source()).append(" to ").append(new TreeSet<>(e.targets())).append('\n'));
        for (String pkg : exported) {
            out.append("  exports ").append(pkg).append('\n');
        }
        new TreeSet<>(d.provides().stream().map(p -> "  provides " + p.service() + " with " + p.providers()).toList())
                .forEach(l -> out.append(l).append('\n'));
        new TreeSet<>(d.uses()).forEach(u -> out.append("  uses ").append(u).append('\n'));
        for (String className : classNames(d, location)) {
            Class<?> c;
            try {
                c = Class.forName(className, false, PublicApiListingTest.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IOException("cannot load " + className, e);
            }
            if (!exported.contains(c.getPackageName()) || !visible(c)) {
                continue;
            }
            out.append("  ").append(typeLine(c)).append('\n');
            TreeSet<String> members = new TreeSet<>();
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (visible(k.getModifiers())) {
                    members.add(k.toGenericString());
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                    members.add(m.toGenericString());
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f.getModifiers()) && !f.isSynthetic()) {
                    members.add(f.toGenericString());
                }
            }
            // a member's own class is named on the type line above; leave it out of each member
            String own = " " + c.getName() + ".";
            members.stream().map(m -> m.replace(own, " ")).sorted()
                    .forEach(m -> out.append("    ").append(m).append('\n'));
        }
        return out.toString();
    }

    private static String typeLine(Class<?> c) {
        String kind = c.isAnnotation() ? "@interface" : c.isInterface() ? "interface" : c.isEnum() ? "enum"
                : c.isRecord() ? "record" : "class";
        StringBuilder line = new StringBuilder(kind).append(' ').append(c.getName());
        if (c.getGenericSuperclass() != null && c.getSuperclass() != Object.class && !c.isEnum() && !c.isRecord()) {
            line.append(" extends ").append(c.getGenericSuperclass().getTypeName());
        }
        if (c.getGenericInterfaces().length > 0) {
            line.append(c.isInterface() ? " extends " : " implements ");
            line.append(String.join(", ", Stream.of(c.getGenericInterfaces()).map(t -> t.getTypeName()).sorted().toList()));
        }
        if (c.isSealed()) {
            line.append(" permits ").append(String.join(", ", Stream.of(c.getPermittedSubclasses()).map(Class::getName).sorted().toList()));
        }
        return line.toString();
    }

    /** A type is part of the surface when it and every type enclosing it is public or protected. */
    private static boolean visible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!visible(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass() || k.isSynthetic()) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static List<String> classNames(ModuleDescriptor d, Path location) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                files.map(p -> location.relativize(p).toString().replace(File.separatorChar, '/')).forEach(names::add);
            }
        } else {
            try (var jar = new java.util.jar.JarFile(location.toFile())) {
                jar.stream().map(java.util.jar.JarEntry::getName).forEach(names::add);
            }
        }
        return names.stream().filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/") && !n.equals("module-info.class"))
                .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                .filter(n -> d.packages().contains(n.substring(0, n.lastIndexOf('.')))).sorted().toList();
    }
}
