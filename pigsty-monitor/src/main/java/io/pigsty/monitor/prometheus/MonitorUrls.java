package io.pigsty.monitor.prometheus;

import io.pigsty.model.Inventory;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.Node;
import io.pigsty.model.Params;
import io.pigsty.model.Resolved;
import java.util.List;
import java.util.Optional;

/**
 * Where a deployment's monitoring answers, from the inventory alone: the TSDB's HTTP API
 * (Prometheus, or VictoriaMetrics with {@code vmetrics_enabled}; both speak the Prometheus query API
 * under {@code /api/v1/}) and Alertmanager, on the first infra node. What {@code sandbox up} prints.
 *
 * @param tsdb         base URL of the TSDB, e.g. {@code http://10.213.0.10:9090}
 * @param tsdbKind     {@code prometheus} or {@code victoria-metrics}
 * @param alertmanager base URL of Alertmanager, empty when disabled
 * @param blackbox     base URL of the blackbox exporter, empty when disabled
 */
public record MonitorUrls(String tsdb, String tsdbKind, Optional<String> alertmanager, Optional<String> blackbox) {
    /**
     * @param inv the inventory
     * @return the URLs, empty when the inventory has no infra node
     */
    public static Optional<MonitorUrls> of(Inventory inv) {
        Optional<NodeGroup> g = inv.infra();
        if (g.isEmpty() || g.get().nodes().isEmpty()) {
            return Optional.empty();
        }
        Node n = g.get().nodes().get(0);
        Resolved r = inv.resolveNode(g.get(), n);
        String host = "http://" + (n.ip().contains(":") ? "[" + n.ip() + "]" : n.ip()) + ":";
        boolean vm = r.get(Params.VMETRICS_ENABLED);
        String tsdb = host + (vm ? r.get(Params.VMETRICS_PORT) : r.get(Params.PROMETHEUS_PORT));
        Optional<String> am = r.get(Params.ALERTMANAGER_ENABLED)
                ? Optional.of(host + r.get(Params.ALERTMANAGER_PORT)) : Optional.empty();
        Optional<String> bb = r.get(Params.BLACKBOX_ENABLED) ? Optional.of(host + r.get(Params.BLACKBOX_PORT)) : Optional.empty();
        return Optional.of(new MonitorUrls(tsdb, vm ? "victoria-metrics" : "prometheus", am, bb));
    }

    /** @return lines for a console: the TSDB, a query showing every member, Alertmanager */
    public List<String> describe() {
        List<String> out = new java.util.ArrayList<>();
        out.add("TSDB (" + tsdbKind + "): " + tsdb + "   e.g. " + tsdb + "/api/v1/query?query=pg_up");
        alertmanager.ifPresent(a -> out.add("Alertmanager:      " + a + "   alerts: " + a + "/api/v2/alerts"));
        return List.copyOf(out);
    }
}
