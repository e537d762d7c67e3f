package io.pigsty.model.internal;

import io.pigsty.model.DebianRelease;
import io.pigsty.model.ExtensionCatalog;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgDatabase;
import io.pigsty.model.PgExtension;
import io.pigsty.model.PgInstance;
import io.pigsty.model.Resolved;
import io.pigsty.model.Violation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Rules of issue 12 on extensions, all offline, before any host is touched: every
 * {@code pg_extensions}/{@code pg_packages} entry and every database extension must have a
 * Debian package for the cluster's {@code pg_version} (named with the nodes and their OS when
 * refused); {@code pg_libs} may only name libraries that the server or an installed extension
 * ships; an extension a database creates whose library must be preloaded needs it in
 * {@code pg_libs}.
 */
public final class ExtensionRules {
    private ExtensionRules() {
    }

    /**
     * What a cluster installs for its extensions, computed once for rules and planners alike.
     *
     * @param packages Debian packages, in order, de-duplicated
     * @param libs     libraries available to {@code shared_preload_libraries}
     * @param problems refusals as (path, reason)
     */
    public record Needs(List<String> packages, Set<String> libs, List<String[]> problems) {
    }

    /**
     * @param inv inventory
     * @param c   cluster
     * @param r   its resolved cluster vars
     * @return the packages and libraries the cluster's extensions need, with every refusal
     */
    public static Needs needs(Inventory inv, PgCluster c, Resolved r) {
        ExtensionCatalog cat = ExtensionCatalog.get();
        int major = r.get(Params.PG_VERSION);
        Set<String> pkgs = new LinkedHashSet<>();
        Set<String> libs = new LinkedHashSet<>(cat.contribLibraries(major));
        List<String[]> problems = new ArrayList<>();
        String nodes = nodes(inv, c, major);
        for (var key : List.of(Params.PG_PACKAGES, Params.PG_EXTENSIONS)) {
            List<String> items = r.get(key);
            for (int i = 0; i < items.size(); i++) {
                for (String item : ExtensionCatalog.split(items.get(i))) {
                    ExtensionCatalog.Resolution res = cat.resolve(item, major, key == Params.PG_PACKAGES);
                    if (res.problem().isPresent()) {
                        problems.add(new String[] {VersionRules.where(inv, c, key.name()) + "[" + i + "]",
                                nodes + ": " + res.problem().get(), key.name() + " " + item});
                    } else {
                        pkgs.addAll(res.packages());
                        libs.addAll(res.libs());
                    }
                }
            }
        }
        List<PgDatabase> dbs = r.get(Params.PG_DATABASES);
        for (int d = 0; d < dbs.size(); d++) {
            List<PgExtension> exts = dbs.get(d).extensions();
            for (int j = 0; j < exts.size(); j++) {
                ExtensionCatalog.Resolution res = cat.forCreate(exts.get(j).name(), major);
                String path = VersionRules.where(inv, c, "pg_databases") + "[" + d + "].extensions[" + j + "]";
                if (res.problem().isPresent()) {
                    problems.add(new String[] {path, nodes + ": " + res.problem().get(), "extension " + exts.get(j).name()});
                } else {
                    pkgs.addAll(res.packages());
                    libs.addAll(res.libs());
                }
            }
        }
        return new Needs(List.copyOf(pkgs), Set.copyOf(libs), problems);
    }

    /**
     * @param inv       inventory
     * @param wellTyped true when the vars under a path prefix have their types
     * @return every finding
     */
    public static List<Violation> check(Inventory inv, Predicate<String> wellTyped) {
        List<Violation> out = new ArrayList<>();
        ExtensionCatalog cat = ExtensionCatalog.get();
        for (PgCluster c : inv.clusters()) {
            if (!wellTyped.test("all.children." + c.name())) {
                continue;
            }
            Resolved r = inv.resolve(c);
            if (!r.get(Params.PG_MODE).equals("pgsql")) {
                continue; // refused as a whole by VersionRules
            }
            Needs n = needs(inv, c, r);
            List<String> libs = ExtensionCatalog.libraries(r.get(Params.PG_LIBS));
            List<String> missing = libs.stream().filter(l -> !n.libs().contains(l)).toList();
            int major = r.get(Params.PG_VERSION);
            if (DebianRelease.carrying(major).isEmpty()) {
                // no supported OS has this version: one refusal naming it, not one per extension
                List<String> wanted = new ArrayList<>();
                n.problems().forEach(p -> wanted.add(p[2]));
                missing.forEach(l -> wanted.add("pg_libs " + l));
                if (!wanted.isEmpty()) {
                    out.add(VersionRules.error(VersionRules.where(inv, c, "pg_version"), nodes(inv, c, major)
                            + ": no supported OS carries PostgreSQL " + major + " (" + DebianRelease.summary()
                            + "), so its extensions and packages cannot be installed: " + summary(wanted)
                            + "; set pg_version: 15 or 17"));
                }
                continue;
            }
            n.problems().forEach(p -> out.add(VersionRules.error(p[0], p[1])));
            for (String l : missing) {
                Optional<ExtensionCatalog.Entry> e = cat.entries().stream().filter(x -> x.libs().contains(l)).findFirst();
                out.add(VersionRules.error(VersionRules.where(inv, c, "pg_libs"), "library '" + l + "' is not installed on "
                        + c.name() + e.map(x -> x.packageFor(major).isPresent()
                                ? ": add " + x.name() + " to pg_extensions"
                                : ": extension " + x.name() + " has no Debian package for PostgreSQL " + major
                                        + " (packaged for PostgreSQL " + x.availability() + ")")
                                .orElse(": neither PostgreSQL " + major + " nor an extension of the catalog ships it")
                        + "; PostgreSQL would not start"));
            }
            List<PgDatabase> dbs = r.get(Params.PG_DATABASES);
            for (int d = 0; d < dbs.size(); d++) {
                List<PgExtension> exts = dbs.get(d).extensions();
                for (int j = 0; j < exts.size(); j++) {
                    ExtensionCatalog.Resolution res = cat.forCreate(exts.get(j).name(), major);
                    Optional<String> pre = res.entry().flatMap(ExtensionCatalog.Entry::preload);
                    String cronDb = r.get(Params.PG_PARAMETERS).getOrDefault("cron.database_name", "postgres");
                    if (exts.get(j).name().equals("pg_cron") && !dbs.get(d).name().equals(cronDb)) {
                        out.add(VersionRules.error(VersionRules.where(inv, c, "pg_databases") + "[" + d + "].extensions[" + j + "]",
                                "pg_cron can only be created in the database cron.database_name names ('" + cronDb
                                        + "'), not in " + dbs.get(d).name() + ": set pg_parameters: { cron.database_name: "
                                        + dbs.get(d).name() + " }"));
                    }
                    if (res.problem().isEmpty() && pre.isPresent() && !libs.contains(pre.get())) {
                        out.add(VersionRules.error(VersionRules.where(inv, c, "pg_databases") + "[" + d + "].extensions[" + j + "]",
                                "extension " + exts.get(j).name() + " must be preloaded: add '" + pre.get() + "' to pg_libs of " + c.name()));
                    }
                }
            }
        }
        return out;
    }

    private static String summary(List<String> items) {
        List<String> distinct = items.stream().distinct().toList();
        return distinct.size() <= 6 ? String.join(", ", distinct)
                : String.join(", ", distinct.subList(0, 6)) + " and " + (distinct.size() - 6) + " more";
    }

    // "10.10.10.11, 10.10.10.12 (Debian 12 (bookworm))" or "(OS not declared)": who is refused
    private static String nodes(Inventory inv, PgCluster c, int major) {
        Set<String> os = new LinkedHashSet<>();
        for (PgInstance i : c.instances()) {
            try {
                os.add(inv.resolve(c, i).find(Params.NODE_OS).flatMap(DebianRelease::parse).map(DebianRelease::display)
                        .orElse("OS not declared"));
            } catch (RuntimeException e) {
                os.add("OS not declared");
            }
        }
        return "nodes " + c.instances().stream().map(PgInstance::ip).collect(Collectors.joining(", ")) + " ("
                + String.join(", ", os) + ", PostgreSQL " + major + ")";
    }
}
