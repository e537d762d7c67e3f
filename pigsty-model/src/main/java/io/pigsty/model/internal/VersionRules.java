package io.pigsty.model.internal;

import io.pigsty.model.DebianRelease;
import io.pigsty.model.Inventory;
import io.pigsty.model.Node;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PgLayout;
import io.pigsty.model.Resolved;
import io.pigsty.model.Severity;
import io.pigsty.model.Violation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rules of issue 12 on versions, OS and Pigsty's own values: {@code pg_mode} other than
 * {@code pgsql} and Citus-shaped groups are refused by name; {@code node_os} must be a supported
 * Debian and carry {@code pg_version}; a {@code pg_version} no supported Debian carries is a
 * warning (the preflight refuses it on gathered facts); {@code pg_listen} placeholders,
 * {@code pg_bin_dir} and cron entries are checked.
 */
public final class VersionRules {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final Set<String> PLACEHOLDERS = Set.of("ip", "vip", "lo", "lan");
    private static final Pattern CRON_SYSTEM = Pattern.compile("(@(reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)|(\\S+\\s+){4}\\S+)\\s+[a-z_][a-z0-9_-]*\\s+\\S.*");
    private static final String MODE_HINT = "this SDK deploys vanilla PostgreSQL only (pg_mode: pgsql); remove pg_mode, or deploy this cluster with Pigsty itself";

    private VersionRules() {
    }

    /**
     * @param inv     the inventory
     * @param wellTyped true when the cluster's vars (and the globals) have their types, so resolved values can be read
     * @return every finding
     */
    public static List<Violation> check(Inventory inv, Predicate<String> wellTyped) {
        List<Violation> out = new ArrayList<>();
        for (PgCluster c : inv.clusters()) {
            String cp = "all.children." + c.name();
            if (!wellTyped.test(cp)) {
                continue;
            }
            Resolved r = inv.resolve(c);
            String mode = r.get(Params.PG_MODE);
            if (!mode.equals("pgsql")) {
                out.add(error(where(inv, c, "pg_mode"), "pg_mode '" + mode + "' of cluster " + c.name()
                        + " is not supported: " + MODE_HINT));
            }
            int major = r.get(Params.PG_VERSION);
            String listen = r.get(Params.PG_LISTEN);
            Matcher m = PLACEHOLDER.matcher(listen);
            while (m.find()) {
                if (!PLACEHOLDERS.contains(m.group(1))) {
                    out.add(error(where(inv, c, "pg_listen"), "unknown placeholder ${" + m.group(1)
                            + "} (known: ${ip}, ${vip}, ${lo}, ${lan})"));
                } else if (m.group(1).equals("vip") && !r.get(Params.PG_VIP_ENABLED)) {
                    out.add(new Violation(where(inv, c, "pg_listen"), "${vip} is left out: pg_vip_enabled is false in "
                            + c.name(), Severity.WARNING));
                }
            }
            String bin = r.get(Params.PG_BIN_DIR);
            if (!bin.startsWith("/") || (!bin.replaceAll("/+$", "").endsWith("/bin"))) {
                out.add(error(where(inv, c, "pg_bin_dir"), "must be an absolute path ending in /bin (the default "
                        + PgLayout.defaultBinDir(major) + ", or a link such as /usr/pgsql/bin), got '" + bin + "'"));
            }
            // pg_crontab's lines are BackupRules' to check (one owner); node_crontab's have a user field
            cron(out, where(inv, c, "node_crontab"), r.get(Params.NODE_CRONTAB), CRON_SYSTEM,
                    "minute hour day month weekday user command");
            boolean declared = false;
            Set<String> wrongOs = new LinkedHashSet<>();
            for (PgInstance i : c.instances()) {
                String hp = cp + ".hosts." + i.ip();
                if (!wellTyped.test(hp)) {
                    continue;
                }
                Optional<String> os = inv.resolve(c, i).find(Params.NODE_OS);
                if (os.isEmpty()) {
                    continue;
                }
                declared = true;
                Optional<DebianRelease> rel = DebianRelease.parse(os.get());
                String path = i.vars().has("node_os") ? hp + ".node_os" : where(inv, c, "node_os");
                if (rel.isEmpty()) {
                    out.add(error(path, "unknown OS '" + os.get() + "': expected debian12 or debian13"));
                } else if (rel.get().pgMajor() != major && wrongOs.add(path)) {
                    out.add(error(path, "node " + i.ip() + " runs " + rel.get().display() + ", which carries PostgreSQL "
                            + rel.get().pgMajor() + ", not " + major + " (pg_version of " + c.name() + "): set pg_version: "
                            + rel.get().pgMajor() + DebianRelease.carrying(major).map(x -> " or node_os: " + x.key()).orElse("")));
                }
            }
            if (!declared && DebianRelease.carrying(major).isEmpty()) {
                out.add(new Violation(where(inv, c, "pg_version"), "PostgreSQL " + major + " is not carried by a supported OS ("
                        + DebianRelease.summary() + "): the preflight will refuse it on every node of " + c.name(),
                        Severity.WARNING));
            }
        }
        for (NodeGroup g : groups(inv)) {
            citus(out, inv, g);
        }
        return out;
    }

    private static List<NodeGroup> groups(Inventory inv) {
        List<NodeGroup> all = new ArrayList<>(inv.nodeGroups());
        return all;
    }

    // Pigsty's Citus layout: one group (pg_mode: citus, pg_shard) whose hosts each carry pg_cluster and pg_group
    private static void citus(List<Violation> out, Inventory inv, NodeGroup g) {
        Set<String> clusters = new LinkedHashSet<>();
        for (Node n : g.nodes()) {
            n.vars().raw("pg_cluster").ifPresent(v -> clusters.add(String.valueOf(v)));
        }
        Object mode = g.vars().raw("pg_mode").orElse(inv.vars().raw("pg_mode").orElse(null));
        if (clusters.isEmpty() && !g.vars().has("pg_shard") && !(mode != null && !"pgsql".equals(mode) && g.vars().has("pg_mode"))) {
            return;
        }
        out.add(error("all.children." + g.name(), "group " + g.name() + " is a " + (mode == null ? "sharded" : "pg_mode '" + mode + "'")
                + " group with pg_cluster per host" + (clusters.isEmpty() ? "" : " (" + String.join(", ", clusters) + ")")
                + ": Citus and other sharded shapes are not supported; " + MODE_HINT
                + " (a plain cluster is one group with pg_cluster in its vars)"));
    }

    private static void cron(List<Violation> out, String path, List<String> entries, Pattern shape, String form) {
        for (int i = 0; i < entries.size(); i++) {
            String e = entries.get(i);
            if (e.contains("\n") || e.contains("\r")) {
                out.add(error(path + "[" + i + "]", "a cron entry is one line"));
            } else if (!e.strip().startsWith("#") && !shape.matcher(e.strip()).matches()) {
                out.add(error(path + "[" + i + "]", "not a cron entry '" + e + "': expected " + form));
            }
        }
    }

    static String where(Inventory inv, PgCluster c, String key) {
        String cp = "all.children." + c.name() + ".vars";
        if (c.vars().has(key)) {
            return cp + "." + key;
        }
        return inv.vars().has(key) ? "all.vars." + key : cp + "." + key;
    }

    static Violation error(String path, String reason) {
        return new Violation(path, reason, Severity.ERROR);
    }
}
