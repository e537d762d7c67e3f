package io.pigsty.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SDK's extension catalog: which Debian package brings a PostgreSQL extension for each major
 * version, the {@code CREATE EXTENSION} names it provides, the libraries it installs and the one
 * that must be preloaded. The data is the SDK's own file {@code io/pigsty/model/extensions.yml}
 * (every package name checked against Debian 12 for PostgreSQL 15 and Debian 13 for 17; create
 * and library names read from the packages' file lists).
 *
 * <p>A {@code pg_extensions} or {@code pg_packages} entry may be a Pigsty extension name
 * ({@code pgvector}), an alias or {@code CREATE EXTENSION} name ({@code vector}), a Debian package
 * name ({@code postgresql-17-pgvector}, {@code $v} standing for the major version as in Pigsty),
 * a Pigsty package alias ({@code pgsql-main}, see the file) or a contrib or language extension.
 * Pigsty's {@code pgsql-main} also contains pgvector, which Debian 12 does not package for
 * PostgreSQL 15: on 15 the alias installs the rest.
 */
public final class ExtensionCatalog {
    private static final Pattern DEB_PG = Pattern.compile("postgresql-(?:[a-z0-9]+-)?(\\d+)(?:-.*)?");
    private static final Pattern DEB_NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]+");
    private static volatile ExtensionCatalog instance;

    private final List<Entry> entries;
    private final Map<Integer, Set<String>> contribCreate;
    private final Map<Integer, Set<String>> contribLibs;
    private final Map<String, String> languages;
    private final Map<String, Map<Integer, List<String>>> aliases;

    /**
     * One extension of the catalog.
     *
     * @param name    Pigsty's extension name
     * @param aliases other names accepted for it
     * @param create  the {@code CREATE EXTENSION} names it provides (empty: an output plugin or a library)
     * @param preload the library that must be in {@code shared_preload_libraries} before use
     * @param libs    shared libraries it installs
     * @param debian  major version to Debian package; a version missing has no package
     * @param note    a remark, empty when none
     */
    public record Entry(String name, List<String> aliases, List<String> create, Optional<String> preload,
                        List<String> libs, Map<Integer, String> debian, String note) {
        /** Canonical constructor: no nulls, unmodifiable copies. */
        public Entry {
            Objects.requireNonNull(name, "name");
            aliases = List.copyOf(aliases);
            create = List.copyOf(create);
            Objects.requireNonNull(preload, "preload");
            libs = List.copyOf(libs);
            debian = Collections.unmodifiableMap(new TreeMap<>(debian));
            Objects.requireNonNull(note, "note");
        }

        /**
         * @param major PostgreSQL major version
         * @return the Debian package for it, empty when Debian has none
         */
        public Optional<String> packageFor(int major) {
            return Optional.ofNullable(debian.get(major));
        }

        /** @return the majors Debian packages it for, described: {@code 17 (Debian 13)} */
        public String availability() {
            if (debian.isEmpty()) {
                return "no version";
            }
            List<String> out = new ArrayList<>();
            debian.keySet().forEach(v -> out.add(v + DebianRelease.carrying(v).map(r -> " (Debian " + r.versionId() + ")").orElse("")));
            return String.join(", ", out);
        }
    }

    /**
     * What one {@code pg_extensions}/{@code pg_packages} entry or database extension needs.
     *
     * @param item     the entry as written
     * @param entry    the catalog entry it names, empty for contrib, languages, aliases and plain packages
     * @param packages Debian packages to install (empty: the server package has it)
     * @param libs     libraries those packages install, as far as the catalog knows
     * @param problem  why it cannot be installed for that version, empty when it can
     */
    public record Resolution(String item, Optional<Entry> entry, List<String> packages, Set<String> libs,
                             Optional<String> problem) {
        /** Canonical constructor: unmodifiable copies. */
        public Resolution {
            Objects.requireNonNull(item, "item");
            Objects.requireNonNull(entry, "entry");
            packages = List.copyOf(packages);
            libs = Collections.unmodifiableSet(new LinkedHashSet<>(libs));
            Objects.requireNonNull(problem, "problem");
        }

        static Resolution ok(String item, Optional<Entry> e, List<String> pkgs, Set<String> libs) {
            return new Resolution(item, e, pkgs, libs, Optional.empty());
        }

        static Resolution refused(String item, Optional<Entry> e, String why) {
            return new Resolution(item, e, List.of(), Set.of(), Optional.of(why));
        }
    }

    private ExtensionCatalog(List<Entry> entries, Map<Integer, Set<String>> contribCreate,
                             Map<Integer, Set<String>> contribLibs, Map<String, String> languages,
                             Map<String, Map<Integer, List<String>>> aliases) {
        this.entries = List.copyOf(entries);
        this.contribCreate = contribCreate;
        this.contribLibs = contribLibs;
        this.languages = languages;
        this.aliases = aliases;
    }

    /** @return the catalog shipped with the SDK */
    public static ExtensionCatalog get() {
        ExtensionCatalog c = instance;
        if (c == null) {
            synchronized (ExtensionCatalog.class) {
                if (instance == null) {
                    instance = load();
                }
                c = instance;
            }
        }
        return c;
    }

    private static ExtensionCatalog load() {
        JsonNode root;
        try (InputStream in = ExtensionCatalog.class.getResourceAsStream("/io/pigsty/model/extensions.yml")) {
            if (in == null) {
                throw new PigstyException("extension catalog io/pigsty/model/extensions.yml is missing from the SDK");
            }
            root = new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new PigstyException("cannot read the extension catalog", e);
        }
        List<Entry> entries = new ArrayList<>();
        for (JsonNode e : root.path("extensions")) {
            Map<Integer, String> deb = new LinkedHashMap<>();
            e.path("debian").fields().forEachRemaining(f -> deb.put(Integer.parseInt(f.getKey()), f.getValue().asText()));
            String preload = e.path("preload").asText("");
            entries.add(new Entry(e.path("name").asText(), strings(e.path("aliases")), strings(e.path("create")),
                    preload.isBlank() ? Optional.empty() : Optional.of(preload), strings(e.path("libs")), deb,
                    e.path("note").asText("")));
        }
        Map<Integer, Set<String>> cc = new TreeMap<>();
        Map<Integer, Set<String>> cl = new TreeMap<>();
        root.path("contrib").fields().forEachRemaining(f -> {
            int v = Integer.parseInt(f.getKey());
            cc.put(v, Set.copyOf(strings(f.getValue().path("create"))));
            cl.put(v, Set.copyOf(strings(f.getValue().path("libs"))));
        });
        Map<String, String> langs = new LinkedHashMap<>();
        for (JsonNode l : root.path("languages")) {
            langs.put(l.path("name").asText(), l.path("package").asText());
        }
        Map<String, Map<Integer, List<String>>> al = new LinkedHashMap<>();
        root.path("aliases").fields().forEachRemaining(f -> {
            Map<Integer, List<String>> perVersion = new TreeMap<>();
            f.getValue().fields().forEachRemaining(v -> perVersion.put(Integer.parseInt(v.getKey()), strings(v.getValue())));
            al.put(f.getKey(), Collections.unmodifiableMap(perVersion));
        });
        return new ExtensionCatalog(entries, Collections.unmodifiableMap(cc), Collections.unmodifiableMap(cl),
                Collections.unmodifiableMap(langs), Collections.unmodifiableMap(al));
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return List.copyOf(out);
    }

    /** @return every extension of the catalog, in file order */
    public List<Entry> entries() {
        return entries;
    }

    /** @return the major versions the catalog has package data for (15, 17) */
    public Set<Integer> majors() {
        return contribCreate.keySet();
    }

    /**
     * @param name Pigsty name, alias, {@code CREATE EXTENSION} name or Debian package name
     * @return the catalog entry
     */
    public Optional<Entry> find(String name) {
        String n = name.strip();
        for (Entry e : entries) {
            if (e.name().equals(n) || e.aliases().contains(n) || e.create().contains(n) || e.debian().containsValue(n)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * @param createName a {@code CREATE EXTENSION} name
     * @param major      PostgreSQL major version
     * @return true when the server package {@code postgresql-<major>} ships it (contrib)
     */
    public boolean isContrib(String createName, int major) {
        return contribCreate.getOrDefault(nearest(major), Set.of()).contains(createName);
    }

    /**
     * @param major PostgreSQL major version
     * @return the libraries the server package ships (pg_stat_statements, auto_explain, ...)
     */
    public Set<String> contribLibraries(int major) {
        return contribLibs.getOrDefault(nearest(major), Set.of());
    }

    // a major the catalog has no data for is judged by the closest one it has (the server's own contrib changes little)
    private int nearest(int major) {
        return contribCreate.keySet().stream().min((a, b) -> Integer.compare(Math.abs(a - major), Math.abs(b - major)))
                .orElse(major);
    }

    /**
     * Resolves one entry of {@code pg_extensions} or {@code pg_packages}.
     *
     * @param item       the entry as written ({@code $v} and {@code ${pg_version}} stand for the major)
     * @param major      the cluster's PostgreSQL major version
     * @param packageKey true for {@code pg_packages}, where any Debian package name is accepted as is
     * @return the packages to install, or why it cannot be
     */
    public Resolution resolve(String item, int major, boolean packageKey) {
        String n = item.strip().replace("${pg_version}", Integer.toString(major)).replace("$v", Integer.toString(major));
        Map<Integer, List<String>> alias = aliases.get(n);
        if (alias != null) {
            List<String> pkgs = alias.get(major);
            if (pkgs == null) {
                return Resolution.refused(item, Optional.empty(), "Pigsty package alias '" + n
                        + "' has no Debian packages for PostgreSQL " + major + " (" + DebianRelease.summary() + ")");
            }
            Set<String> libs = new LinkedHashSet<>();
            pkgs.forEach(p -> find(p).ifPresent(e -> libs.addAll(e.libs())));
            return Resolution.ok(item, Optional.empty(), pkgs, libs);
        }
        Matcher m = DEB_PG.matcher(n);
        if (m.matches() && Integer.parseInt(m.group(1)) != major) {
            return Resolution.refused(item, Optional.empty(), "package '" + n + "' is for PostgreSQL " + m.group(1)
                    + ", the cluster runs " + major);
        }
        Optional<Entry> e = find(n);
        if (e.isPresent()) {
            return forEntry(item, e.get(), major);
        }
        if (isContrib(n, major)) {
            return Resolution.ok(item, Optional.empty(), List.of(), Set.of());
        }
        if (languages.containsKey(n)) {
            return Resolution.ok(item, Optional.empty(), List.of(languages.get(n).replace("$v", Integer.toString(major))), Set.of());
        }
        if (DEB_NAME.matcher(n).matches() && (packageKey || m.matches())) {
            return Resolution.ok(item, Optional.empty(), List.of(n), Set.of());
        }
        return Resolution.refused(item, Optional.empty(), "unknown extension '" + n
                + "': not in the SDK's extension catalog, not contrib, not a Debian postgresql-" + major + "-* package");
    }

    /**
     * Resolves an extension a database creates ({@code pg_databases[].extensions[].name}).
     *
     * @param createName the {@code CREATE EXTENSION} name
     * @param major      the cluster's PostgreSQL major version
     * @return the packages to install first, or why it cannot be created
     */
    public Resolution forCreate(String createName, int major) {
        if (isContrib(createName, major)) {
            return Resolution.ok(createName, Optional.empty(), List.of(), Set.of());
        }
        if (languages.containsKey(createName)) {
            return Resolution.ok(createName, Optional.empty(),
                    List.of(languages.get(createName).replace("$v", Integer.toString(major))), Set.of());
        }
        Optional<Entry> e = entries.stream().filter(x -> x.create().contains(createName)).findFirst();
        if (e.isEmpty()) {
            e = find(createName);
        }
        if (e.isEmpty()) {
            return Resolution.refused(createName, Optional.empty(), "unknown extension '" + createName
                    + "': not contrib of PostgreSQL " + major + " and not in the SDK's extension catalog");
        }
        return forEntry(createName, e.get(), major);
    }

    private static Resolution forEntry(String item, Entry e, int major) {
        Optional<String> pkg = e.packageFor(major);
        if (pkg.isEmpty()) {
            return Resolution.refused(item, Optional.of(e), "extension '" + e.name() + "' has no Debian package for PostgreSQL "
                    + major + DebianRelease.carrying(major).map(r -> " on " + r.display()).orElse("")
                    + " (packaged for PostgreSQL " + e.availability() + ")");
        }
        return Resolution.ok(item, Optional.of(e), List.of(pkg.get()), Set.copyOf(e.libs()));
    }

    /**
     * The Debian packages a cluster's {@code pg_packages}, {@code pg_extensions} and database
     * extensions need, in order, for its {@code pg_version}.
     *
     * @param inv an inventory
     * @param c   one of its clusters
     * @return the packages
     * @throws PigstyException naming every entry that has no package (validation reports them first)
     */
    public static List<String> clusterPackages(Inventory inv, PgCluster c) {
        io.pigsty.model.internal.ExtensionRules.Needs n = io.pigsty.model.internal.ExtensionRules.needs(inv, c, inv.resolve(c));
        if (!n.problems().isEmpty()) {
            throw new PigstyException(String.join("; ", n.problems().stream().map(p -> p[0] + ": " + p[1]).toList()));
        }
        return n.packages();
    }

    /**
     * @param pgLibs {@code pg_libs} as written: comma separated, {@code $libdir/} prefixes and
     *               {@code .so} suffixes allowed
     * @return the library names
     */
    public static List<String> libraries(String pgLibs) {
        List<String> out = new ArrayList<>();
        for (String s : pgLibs.split(",")) {
            String l = s.strip().replace("'", "").replace("\"", "");
            if (l.startsWith("$libdir/")) {
                l = l.substring("$libdir/".length());
            }
            if (l.endsWith(".so")) {
                l = l.substring(0, l.length() - 3);
            }
            if (!l.isEmpty()) {
                out.add(l);
            }
        }
        return List.copyOf(out);
    }

    /**
     * @param value a {@code pg_extensions}/{@code pg_packages} element, which Pigsty allows to hold
     *              several names separated by commas or spaces
     * @return the names
     */
    public static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.strip().split("[,\\s]+")) {
            if (!s.isBlank()) {
                out.add(s);
            }
        }
        return out;
    }
}
