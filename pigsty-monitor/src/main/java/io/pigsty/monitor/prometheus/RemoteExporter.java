package io.pigsty.monitor.prometheus;

import io.pigsty.model.Inventory;
import io.pigsty.model.Node;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.Params;
import io.pigsty.model.Resolved;
import io.pigsty.model.Secret;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One monitor-only instance of Pigsty's {@code pg_exporters} section on the infra group (a remote or
 * cloud PostgreSQL that Pigsty does not manage): an exporter for it runs on each infra node on its
 * own local port and is registered in the {@code pgsql} job like a managed member. The inventory
 * rules ({@code MonitorRules}) have validated the section before this reads it.
 *
 * @param port local port of the exporter on the infra node (the map key)
 * @param cls  {@code pg_cluster}
 * @param seq  {@code pg_seq}
 * @param host {@code pg_host}, the {@code ip} label (the host part of {@code pg_exporter_url} when only that is given)
 * @param url  the libpq URL the exporter connects to: {@code pg_exporter_url}, or built from
 *             {@code pg_host}, {@code pg_port} and the monitor user
 */
public record RemoteExporter(int port, String cls, int seq, String host, Secret url) {
    /** Canonical constructor: rejects nulls. */
    public RemoteExporter {
        Objects.requireNonNull(cls, "cls");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(url, "url");
    }

    /** @return the instance name, {@code <cls>-<seq>} */
    public String ins() {
        return cls + "-" + seq;
    }

    /**
     * @param inv  the inventory
     * @param node an infra node
     * @return that node's remote instances, by port
     */
    public static List<RemoteExporter> of(Inventory inv, Node node) {
        NodeGroup infra = inv.infra().orElse(null);
        if (infra == null) {
            return List.of();
        }
        Resolved r = inv.resolveNode(infra, node);
        Optional<Object> raw = r.raw("pg_exporters");
        if (raw.isEmpty() || !(raw.get() instanceof Map<?, ?> m)) {
            return List.of();
        }
        List<RemoteExporter> out = new ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof Map<?, ?> v)) {
                continue;
            }
            int port = Integer.parseInt(String.valueOf(e.getKey()).trim());
            String cls = String.valueOf(v.get("pg_cluster"));
            int seq = Integer.parseInt(String.valueOf(v.get("pg_seq")).trim());
            String user = str(v, "pg_monitor_username").orElse(r.get(Params.PG_MONITOR_USERNAME));
            String pass = str(v, "pg_monitor_password").orElse(r.get(Params.PG_MONITOR_PASSWORD).reveal());
            Optional<String> given = str(v, "pg_exporter_url");
            String host = str(v, "pg_host").orElseGet(() -> hostOf(given.orElse("")));
            int pgPort = str(v, "pg_port").map(Integer::parseInt).orElse(5432);
            String url = given.orElseGet(() -> ExporterUnits.url(user, pass, host, pgPort, "postgres"));
            out.add(new RemoteExporter(port, cls, seq, host, Secret.of(url)));
        }
        out.sort(Comparator.comparingInt(RemoteExporter::port));
        return List.copyOf(out);
    }

    private static Optional<String> str(Map<?, ?> v, String k) {
        Object o = v.get(k);
        return o == null ? Optional.empty() : Optional.of(String.valueOf(o));
    }

    static String hostOf(String url) {
        String s = url.replaceFirst("^postgres(ql)?://", "");
        int at = s.lastIndexOf('@');
        s = at >= 0 ? s.substring(at + 1) : s;
        int end = s.length();
        for (char ch : new char[] {'/', '?'}) {
            int k = s.indexOf(ch);
            if (k >= 0 && k < end) {
                end = k;
            }
        }
        s = s.substring(0, end);
        int colon = s.lastIndexOf(':');
        return colon > 0 && !s.endsWith("]") ? s.substring(0, colon) : s.isEmpty() ? "unknown" : s;
    }

    @Override
    public String toString() {
        return "RemoteExporter[" + ins() + " " + host + " on :" + port + "]";
    }
}
