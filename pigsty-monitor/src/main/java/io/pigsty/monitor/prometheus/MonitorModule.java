package io.pigsty.monitor.prometheus;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.PlanBuilder;
import io.pigsty.api.spi.PigstyModule;
import io.pigsty.api.spi.PlanContext;
import io.pigsty.api.step.Step;
import io.pigsty.api.step.Steps;
import io.pigsty.model.Inventory;
import io.pigsty.model.Names;
import io.pigsty.model.Node;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Resolved;
import io.pigsty.monitor.prometheus.internal.BlobStep;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * MONITOR: exporters on every PostgreSQL node and their registration with the TSDB of every infra
 * node, the way Pigsty does.
 * <ul>
 * <li>{@code pgsql} (and {@code pgsql-monitor <cluster>} for a cluster of the inventory): on every
 * member, {@code prometheus-node-exporter} (:9100), a JRE from Debian, our exporter jar
 * ({@link ExporterJar}), the collectors in {@code /etc/pg_exporter/} and one unit, {@code pg_exporter},
 * whose JVM serves PostgreSQL on :9630 and PgBouncer on :9631 ({@link ExporterUnits}; Pigsty's separate
 * {@code pgbouncer_exporter} unit is stopped and disabled if an earlier deployment left it); the unit
 * restarts when its jar, environment, unit file or a collector file changed, and only then. On every
 * infra node, one file_sd file per member and job ({@code /etc/prometheus/targets/pgsql/pg-test-1.yml}),
 * plus the node's and the VIP's {@code ping} targets. HAProxy (:9101), Patroni (:8008) and etcd serve
 * their own {@code /metrics}.</li>
 * <li>{@code pgsql-monitor} (Pigsty's monitor-only mode): for every remote instance in
 * {@code pg_exporters} (one cluster's with a cluster argument), an exporter unit on each infra node
 * and its {@code pgsql} target there.</li>
 * <li>{@code pgsql-rm}: the removed members' exporters stop and their files go, so scale-in
 * deregisters the member. Prometheus re-reads target files by itself, so no reload is needed.</li>
 * </ul>
 */
public final class MonitorModule implements PigstyModule {
    /** Debian's JRE: 17 on bookworm, 21 on trixie. */
    public static final String JRE_PACKAGE = "default-jre-headless";
    static final String PHASE = "monitor";

    private final ExporterJar jar;

    /** The module with the jar found by {@link ExporterJar#locate()} (looked for when a plan is built). */
    public MonitorModule() {
        this.jar = null;
    }

    /**
     * @param jar the exporter jar to deploy
     */
    public MonitorModule(ExporterJar jar) {
        this.jar = java.util.Objects.requireNonNull(jar, "jar");
    }

    @Override
    public String name() {
        return "MONITOR";
    }

    @Override
    public void contribute(PlanContext ctx, PlanBuilder plan) {
        String pb = ctx.playbook().name();
        Inventory inv = ctx.inventory();
        switch (pb) {
            case "pgsql" -> {
                PgCluster c = inv.requireCluster(ctx.playbook().requireCluster());
                deployMembers(ctx, plan, c);
                register(inv, plan, c);
            }
            case "pgsql-monitor" -> {
                Optional<String> cls = ctx.playbook().cluster();
                Optional<PgCluster> managed = cls.flatMap(inv::cluster);
                if (managed.isPresent()) {
                    deployMembers(ctx, plan, managed.get());
                    register(inv, plan, managed.get());
                }
                int remote = deployRemote(inv, plan, cls);
                if (managed.isEmpty() && remote == 0) {
                    throw new PigstyException("pgsql-monitor: " + cls.map(c -> "'" + c + "' is neither a cluster of the "
                            + "inventory nor a pg_cluster of pg_exporters").orElse("no pg_exporters on the infra group: "
                            + "list the remote instances there ({<local port>: {pg_cluster, pg_seq, pg_host}})"));
                }
            }
            case "pgsql-rm" -> remove(ctx, plan, inv.requireCluster(ctx.playbook().requireCluster()));
            default -> {
                // other playbooks do not concern monitoring
            }
        }
    }

    private ExporterJar jar() {
        return jar != null ? jar : ExporterJar.locate();
    }

    private void deployMembers(PlanContext ctx, PlanBuilder plan, PgCluster c) {
        Inventory inv = ctx.inventory();
        ExporterJar j = jar();
        for (PgInstance i : c.instances()) {
            Host h = ctx.host(c, i);
            Resolved r = inv.resolve(c, i);
            List<ExporterUnits.Unit> units = ExporterUnits.forMember(inv, c, i);
            List<String> pkgs = new ArrayList<>();
            boolean nodeExporter = nodeExporterEnabled(r);
            if (nodeExporter) {
                pkgs.add("prometheus-node-exporter");
            }
            if (!units.isEmpty()) {
                pkgs.add(JRE_PACKAGE);
            }
            if (pkgs.isEmpty()) {
                continue;
            }
            plan.add(PHASE, h, packages(pkgs));
            if (nodeExporter) {
                plan.add(PHASE, h, Steps.file(FileSpec.text("/etc/default/prometheus-node-exporter",
                        InfraArtifacts.nodeExporterDefaults(InfraArtifacts.nodeExporterPort(r)), "0644", "root"),
                        Command.of("systemctl", "try-restart", "prometheus-node-exporter")));
                plan.add(PHASE, h, Steps.service("prometheus-node-exporter", true, true));
            }
            exporterSteps(plan, h, units, j);
        }
    }

    /**
     * The exporter's files and units on one host: jar, collectors, one env file and unit per exporter,
     * restart commands tied to each file, then the services.
     */
    /** The collector files as file specs, built once: immutable, and every member's plan deploys them. */
    private static final class Collectors {
        static final List<FileSpec> FILES = ExporterUnits.collectorFiles().entrySet().stream()
                .map(f -> FileSpec.text(f.getKey(), f.getValue(), "0644", "root")).toList();
    }

    static void exporterSteps(PlanBuilder plan, Host h, List<ExporterUnits.Unit> units, ExporterJar jar) {
        if (units.isEmpty()) {
            return;
        }
        Command[] restartAll = units.stream().map(u -> Command.of("systemctl", "try-restart", u.name()))
                .toArray(Command[]::new);
        if (units.stream().anyMatch(u -> !u.name().equals(ExporterUnits.PGBOUNCER_UNIT) && u.ports().size() > 1)) {
            // the one JVM takes over PgBouncer's port: a pgbouncer_exporter of an earlier deployment must let go of it
            plan.add(PHASE, h, Steps.service(ExporterUnits.PGBOUNCER_UNIT, false, false));
        }
        // unit files first: try-restart of a unit systemd does not know fails ("Unit not found"), so the jar's and
        // collectors' restarts on a first deployment need the units loaded (inactive: try-restart is a no-op)
        for (ExporterUnits.Unit u : units) {
            Command restart = Command.of("systemctl", "try-restart", u.name());
            plan.add(PHASE, h, Steps.file(FileSpec.text(u.unitPath(), u.unitFile(), "0644", "root"),
                    Command.of("systemctl", "daemon-reload"), restart));
            plan.add(PHASE, h, Steps.file(new FileSpec(u.envPath(), u.envFile().getBytes(StandardCharsets.UTF_8), "0600",
                    "root", "root", true), restart));
        }
        plan.add(PHASE, h, Steps.directory("/usr/lib/pigsty", "0755", "root", "root"));
        plan.add(PHASE, h, new BlobStep(ExporterJar.REMOTE_PATH, jar, "0644", "root", List.of(restartAll)));
        plan.add(PHASE, h, Steps.directory(ExporterUnits.CONFIG_DIR, "0755", "root", "root"));
        for (FileSpec f : Collectors.FILES) {
            plan.add(PHASE, h, Steps.file(f, restartAll));
        }
        for (ExporterUnits.Unit u : units) {
            plan.add(PHASE, h, Steps.service(u.name(), true, true));
            plan.add(PHASE, h, Steps.waitFor("wait:" + u.name(), u.name() + " answers on :" + u.port(),
                    Command.shell("curl -fsS -o /dev/null http://127.0.0.1:" + u.port() + "/metrics").build(),
                    Duration.ofSeconds(60), Duration.ofSeconds(1)));
            for (ExporterUnits.Extra x : u.extra()) {
                plan.add(PHASE, h, Steps.waitFor("wait:" + u.name() + ":" + x.name(), u.name() + " answers for " + x.name()
                                + " on :" + x.port(),
                        Command.shell("curl -fsS -o /dev/null http://127.0.0.1:" + x.port() + "/metrics").build(),
                        Duration.ofSeconds(60), Duration.ofSeconds(1)));
            }
        }
    }

    /**
     * @param pkgs Debian packages
     * @return a package step with an id of its own (the NODE module's {@code packages} step is on the same host)
     */
    static Step packages(List<String> pkgs) {
        StringBuilder check = new StringBuilder("for p in");
        pkgs.forEach(p -> check.append(' ').append(p));
        check.append("; do dpkg-query -W -f='${db:Status-Abbrev}' \"$p\" 2>/dev/null | grep -q '^ii' || exit 1; done");
        List<String> argv = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
        argv.addAll(pkgs);
        return Steps.command("monitor:packages", "monitoring packages " + String.join(" ", pkgs),
                Command.shell(check.toString()).build(),
                Command.argv(argv).env("DEBIAN_FRONTEND", "noninteractive").timeout(Duration.ofMinutes(10)).build());
    }

    static boolean nodeExporterEnabled(Resolved r) {
        return PrometheusArtifacts.nodeExporterEnabled(r);
    }

    static Host infraHost(Node n) {
        return new Host(n.ip(), "infra@" + n.ip());
    }

    private static void register(Inventory inv, PlanBuilder plan, PgCluster c) {
        List<Node> infra = inv.infra().map(g -> g.nodes()).orElse(List.of());
        PrometheusArtifacts prom = PrometheusArtifacts.of(inv);
        for (Node n : infra) {
            writeTargets(plan, infraHost(n), prom, prom.targetsOf(c.name()));
        }
    }

    static void writeTargets(PlanBuilder plan, Host h, PrometheusArtifacts prom, List<ScrapeTarget> targets) {
        Set<String> dirs = new TreeSet<>();
        for (ScrapeTarget t : targets) {
            String dir = prom.targetsDir() + "/" + t.job().jobName();
            if (dirs.add(dir)) {
                plan.add(PHASE, h, Steps.directory(dir, "0755", "root", "root"));
            }
            plan.add(PHASE, h, Steps.file(FileSpec.text(prom.targetsDir() + "/" + t.fileName(), prom.targetFile(t), "0644",
                    "root")));
        }
    }

    private int deployRemote(Inventory inv, PlanBuilder plan, Optional<String> cls) {
        List<Node> infra = inv.infra().map(g -> g.nodes()).orElse(List.of());
        PrometheusArtifacts prom = PrometheusArtifacts.of(inv);
        int count = 0;
        ExporterJar j = null;
        for (Node n : infra) {
            List<RemoteExporter> remotes = RemoteExporter.of(inv, n).stream()
                    .filter(x -> cls.isEmpty() || cls.get().equals(x.cls())).toList();
            if (remotes.isEmpty()) {
                continue;
            }
            j = j != null ? j : jar();
            Resolved r = inv.resolveNode(inv.infra().orElseThrow(), n);
            Host h = infraHost(n);
            plan.add(PHASE, h, packages(List.of(JRE_PACKAGE, "prometheus-node-exporter")));
            String jvm = r.raw(Params.PG_EXPORTER_JVM_OPTIONS.name()).map(String::valueOf)
                    .orElse(Params.PG_EXPORTER_JVM_OPTIONS.defaultValue().orElseThrow());
            exporterSteps(plan, h, remotes.stream().map(x -> ExporterUnits.forRemote(x, jvm)).toList(), j);
            List<ScrapeTarget> targets = remotes.stream().map(x -> remoteTarget(n, x)).toList();
            writeTargets(plan, h, prom, targets);
            count += remotes.size();
        }
        return count;
    }

    /**
     * @param infra the infra node running the exporter
     * @param x     the remote instance
     * @return its {@code pgsql} target: the exporter's address on that node, labelled with the remote's identity
     */
    static ScrapeTarget remoteTarget(Node infra, RemoteExporter x) {
        java.util.SortedMap<String, String> labels = new java.util.TreeMap<>();
        labels.put("cls", x.cls());
        labels.put("ins", x.ins());
        labels.put("ip", x.host());
        labels.put("job", ScrapeJob.PGSQL.jobName());
        return new ScrapeTarget(ScrapeJob.PGSQL, x.ins(), infra.ip() + ":" + x.port(), labels);
    }

    private static void remove(PlanContext ctx, PlanBuilder plan, PgCluster c) {
        Inventory inv = ctx.inventory();
        Optional<String> only = ctx.playbook().arg("instance");
        PrometheusArtifacts prom = PrometheusArtifacts.of(inv);
        Set<String> gone = new TreeSet<>();
        for (PgInstance i : c.instances()) {
            String ins = Names.instance(c.name(), i.seq());
            if (only.isPresent() && !only.get().equals(i.ip()) && !only.get().equals(ins)) {
                continue;
            }
            gone.add(ins);
            Host h = ctx.host(c, i);
            Set<String> units = new java.util.LinkedHashSet<>();
            for (ExporterUnits.Unit u : ExporterUnits.forMember(inv, c, i)) {
                units.add(u.name());
                if (u.ports().size() > 1) {
                    units.add(ExporterUnits.PGBOUNCER_UNIT); // what an earlier, two-process deployment left
                }
            }
            for (String name : units) {
                String unitPath = "/etc/systemd/system/" + name + ".service";
                // stopped first: the exporter of a member being removed would only report it down
                plan.add("pg-remove", h, Steps.command("exporter-rm:" + name, "stop and remove " + name,
                        Command.shell("! systemctl is-active --quiet " + name + " && [ ! -e " + unitPath + " ]").build(),
                        Command.shell("systemctl disable --now " + name + " 2>/dev/null; rm -f " + unitPath + " /etc/default/"
                                + name + " && systemctl daemon-reload").build()));
            }
        }
        for (Node n : inv.infra().map(g -> g.nodes()).orElse(List.of())) {
            Host h = infraHost(n);
            for (ScrapeTarget t : prom.targetsOf(c.name())) {
                boolean member = gone.contains(t.ins()) || gone.contains(t.labels().get("ins"));
                boolean vip = only.isEmpty() && t.ins().equals(c.name() + "-vip");
                if (!member && !vip) {
                    continue;
                }
                String path = prom.targetsDir() + "/" + t.fileName();
                plan.add(PHASE, h, Steps.command("target-rm:" + path, "deregister " + t.ins() + " from job "
                        + t.job().jobName(), Command.shell("[ ! -e " + path + " ]").build(), Command.of("rm", "-f", path)));
            }
        }
    }
}
