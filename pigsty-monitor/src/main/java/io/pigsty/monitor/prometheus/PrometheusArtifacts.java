package io.pigsty.monitor.prometheus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.pigsty.model.Inventory;
import io.pigsty.model.Names;
import io.pigsty.model.Node;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Resolved;
import io.pigsty.monitor.prometheus.internal.MonitorInventoryRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The Prometheus side of a Pigsty deployment, generated from an {@link Inventory}: the main
 * {@code prometheus.yml}, one file_sd target file per instance and job, and the bundled
 * recording/alert rules. Immutable; rendering is pure and deterministic (same inventory and
 * options, same bytes).
 *
 * <p>Layout of {@link #files()} and {@link #writeTo(Path)} (paths relative to the Prometheus
 * configuration directory, {@code /etc/prometheus} in Pigsty):
 * <pre>
 * prometheus.yml
 * rules/pgsql.yml
 * targets/pgsql/pg-test-1.yml        pg_exporter       ip:pg_exporter_port (9630)
 * targets/pgbouncer/pg-test-1.yml    pgbouncer export. ip:pgbouncer_exporter_port (9631)
 * targets/patroni/pg-test-1.yml      Patroni REST      ip:patroni_port (8008)
 * targets/haproxy/pg-test-1.yml      HAProxy admin     ip:haproxy_exporter_port (9101)
 * targets/node/pg-test-1.yml         node_exporter     ip:node_exporter_port (9100)
 * targets/ping/pg-test-1.yml         blackbox ICMP     the node's ip (and pg-test-vip.yml: the VIP)
 * targets/etcd/etcd-1.yml            etcd /metrics     ip:etcd_port (2379)
 * targets/infra/infra-1-prometheus.yml  the infra node's TSDB, vmalert, Alertmanager, blackbox
 * </pre>
 * {@link #targetsOf(String)} are registered by a cluster's {@code pgsql} playbook, {@link #sharedTargets()}
 * by the {@code infra} playbook.
 * {@code prometheus.yml} refers to the rules and targets through {@link Builder#rulesDir} and
 * {@link Builder#targetsDir}; they default to Pigsty's absolute paths and may be relative
 * ({@code rules}, {@code targets}), which Prometheus resolves against the config file's
 * directory — that is how a written directory is self-contained for {@code promtool check config}.
 *
 * <p>Target labels follow Pigsty: {@code cls}, {@code ins}, {@code ip}, plus {@code job}. There is
 * deliberately no {@code role} label: the inventory's role is only the initial one and goes stale
 * after a switchover; dashboards and rules read the live role from {@code pg_in_recovery}.
 */
public final class PrometheusArtifacts {
    /** Classpath directory of the bundled rule files (relative to this class' package). */
    static final String RULES_RESOURCE = "rules/";
    /** The bundled rule files, by file name. */
    public static final List<String> RULE_FILES = List.of("pgsql.yml");

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build());

    private final String scrapeInterval;
    private final String scrapeTimeout;
    private final String evaluationInterval;
    private final String sdRefreshInterval;
    private final String targetsDir;
    private final String rulesDir;
    private final List<String> alertmanagers;
    private final List<ScrapeTarget> targets;
    private final Map<String, String> owner; // target file -> owning cluster (absent: the infra playbook's)
    private final Map<String, List<ScrapeTarget>> byOwner; // cluster -> its targets, in the order of targets
    /** The artifacts of the inventory last given to {@link #of}: every plan of one inventory asks for them. */
    private static final java.util.concurrent.atomic.AtomicReference<Cached> LAST =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** An inventory (weakly, by identity: inventories are immutable) and its default artifacts. */
    private record Cached(java.lang.ref.WeakReference<Inventory> inventory, PrometheusArtifacts artifacts) {
    }
    private final List<String> remoteWrite;
    private final int blackboxPort;
    private final boolean victoria;
    private final String caFile; // empty: etcd serves plain HTTP, and so does every Patroni
    private final String clientCertFile; // empty: no client certificate for etcd
    private final String clientKeyFile;

    private PrometheusArtifacts(Builder b) {
        Resolved g = b.inventory.resolveGlobal();
        // every problem at once: the inventory's at their paths, the builder's options by name
        MonitorInventoryRules.Problems problems = new MonitorInventoryRules.Problems();
        scrapeInterval = duration(problems, "scrapeInterval", b.scrapeInterval,
                Params.PROMETHEUS_SCRAPE_INTERVAL.name(), g.get(Params.PROMETHEUS_SCRAPE_INTERVAL));
        scrapeTimeout = duration(problems, "scrapeTimeout", b.scrapeTimeout,
                Params.PROMETHEUS_SCRAPE_TIMEOUT.name(), g.get(Params.PROMETHEUS_SCRAPE_TIMEOUT));
        evaluationInterval = b.evaluationInterval != null
                ? duration(problems, "evaluationInterval", b.evaluationInterval, null, null) : scrapeInterval;
        sdRefreshInterval = duration(problems, "sdRefreshInterval", b.sdRefreshInterval, "prometheus_sd_interval",
                g.raw("prometheus_sd_interval").map(String::valueOf).orElse("5s"));
        // promtool check config rejects a timeout longer than the interval; say so up front
        if (MonitorInventoryRules.durationProblem(scrapeTimeout).isEmpty()
                && MonitorInventoryRules.durationProblem(scrapeInterval).isEmpty()) {
            MonitorInventoryRules.timeoutProblem(scrapeTimeout, scrapeInterval).ifPresent(r -> problems.add(
                    b.scrapeTimeout == null && b.scrapeInterval == null,
                    b.scrapeTimeout != null ? "scrapeTimeout" : b.scrapeInterval != null ? "scrapeInterval"
                            : Params.PROMETHEUS_SCRAPE_TIMEOUT.name(), r));
        }
        targetsDir = dir(problems, "targetsDir", b.targetsDir, Params.PROMETHEUS_SD_DIR.name(), g.get(Params.PROMETHEUS_SD_DIR));
        rulesDir = dir(problems, "rulesDir", b.rulesDir, null, "/etc/prometheus/rules");
        alertmanagers = b.alertmanagers != null ? List.copyOf(b.alertmanagers) : defaultAlertmanagers(b.inventory);
        for (String a : alertmanagers) {
            if (!a.matches("[A-Za-z0-9.\\-\\[\\]:]+:\\d+")) {
                // the default is built from the infra group's addresses, which the model checks: a bad one is an option
                problems.add(false, "alertmanagers", "must be host:port, got '" + a + "'");
            }
        }
        remoteWrite = b.remoteWrite != null ? List.copyOf(b.remoteWrite) : g.get(Params.PROMETHEUS_REMOTE_WRITE);
        for (int i = 0; i < remoteWrite.size(); i++) {
            String u = remoteWrite.get(i);
            if (!u.matches("https?://[^\\s\"']+")) {
                problems.add(b.remoteWrite == null, b.remoteWrite == null ? Params.PROMETHEUS_REMOTE_WRITE.name() + "[" + i + "]"
                        : "remoteWrite", "must be an http(s):// URL such as http://vm:8428/api/v1/write, got '" + u + "'");
            }
        }
        problems.throwIfAny();
        blackboxPort = g.get(Params.BLACKBOX_PORT);
        caFile = b.caFile == null ? "" : b.caFile;
        clientCertFile = b.clientCertFile == null ? "" : b.clientCertFile;
        clientKeyFile = b.clientKeyFile == null ? "" : b.clientKeyFile;
        victoria = b.victoria != null ? b.victoria : g.get(Params.VMETRICS_ENABLED);
        owner = new TreeMap<>();
        targets = collectTargets(b.inventory);
        Map<String, List<ScrapeTarget>> grouped = new LinkedHashMap<>();
        for (ScrapeTarget t : targets) {
            String o = owner.get(t.fileName());
            if (o != null) {
                grouped.computeIfAbsent(o, k -> new ArrayList<>()).add(t);
            }
        }
        grouped.replaceAll((k, v) -> List.copyOf(v));
        byOwner = Map.copyOf(grouped);
    }

    /**
     * @param inventory the deployment
     * @return artifacts with Pigsty's defaults
     */
    public static PrometheusArtifacts of(Inventory inventory) {
        // planning one cluster asks for the whole deployment's targets; with many clusters, building them
        // once per plan made planning quadratic. The inventory is immutable, so the last one's result holds.
        Cached c = LAST.get();
        if (c != null && c.inventory().get() == inventory) {
            return c.artifacts();
        }
        PrometheusArtifacts built = builder(inventory).build();
        LAST.set(new Cached(new java.lang.ref.WeakReference<>(inventory), built));
        return built;
    }

    /**
     * @param inventory the deployment
     * @return a builder; every option defaults to the inventory's parameters or Pigsty's default
     */
    public static Builder builder(Inventory inventory) {
        return new Builder(inventory);
    }

    private static List<String> defaultAlertmanagers(Inventory inv) {
        List<String> out = new ArrayList<>();
        inv.infra().ifPresent(grp -> grp.nodes().stream().filter(n -> inv.resolveNode(grp, n).get(Params.ALERTMANAGER_ENABLED))
                .forEach(n -> out.add(n.ip() + ":" + inv.resolveNode(grp, n).get(Params.ALERTMANAGER_PORT))));
        return List.copyOf(out);
    }

    private List<ScrapeTarget> collectTargets(Inventory inv) {
        List<ScrapeTarget> out = new ArrayList<>();
        Set<String> nodeIps = new LinkedHashSet<>();
        for (PgCluster c : inv.clusters()) {
            int first = out.size(); // targets before this cluster already have their owner
            for (PgInstance i : c.instances()) {
                Resolved r = inv.resolve(c, i);
                String ins = Names.instance(c.name(), i.seq());
                if (r.get(Params.PG_EXPORTER_ENABLED)) {
                    out.add(target(ScrapeJob.PGSQL, c.name(), ins, i.ip(), r.get(Params.PG_EXPORTER_PORT)));
                }
                if (r.get(Params.PGBOUNCER_ENABLED) && r.get(Params.PGBOUNCER_EXPORTER_ENABLED)) {
                    out.add(target(ScrapeJob.PGBOUNCER, c.name(), ins, i.ip(), r.get(Params.PGBOUNCER_EXPORTER_PORT)));
                }
                if (r.get(Params.PATRONI_ENABLED) && !"remove".equals(r.get(Params.PATRONI_MODE))) {
                    ScrapeTarget t = target(ScrapeJob.PATRONI, c.name(), ins, i.ip(), r.get(Params.PATRONI_PORT));
                    if (r.get(Params.PATRONI_SSL_ENABLED)) {
                        // patroni_ssl_enabled is a cluster's choice: the scheme goes with the target, the job
                        // trusts the deployment's CA (caFile) for the members that serve HTTPS
                        SortedMap<String, String> l = new TreeMap<>(t.labels());
                        l.put("__scheme__", "https");
                        t = new ScrapeTarget(t.job(), t.ins(), t.address(), l);
                    }
                    out.add(t);
                }
                if (r.get(Params.HAPROXY_ENABLED)) {
                    out.add(target(ScrapeJob.HAPROXY, c.name(), ins, i.ip(), r.get(Params.HAPROXY_EXPORTER_PORT)));
                }
                if (nodeExporterEnabled(r) && nodeIps.add(i.ip())) {
                    // node identity: Pigsty names the node after the instance (node_id_from_pg)
                    String nodeCls = r.get(Params.NODE_ID_FROM_PG) ? c.name() : r.get(Params.NODE_CLUSTER);
                    String nodeIns = r.find(Params.NODENAME).orElse(ins);
                    out.add(target(ScrapeJob.NODE, nodeCls, nodeIns, i.ip(), nodeExporterPort(r)));
                    out.add(ping(nodeCls, nodeIns, i.ip()));
                }
            }
            Resolved cr = inv.resolve(c);
            if (cr.get(Params.PG_VIP_ENABLED)) {
                String vip = cr.get(Params.PG_VIP_ADDRESS).split("/")[0];
                out.add(ping(c.name(), c.name() + "-vip", vip));
            }
            for (ScrapeTarget t : out.subList(first, out.size())) {
                owner.putIfAbsent(t.fileName(), c.name());
            }
        }
        // hosts outside any PostgreSQL cluster (infra, etcd, plain groups) still run node_exporter
        List<NodeGroup> groups = inv.allNodeGroups();
        for (NodeGroup grp : groups) {
            for (Node n : grp.nodes()) {
                Resolved r = inv.resolveNode(grp, n);
                if (nodeExporterEnabled(r) && nodeIps.add(n.ip())) {
                    String nodeIns = r.find(Params.NODENAME).orElse(n.ip());
                    out.add(target(ScrapeJob.NODE, r.get(Params.NODE_CLUSTER), nodeIns, n.ip(), nodeExporterPort(r)));
                    out.add(ping(r.get(Params.NODE_CLUSTER), nodeIns, n.ip()));
                }
            }
        }
        inv.etcd().ifPresent(grp -> grp.nodes().forEach(n -> {
            Resolved r = inv.resolveNode(grp, n);
            String ins = r.get(Params.ETCD_CLUSTER) + "-" + r.find(Params.ETCD_SEQ).map(String::valueOf).orElse(n.ip());
            out.add(target(ScrapeJob.ETCD, r.get(Params.ETCD_CLUSTER), ins, n.ip(), r.get(Params.ETCD_PORT)));
        }));
        inv.infra().ifPresent(grp -> grp.nodes().forEach(n -> {
            Resolved r = inv.resolveNode(grp, n);
            String ins = infraName(r, n);
            for (Map.Entry<String, Integer> svc : infraServices(r).entrySet()) {
                ScrapeTarget t = target(ScrapeJob.INFRA, "infra", ins, n.ip(), svc.getValue());
                SortedMap<String, String> labels = new TreeMap<>(t.labels());
                labels.put("service", svc.getKey());
                out.add(new ScrapeTarget(ScrapeJob.INFRA, ins + "-" + svc.getKey(), t.address(), labels));
            }
        }));
        out.sort(Comparator.comparing((ScrapeTarget t) -> t.job().ordinal()).thenComparing(ScrapeTarget::ins));
        Set<String> files = new LinkedHashSet<>();
        for (ScrapeTarget t : out) {
            if (!files.add(t.fileName())) {
                throw new PigstyException("two targets would share the file " + t.fileName()
                        + " (instance or node names must be unique)");
            }
        }
        return List.copyOf(out);
    }

    /**
     * @param r    the infra node's vars
     * @param node the infra node
     * @return its Pigsty name, {@code infra-<infra_seq>}
     */
    static String infraName(Resolved r, Node node) {
        return "infra-" + r.find(Params.INFRA_SEQ).map(String::valueOf).orElse(node.ip());
    }

    /**
     * @param r an infra node's vars
     * @return the services the {@code infra} playbook runs there and that serve {@code /metrics}, with their ports
     */
    static SortedMap<String, Integer> infraServices(Resolved r) {
        SortedMap<String, Integer> out = new TreeMap<>();
        if (r.get(Params.VMETRICS_ENABLED)) {
            out.put("victoria-metrics", r.get(Params.VMETRICS_PORT));
            out.put("vmalert", r.get(Params.VMALERT_PORT));
        } else if (r.get(Params.PROMETHEUS_ENABLED)) {
            out.put("prometheus", r.get(Params.PROMETHEUS_PORT));
        }
        if (r.get(Params.ALERTMANAGER_ENABLED)) {
            out.put("alertmanager", r.get(Params.ALERTMANAGER_PORT));
        }
        if (r.get(Params.BLACKBOX_ENABLED)) {
            out.put("blackbox", r.get(Params.BLACKBOX_PORT));
        }
        return out;
    }

    private static ScrapeTarget ping(String cls, String ins, String ip) {
        SortedMap<String, String> labels = new TreeMap<>();
        labels.put("cls", cls);
        labels.put("ins", ins);
        labels.put("ip", ip);
        labels.put("job", ScrapeJob.PING.jobName());
        return new ScrapeTarget(ScrapeJob.PING, ins, ip, labels);
    }

    // node_exporter_* are Pigsty NODE_EXPORTER parameters the model does not type (yet): read raw
    static boolean nodeExporterEnabled(Resolved r) {
        return r.raw("node_exporter_enabled").map(v -> !"false".equalsIgnoreCase(String.valueOf(v))).orElse(true);
    }

    static int nodeExporterPort(Resolved r) {
        Object v = r.raw("node_exporter_port").orElse(9100);
        try {
            return v instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new PigstyException("node_exporter_port must be a port number, got '" + v + "'");
        }
    }

    private static ScrapeTarget target(ScrapeJob job, String cls, String ins, String ip, int port) {
        SortedMap<String, String> labels = new TreeMap<>();
        labels.put("cls", cls);
        labels.put("ins", ins);
        labels.put("ip", ip);
        labels.put("job", job.jobName());
        String host = ip.contains(":") ? "[" + ip + "]" : ip;
        return new ScrapeTarget(job, ins, host + ":" + port, labels);
    }

    /**
     * @param option   the builder option's name
     * @param given    the option's value, or null when not given
     * @param key      the inventory key the default comes from (null: a fixed default)
     * @param fallback the default
     * @return the value used (checked into {@code problems})
     */
    private static String duration(MonitorInventoryRules.Problems problems, String option, String given, String key,
            String fallback) {
        String v = given != null ? given : fallback;
        MonitorInventoryRules.durationProblem(v).ifPresent(r -> problems.add(given == null, given == null ? key : option, r));
        return v;
    }

    private static String dir(MonitorInventoryRules.Problems problems, String option, String given, String key,
            String fallback) {
        String v = given != null ? given : fallback;
        java.util.Optional<String> bad = MonitorInventoryRules.dirProblem(v);
        bad.ifPresent(r -> problems.add(given == null, given == null ? key : option, r));
        return bad.isPresent() || v.length() == 1 || !v.endsWith("/") ? v : v.substring(0, v.length() - 1);
    }

    /** @return global scrape interval, e.g. {@code 10s} */
    public String scrapeInterval() {
        return scrapeInterval;
    }

    /** @return global scrape timeout, e.g. {@code 8s} */
    public String scrapeTimeout() {
        return scrapeTimeout;
    }

    /** @return global rule evaluation interval */
    public String evaluationInterval() {
        return evaluationInterval;
    }

    /** @return file_sd {@code refresh_interval} */
    public String sdRefreshInterval() {
        return sdRefreshInterval;
    }

    /** @return the targets directory {@code prometheus.yml} refers to */
    public String targetsDir() {
        return targetsDir;
    }

    /** @return the rules directory {@code prometheus.yml} refers to */
    public String rulesDir() {
        return rulesDir;
    }

    /** @return Alertmanager {@code host:port}s, empty for none */
    public List<String> alertmanagers() {
        return alertmanagers;
    }

    /** @return every target, ordered by job then instance name */
    public List<ScrapeTarget> targets() {
        return targets;
    }

    /**
     * @param cluster a cluster of the inventory
     * @return the targets its {@code pgsql} playbook registers: its members' exporters, nodes and VIP
     */
    public List<ScrapeTarget> targetsOf(String cluster) {
        return byOwner.getOrDefault(cluster, List.of());
    }

    /** @return the targets no cluster owns, which the {@code infra} playbook registers: infra, etcd, other nodes */
    public List<ScrapeTarget> sharedTargets() {
        return targets.stream().filter(t -> !owner.containsKey(t.fileName())).toList();
    }

    /** @return remote-write URLs, empty for none */
    public List<String> remoteWrite() {
        return remoteWrite;
    }

    /**
     * @param job a job
     * @return the file_sd glob of that job, e.g. {@code /etc/prometheus/targets/pgsql/*.yml}
     */
    public String targetGlob(ScrapeJob job) {
        return targetsDir + "/" + job.jobName() + "/*.yml";
    }

    /** @return whether the scrape config is written for VictoriaMetrics ({@code vmetrics_enabled}) */
    public boolean victoriaMetrics() {
        return victoria;
    }

    /**
     * The text of {@code prometheus.yml}. For VictoriaMetrics ({@link #victoriaMetrics()}) it is the
     * subset VictoriaMetrics' strict parser accepts: no rule files, alerting or remote write (vmalert
     * does rules and alerting) and no file_sd refresh interval ({@code -promscrape.fileSDCheckInterval}).
     *
     * @return the scrape configuration
     */
    public String prometheusYml() {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> global = new LinkedHashMap<>();
        global.put("scrape_interval", scrapeInterval);
        global.put("scrape_timeout", scrapeTimeout);
        if (!victoria) {
            global.put("evaluation_interval", evaluationInterval);
        }
        root.put("global", global);
        if (victoria) {
            root.put("scrape_configs", scrapeConfigs(false));
            return "# scrape config for VictoriaMetrics generated by pigsty-java from the inventory: do not edit, regenerate\n"
                    + yaml(root);
        }
        if (!alertmanagers.isEmpty()) {
            root.put("alerting", Map.of("alertmanagers", List.of(Map.of(
                    "static_configs", List.of(Map.of("targets", alertmanagers))))));
        }
        root.put("rule_files", List.of(rulesDir + "/*.yml"));
        root.put("scrape_configs", scrapeConfigs(true));
        if (!remoteWrite.isEmpty()) {
            root.put("remote_write", remoteWrite.stream().map(u -> Map.of("url", u)).toList());
        }
        return "# prometheus.yml generated by pigsty-java from the inventory: do not edit, regenerate\n"
                + yaml(root);
    }

    private List<Object> scrapeConfigs(boolean refreshInterval) {
        List<Object> jobs = new ArrayList<>();
        for (ScrapeJob job : ScrapeJob.values()) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("job_name", job.jobName());
            j.put("metrics_path", job == ScrapeJob.PING ? "/probe" : "/metrics");
            if (job == ScrapeJob.PING) {
                j.put("params", Map.of("module", List.of("icmp")));
            }
            Map<String, Object> sd = new LinkedHashMap<>();
            sd.put("files", List.of(targetGlob(job)));
            if (refreshInterval) {
                sd.put("refresh_interval", sdRefreshInterval);
            }
            j.put("file_sd_configs", List.of(sd));
            if (job == ScrapeJob.ETCD && !caFile.isEmpty()) {
                // etcd serves /metrics on its client port, which speaks TLS once the deployment has a CA
                j.put("scheme", "https");
                Map<String, Object> tls = new LinkedHashMap<>();
                tls.put("ca_file", caFile);
                if (!clientCertFile.isEmpty()) {
                    // etcd with client-cert-auth demands a certificate of the CA from every client
                    tls.put("cert_file", clientCertFile);
                    tls.put("key_file", clientKeyFile);
                }
                j.put("tls_config", tls);
            }
            if (job == ScrapeJob.PATRONI && !caFile.isEmpty()) {
                // used by the targets whose __scheme__ is https (patroni_ssl_enabled); plain ones ignore it
                j.put("tls_config", Map.of("ca_file", caFile));
            }
            if (job == ScrapeJob.PING) {
                // the target file holds the address to ping; the scrape goes to this node's blackbox exporter
                j.put("relabel_configs", List.of(
                        relabel(List.of("__address__"), "__param_target", null),
                        relabel(List.of("__param_target"), "instance", null),
                        relabel(null, "__address__", "127.0.0.1:" + blackboxPort)));
            }
            jobs.add(j);
        }
        return jobs;
    }

    private static Map<String, Object> relabel(List<String> source, String target, String replacement) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (source != null) {
            m.put("source_labels", source);
        }
        m.put("target_label", target);
        if (replacement != null) {
            m.put("replacement", replacement);
        }
        return m;
    }

    /**
     * @param target one of {@link #targets()}
     * @return the text of its file_sd file: one target group with Pigsty's labels
     */
    public String targetFile(ScrapeTarget target) {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("labels", target.labels());
        group.put("targets", List.of(target.address()));
        return "# " + target.ins() + " " + target.job().jobName() + " @ " + target.labels().get("ip")
                + ", generated by pigsty-java\n" + yaml(List.of(group));
    }

    /**
     * @param job a job
     * @param ins an instance name
     * @return that instance's target for that job, empty when the job is disabled for it
     */
    public Optional<ScrapeTarget> target(ScrapeJob job, String ins) {
        return targets.stream().filter(t -> t.job() == job && t.ins().equals(ins)).findFirst();
    }

    /** @return the bundled rule files as {@code rules/<name>} to content */
    public static SortedMap<String, String> ruleFiles() {
        SortedMap<String, String> out = new TreeMap<>();
        for (String f : RULE_FILES) {
            out.put("rules/" + f, resource(RULES_RESOURCE + f));
        }
        return out;
    }

    static String resource(String relative) {
        try (InputStream in = PrometheusArtifacts.class.getResourceAsStream(relative)) {
            if (in == null) {
                throw new IllegalStateException("bundled resource missing: " + relative);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return every file: {@code prometheus.yml}, {@code rules/*}, {@code targets/<job>/<ins>.yml} */
    public ArtifactFiles artifacts() {
        Map<String, String> out = new TreeMap<>();
        out.put("prometheus.yml", prometheusYml());
        out.putAll(ruleFiles());
        for (ScrapeTarget t : targets) {
            out.put("targets/" + t.fileName(), targetFile(t));
        }
        return ArtifactFiles.of(out);
    }

    /** @return relative path to content, sorted: the dry run of {@link #writeTo(Path)} */
    public SortedMap<String, String> files() {
        return artifacts().asMap();
    }

    /**
     * Writes {@link #files()} below {@code dir}, each file atomically (see
     * {@link ArtifactFiles#writeTo(Path)}). Target files of instances no longer in the inventory
     * are not deleted: the directory may hold targets managed by someone else.
     *
     * @param dir the Prometheus configuration directory
     * @return relative paths of the files created or changed
     */
    public List<String> writeTo(Path dir) {
        return artifacts().writeTo(dir);
    }

    /**
     * Target files below {@code dir/targets/<job>/} that this inventory does not generate: the
     * members removed from the inventory since the last write. Deregistering them is deleting
     * them; that is left to the caller because the directory may be shared with other tools.
     *
     * @param dir the directory previously given to {@link #writeTo(Path)}
     * @return relative paths such as {@code targets/pgsql/pg-test-3.yml}, sorted; empty when
     *         there is no targets directory
     * @throws UncheckedIOException when a directory cannot be listed
     */
    public List<String> staleTargetFiles(Path dir) {
        Set<String> current = files().keySet();
        List<String> out = new ArrayList<>();
        for (ScrapeJob job : ScrapeJob.values()) {
            Path jobDir = dir.resolve("targets").resolve(job.jobName());
            if (!Files.isDirectory(jobDir)) {
                continue;
            }
            try (Stream<Path> s = Files.list(jobDir)) {
                s.map(f -> f.getFileName().toString())
                        .filter(n -> n.endsWith(".yml") && !n.startsWith("."))
                        .map(n -> "targets/" + job.jobName() + "/" + n)
                        .filter(rel -> !current.contains(rel))
                        .forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + jobDir + ": " + e.getMessage(), e);
            }
        }
        out.sort(null);
        return List.copyOf(out);
    }

    private static String yaml(Object value) {
        try {
            return YAML.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write YAML", e);
        }
    }

    /** Builder of {@link PrometheusArtifacts}; unset options take the inventory's or Pigsty's defaults. */
    public static final class Builder {
        private final Inventory inventory;
        private String scrapeInterval;
        private String scrapeTimeout;
        private String evaluationInterval;
        private String sdRefreshInterval;
        private String targetsDir;
        private String rulesDir;
        private List<String> alertmanagers;
        private List<String> remoteWrite;
        private Boolean victoria;
        private String caFile;
        private String clientCertFile;
        private String clientKeyFile;

        private Builder(Inventory inventory) {
            this.inventory = Objects.requireNonNull(inventory, "inventory");
        }

        /**
         * @param v global scrape interval (default {@code prometheus_scrape_interval}, 10s)
         * @return this
         */
        public Builder scrapeInterval(String v) {
            scrapeInterval = Objects.requireNonNull(v);
            return this;
        }

        /**
         * @param v global scrape timeout (default {@code prometheus_scrape_timeout}, 8s)
         * @return this
         */
        public Builder scrapeTimeout(String v) {
            scrapeTimeout = Objects.requireNonNull(v);
            return this;
        }

        /**
         * @param v rule evaluation interval (default: the scrape interval, as Pigsty)
         * @return this
         */
        public Builder evaluationInterval(String v) {
            evaluationInterval = Objects.requireNonNull(v);
            return this;
        }

        /**
         * @param v file_sd refresh interval (default {@code prometheus_sd_interval}, 5s)
         * @return this
         */
        public Builder sdRefreshInterval(String v) {
            sdRefreshInterval = Objects.requireNonNull(v);
            return this;
        }

        /**
         * @param v directory of the target files as {@code prometheus.yml} names it (default
         *          {@code prometheus_sd_dir}, {@code /etc/prometheus/targets}); relative paths are
         *          resolved by Prometheus against the config file's directory
         * @return this
         */
        public Builder targetsDir(String v) {
            targetsDir = Objects.requireNonNull(v);
            return this;
        }

        /**
         * @param v directory of the rule files as {@code prometheus.yml} names it (default
         *          {@code /etc/prometheus/rules}); may be relative like {@link #targetsDir}
         * @return this
         */
        public Builder rulesDir(String v) {
            rulesDir = Objects.requireNonNull(v);
            return this;
        }

        /**
         * @param hostPorts Alertmanager addresses (default: every infra node on
         *                  {@code alertmanager_port}); empty for no {@code alerting} section
         * @return this
         */
        public Builder alertmanagers(List<String> hostPorts) {
            alertmanagers = List.copyOf(hostPorts);
            return this;
        }

        /**
         * @param v write the scrape config for VictoriaMetrics (default {@code vmetrics_enabled})
         * @return this
         */
        public Builder victoriaMetrics(boolean v) {
            victoria = v;
            return this;
        }

        /**
         * @param caFile the CA certificate on the TSDB's node that TLS targets are verified with
         *               ({@code /etc/pki/ca.crt} when the PKI module is registered): the etcd job then
         *               scrapes over HTTPS, and so do the Patroni members of clusters with
         *               {@code patroni_ssl_enabled}. Default: none, etcd over plain HTTP.
         * @return this
         */
        public Builder caFile(String caFile) {
            Objects.requireNonNull(caFile, "caFile");
            if (!caFile.startsWith("/") || caFile.chars().anyMatch(ch -> ch < 0x20 || ch == '"')) {
                throw new io.pigsty.model.InvalidValueException("caFile", caFile, "must be an absolute path on the TSDB's node");
            }
            this.caFile = caFile;
            return this;
        }

        /**
         * @param certFile the TSDB's client certificate on its node, shown to etcd (which demands one
         *                 with the PKI module); used with {@link #caFile}
         * @param keyFile  its private key, readable by the TSDB's user
         * @return this
         */
        public Builder etcdClientCertificate(String certFile, String keyFile) {
            for (String[] f : List.of(new String[] {"certFile", certFile}, new String[] {"keyFile", keyFile})) {
                Objects.requireNonNull(f[1], f[0]);
                if (!f[1].startsWith("/") || f[1].chars().anyMatch(ch -> ch < 0x20 || ch == '"')) {
                    throw new io.pigsty.model.InvalidValueException(f[0], f[1], "must be an absolute path on the TSDB's node");
                }
            }
            this.clientCertFile = certFile;
            this.clientKeyFile = keyFile;
            return this;
        }

        /**
         * @param urls remote-write URLs (default {@code prometheus_remote_write}); empty for none
         * @return this
         */
        public Builder remoteWrite(List<String> urls) {
            remoteWrite = List.copyOf(urls);
            return this;
        }

        /**
         * @return the artifacts
         * @throws io.pigsty.model.ValidationException   when a value taken from the inventory is malformed
         *                                               (every one, at its path: durations, a timeout longer
         *                                               than the interval, globs in directories, remote write URLs)
         * @throws io.pigsty.model.InvalidValueException when an option given to this builder is malformed
         */
        public PrometheusArtifacts build() {
            return new PrometheusArtifacts(this);
        }
    }
}
