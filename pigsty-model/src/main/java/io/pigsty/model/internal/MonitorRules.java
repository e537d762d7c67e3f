package io.pigsty.model.internal;

import io.pigsty.model.Inventory;
import io.pigsty.model.Names;
import io.pigsty.model.Node;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.Resolved;
import io.pigsty.model.Severity;
import io.pigsty.model.Violation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rules of the deployed monitoring (issue 13): Pigsty's monitor-only section {@code pg_exporters}
 * on the infra group ({@code {<local port>: {pg_cluster, pg_seq, pg_host, pg_port, pg_exporter_url}}}),
 * remote-write URLs, and the TSDB choice. Called once by {@link Validator}.
 */
public final class MonitorRules {
    /** Fields of one {@code pg_exporters} entry. */
    public static final Set<String> EXPORTER_FIELDS = Set.of("pg_cluster", "pg_seq", "pg_host", "pg_port",
            "pg_exporter_url", "pg_monitor_username", "pg_monitor_password", "pg_databases");
    private static final Pattern URL = Pattern.compile("https?://[^\\s\"']+");
    private static final Pattern PG_URL = Pattern.compile("postgres(ql)?://[^\\s\"']+");

    private MonitorRules() {
    }

    /**
     * @param inv the inventory
     * @param out where findings go
     */
    public static void check(Inventory inv, List<Violation> out) {
        Resolved g = inv.resolveGlobal();
        List<String> rw = g.find(Params.PROMETHEUS_REMOTE_WRITE).orElse(List.of());
        for (int i = 0; i < rw.size(); i++) {
            if (!URL.matcher(rw.get(i)).matches()) {
                out.add(new Violation("all.vars.prometheus_remote_write[" + i + "]", "must be an http(s):// URL such as "
                        + "http://vm:8428/api/v1/write, got '" + rw.get(i) + "'", Severity.ERROR));
            }
        }
        if (!rw.isEmpty() && g.get(Params.VMETRICS_ENABLED)) {
            out.add(new Violation("all.vars.prometheus_remote_write", "remote write is done by Prometheus; with "
                    + "vmetrics_enabled the single-node VictoriaMetrics cannot forward samples: use Prometheus "
                    + "(vmetrics_enabled: false) or point the other TSDB at this one", Severity.ERROR));
        }
        NodeGroup infra = inv.infra().orElse(null);
        Set<String> managed = new HashSet<>();
        for (PgCluster c : inv.clusters()) {
            for (PgInstance i : c.instances()) {
                managed.add(Names.instance(c.name(), i.seq()));
            }
        }
        if (infra == null) {
            if (inv.vars().has("pg_exporters")) {
                out.add(new Violation("all.vars.pg_exporters", "remote exporters run on the infra group: define an "
                        + "'infra' group and put pg_exporters in its vars", Severity.ERROR));
            }
            return;
        }
        for (Node n : infra.nodes()) {
            Optional<Object> raw = inv.resolveNode(infra, n).raw("pg_exporters");
            if (raw.isEmpty()) {
                continue;
            }
            String base = n.vars().has("pg_exporters") ? "all.children.infra.hosts." + n.ip() + ".pg_exporters"
                    : "all.children.infra.vars.pg_exporters";
            checkExporters(base, raw.get(), managed, out);
            if (!n.vars().has("pg_exporters")) {
                break; // group-level: the same map for every infra node, report once
            }
        }
    }

    private static void checkExporters(String base, Object raw, Set<String> managed, List<Violation> out) {
        if (!(raw instanceof Map<?, ?> m)) {
            out.add(new Violation(base, "must be a map {<local port>: {pg_cluster, pg_seq, pg_host}}, got "
                    + Codec.describe(raw), Severity.ERROR));
            return;
        }
        Map<String, String> seen = new HashMap<>();
        Set<Integer> reserved = Set.of(9090, 9093, 9094, 9100, 9115, 9630, 9631, 8428, 8880, 2379, 2380, 5432, 6432, 8008);
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String p = base + "." + e.getKey();
            int port = -1;
            try {
                port = Integer.parseInt(String.valueOf(e.getKey()).trim());
            } catch (NumberFormatException ex) {
                // reported below
            }
            if (port < 1024 || port > 65535) {
                out.add(new Violation(p, "key must be an unused local port 1024-65535 for this exporter, got '"
                        + e.getKey() + "'", Severity.ERROR));
            } else if (reserved.contains(port)) {
                out.add(new Violation(p, "port " + port + " is taken by another Pigsty component on the infra node; "
                        + "Pigsty's examples use 20001 and up", Severity.ERROR));
            }
            if (!(e.getValue() instanceof Map<?, ?> v)) {
                out.add(new Violation(p, "must be a map {pg_cluster, pg_seq, pg_host}, got " + Codec.describe(e.getValue()),
                        Severity.ERROR));
                continue;
            }
            for (Object k : v.keySet()) {
                if (!EXPORTER_FIELDS.contains(String.valueOf(k))) {
                    out.add(new Violation(p + "." + k, "unknown field (known: " + String.join(", ",
                            new java.util.TreeSet<>(EXPORTER_FIELDS)) + ")", Severity.WARNING));
                }
            }
            Object cls = v.get("pg_cluster");
            if (cls == null || !Validator.CLUSTER_NAME.matcher(String.valueOf(cls)).matches()) {
                out.add(new Violation(p + ".pg_cluster", "required: a cluster name like pg-foo, got "
                        + (cls == null ? "nothing" : "'" + cls + "'"), Severity.ERROR));
            }
            Object seq = v.get("pg_seq");
            boolean seqOk = seq instanceof Integer s && s >= 0 || seq instanceof String str && str.matches("\\d+");
            if (!seqOk) {
                out.add(new Violation(p + ".pg_seq", "required: a non-negative integer, got "
                        + (seq == null ? "nothing" : "'" + seq + "'"), Severity.ERROR));
            }
            Object url = v.get("pg_exporter_url");
            Object host = v.get("pg_host");
            if (url == null && (host == null || String.valueOf(host).isBlank())) {
                out.add(new Violation(p + ".pg_host", "required (the remote instance's address) unless pg_exporter_url "
                        + "is given", Severity.ERROR));
            }
            if (url != null && !PG_URL.matcher(String.valueOf(url)).matches()) {
                // the value is not echoed: a connection URL may hold a password
                out.add(new Violation(p + ".pg_exporter_url", "must be a postgres://user:password@host:port/db URL "
                        + "(value not shown)", Severity.ERROR));
            }
            Object pgPort = v.get("pg_port");
            if (pgPort != null && !(pgPort instanceof Integer pp && pp > 0 && pp < 65536)) {
                out.add(new Violation(p + ".pg_port", "must be a port number, got '" + pgPort + "'", Severity.ERROR));
            }
            if (cls != null && seqOk) {
                String ins = cls + "-" + seq;
                String before = seen.put(ins, String.valueOf(e.getKey()));
                if (before != null) {
                    out.add(new Violation(p, ins + " is already monitored on port " + before, Severity.ERROR));
                }
                if (managed.contains(ins)) {
                    out.add(new Violation(p, ins + " is a managed instance of this inventory: it is monitored by its "
                            + "own exporter already; remote exporters are for instances Pigsty does not manage",
                            Severity.ERROR));
                }
            }
        }
    }
}
