package io.pigsty.api.node;

import io.pigsty.api.exec.Command;
import io.pigsty.api.facts.OsCheck;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.node.internal.NodeScripts;
import io.pigsty.api.plan.PlanBuilder;
import io.pigsty.api.spi.PigstyModule;
import io.pigsty.api.spi.PlanContext;
import io.pigsty.api.step.Steps;
import io.pigsty.model.ExtensionCatalog;
import io.pigsty.model.Inventory;
import io.pigsty.model.Node;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Resolved;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Module {@code NODE}: what a host needs before any service of ours runs on it, for the
 * playbooks {@code node} (a PG cluster or any node group) and {@code pgsql} (the cluster's
 * members), all in phase {@code node}:
 * <ol>
 *   <li>{@code node:packages} - the Debian packages its roles need (PG member: postgresql-15,
 *       postgresql-contrib, patroni, pgbouncer, haproxy, python3-psycopg2, + keepalived with a VIP;
 *       etcd member: etcd-server, etcd-client; plus {@code node_packages});</li>
 *   <li>{@code node:debian-defaults} - once per host, {@code systemctl disable --now} the units
 *       the packages enabled (postgresql etcd pgbouncer haproxy patroni keepalived, where
 *       present) and {@code pg_dropcluster --stop 15 main}; a marker file keeps later runs from
 *       stopping the units our modules enable afterwards;</li>
 *   <li>{@code node:dbsu} - the dbsu OS user (normally created by postgresql-common);</li>
 *   <li>directories: {@code /data}, {@code /data/postgres}, {@code /data/postgres/<cls>-15},
 *       {@code /pg} symlink ({@code node:pg-link}), {@code /pg/{bin,log,log/postgres,log/patroni,
 *       log/pgbouncer,tmp,conf,data}};</li>
 *   <li>{@code /etc/sysctl.d/pigsty.conf} from {@code node_sysctl_params} and
 *       {@code node:sysctl} applying it key by key (a key read-only on this host, as in a
 *       container, is reported and skipped; anything else fails).</li>
 * </ol>
 */
public final class NodeModule implements PigstyModule {
    /** PostgreSQL major version of the default layout (Debian 12); a cluster's {@code pg_version} decides. */
    public static final int PG_VERSION = 15;

    /** Where {@code node_crontab} goes: a file of its own, so Debian's /etc/crontab stays as it is. */
    public static final String NODE_CRON_FILE = "/etc/cron.d/pigsty";

    /** Creates the module (ServiceLoader needs a public no-arg constructor). */
    public NodeModule() {
    }

    @Override
    public String name() {
        return "NODE";
    }

    @Override
    public void contribute(PlanContext ctx, PlanBuilder plan) {
        String pb = ctx.playbook().name();
        if (!pb.equals("node") && !pb.equals("pgsql")) {
            return;
        }
        Inventory inv = ctx.inventory();
        String target = ctx.playbook().cluster().orElseThrow(() -> new PigstyException("playbook " + pb + " needs a cluster or group"));
        Optional<PgCluster> cluster = inv.cluster(target);
        if (cluster.isPresent()) {
            PgCluster c = cluster.get();
            List<String> extPackages = ExtensionCatalog.clusterPackages(inv, c);
            for (PgInstance i : c.instances()) {
                Resolved vars = ctx.resolve(c, i);
                steps(ctx, plan, ctx.host(c, i), vars, Optional.of(c.name()), isEtcd(inv, i.ip()), extPackages);
            }
            return;
        }
        if (pb.equals("pgsql")) {
            throw new PigstyException("pgsql: unknown cluster '" + target + "'");
        }
        List<NodeGroup> groups = inv.allNodeGroups();
        NodeGroup g = groups.stream().filter(x -> x.name().equals(target)).findFirst()
                .orElseThrow(() -> new PigstyException("node: no cluster or group named '" + target + "'"));
        for (Node n : g.nodes()) {
            steps(ctx, plan, Host.of(n.ip()), inv.resolveNode(g, n), Optional.empty(), isEtcd(inv, n.ip()), List.of());
        }
    }

    private static boolean isEtcd(Inventory inv, String ip) {
        return inv.etcd().map(g -> g.nodes().stream().anyMatch(n -> n.ip().equals(ip))).orElse(false);
    }

    private static void steps(PlanContext ctx, PlanBuilder plan, Host h, Resolved vars, Optional<String> pgCluster, boolean etcd,
                              List<String> extPackages) {
        boolean pg = pgCluster.isPresent();
        int major = pg ? vars.get(Params.PG_VERSION) : PG_VERSION;
        List<String> pgCron = pg ? vars.get(Params.PG_CRONTAB) : List.of();
        List<String> nodeCron = vars.get(Params.NODE_CRONTAB);
        List<String> extra = new ArrayList<>(vars.get(Params.NODE_PACKAGES));
        if (!pgCron.isEmpty() || !nodeCron.isEmpty()) {
            extra.add("cron");
        }
        List<String> pkgs = NodeScripts.packages(major, pg, pg && Boolean.TRUE.equals(vars.get(Params.PG_VIP_ENABLED)), etcd,
                extPackages, extra);
        if (pg) {
            // refuse before any host is touched when the node's OS does not carry this version or these packages
            List<String> pgPkgs = new ArrayList<>(io.pigsty.model.PgLayout.serverPackages(major));
            pgPkgs.addAll(extPackages);
            plan.add("preflight", h, OsCheck.step(major, pgPkgs));
        }
        if (!pkgs.isEmpty()) {
            plan.add("node", h, Steps.packages(pkgs));
        }
        if (pg || etcd) {
            plan.add("node", h, Steps.command("node:debian-defaults",
                    "disable the Debian packages' default units and drop cluster " + major + "/main (once)",
                    Command.shell(NodeScripts.defaultsCheck()).build(), Command.shell(NodeScripts.defaultsApply(major)).build()));
        }
        String data = vars.get(Params.NODE_DATA);
        plan.add("node", h, Steps.directory(data, "0755", "root", "root"));
        if (pg) {
            String dbsu = vars.get(Params.PG_DBSU);
            String home = vars.get(Params.PG_DBSU_HOME);
            plan.add("node", h, Steps.command("node:dbsu", "OS user " + dbsu + " (home " + home + ")",
                    Command.shell(NodeScripts.dbsuCheck(dbsu)).build(), Command.shell(NodeScripts.dbsuApply(dbsu, home)).build()));
            plan.add("node", h, Steps.directory(home, "0755", dbsu, dbsu));
            String binDir = vars.get(Params.PG_BIN_DIR);
            io.pigsty.model.PgLayout.binLink(binDir, major).ifPresent(l -> plan.add("node", h, Steps.command("node:pg-bin-link",
                    l[0] + " -> " + l[1] + " (pg_bin_dir " + binDir + ")",
                    Command.shell(NodeScripts.linkCheck(l[0], l[1])).build(), Command.shell(NodeScripts.linkApply(l[0], l[1])).build())));
            String base = data + "/postgres";
            String clusterDir = io.pigsty.model.PgLayout.clusterDir(data, pgCluster.get(), major);
            plan.add("node", h, Steps.directory(base, "0755", dbsu, dbsu));
            plan.add("node", h, Steps.directory(clusterDir, "0700", dbsu, dbsu));
            plan.add("node", h, Steps.command("node:pg-link", "/pg -> " + clusterDir,
                    Command.shell(NodeScripts.pgLinkCheck(clusterDir)).build(), Command.shell(NodeScripts.pgLinkApply(clusterDir)).build()));
            for (String d : List.of("/pg/bin", "/pg/log", "/pg/log/postgres", "/pg/log/patroni", "/pg/log/pgbouncer",
                    "/pg/tmp", "/pg/conf")) {
                plan.add("node", h, Steps.directory(d, "0750", dbsu, dbsu));
            }
            plan.add("node", h, Steps.directory("/pg/data", "0700", dbsu, dbsu));
            // Debian's cron reads /var/spool/cron/crontabs/<user>: owner the user, group crontab, mode 0600
            String spool = "/var/spool/cron/crontabs/" + dbsu;
            cron(plan, h, "pg-crontab", spool, pgCron.isEmpty() ? null
                    : new FileSpec(spool, NodeScripts.dbsuCrontab(dbsu, binDir, pgCron).getBytes(StandardCharsets.UTF_8), "0600", dbsu,
                    "crontab", false));
        }
        cron(plan, h, "node-crontab", NODE_CRON_FILE, nodeCron.isEmpty() ? null
                : new FileSpec(NODE_CRON_FILE, NodeScripts.nodeCrontab(nodeCron).getBytes(StandardCharsets.UTF_8), "0644", "root",
                "root", false));
        Map<String, Object> params = new HashMap<>(vars.get(Params.NODE_SYSCTL_PARAMS));
        if (!params.isEmpty()) {
            var rows = NodeScripts.sysctlRows(params);
            String conf = ctx.templates().render("node/sysctl.conf.ftl", Map.of("params", rows));
            plan.add("node", h, Steps.file(new FileSpec(NodeScripts.SYSCTL_FILE, conf.getBytes(StandardCharsets.UTF_8),
                    "0644", "root", "root", false)));
            plan.add("node", h, Steps.command("node:sysctl", "apply node_sysctl_params",
                    Command.shell(NodeScripts.sysctlCheck(rows)).build(), Command.shell(NodeScripts.sysctlApply(rows)).build()));
        }
    }

    // the plan owns the file: written when entries exist, removed (if it wrote it) when they are gone
    private static void cron(PlanBuilder plan, Host h, String id, String path, FileSpec file) {
        if (file != null) {
            plan.add("node", h, Steps.file(file));
        } else {
            plan.add("node", h, Steps.command("node:" + id + "-absent", "no crontab of the plan at " + path,
                    Command.shell(NodeScripts.cronAbsentCheck(path)).build(), Command.shell(NodeScripts.cronRemove(path)).build()));
        }
    }
}
