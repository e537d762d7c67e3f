package io.pigsty.monitor.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Structural checks of a classic Grafana dashboard, standing in for Grafana (not packaged for
 * Debian 12). Returns every problem found, so a test can also prove each check bites.
 */
final class DashboardLint {
    /** Variables Grafana defines itself. */
    static final Set<String> GLOBAL_VARS = Set.of("__rate_interval", "__interval", "__range", "__interval_ms",
            "__range_s", "__dashboard", "__from", "__to");
    static final Set<String> PANEL_TYPES = Set.of("row", "timeseries", "stat", "gauge", "table", "bargauge");

    private DashboardLint() {
    }

    /**
     * @param d       dashboard JSON
     * @param metrics metric names expressions may use
     * @return problems, empty when the dashboard is fine
     */
    static List<String> problems(JsonNode d, Set<String> metrics) {
        List<String> out = new ArrayList<>();
        String uid = d.path("uid").asText("");
        if (!uid.matches("[a-z0-9-]{1,40}")) {
            out.add("uid '" + uid + "' is not a stable short slug");
        }
        if (!d.path("id").isNull()) {
            out.add(uid + ": id must be null in a provisioned file");
        }
        if (d.path("schemaVersion").asInt() != 39) {
            out.add(uid + ": schemaVersion must be 39");
        }
        Set<String> defined = new TreeSet<>(GLOBAL_VARS);
        List<String[]> exprs = new ArrayList<>(); // where, expr
        boolean hasDatasourceVar = false;
        for (JsonNode v : d.path("templating").path("list")) {
            String name = v.path("name").asText();
            if (!defined.add(name)) {
                out.add(uid + ": variable " + name + " defined twice");
            }
            String type = v.path("type").asText();
            if (type.equals("datasource") && name.equals("datasource") && v.path("query").asText().equals("prometheus")) {
                hasDatasourceVar = true;
            }
            if (type.equals("query")) {
                String q = v.path("query").path("query").asText(v.path("query").asText());
                if (!q.matches("label_values\\(.+,\\s*[a-zA-Z_][a-zA-Z0-9_]*\\)")) {
                    out.add(uid + ": variable " + name + " is not label_values(selector, label): " + q);
                } else {
                    exprs.add(new String[] {"variable " + name, q.substring("label_values(".length(), q.lastIndexOf(','))});
                }
                if (!v.path("datasource").path("uid").asText().equals("${datasource}")) {
                    out.add(uid + ": variable " + name + " must query ${datasource}");
                }
            }
        }
        if (!hasDatasourceVar) {
            out.add(uid + ": no 'datasource' variable of type datasource for prometheus");
        }
        Set<Integer> ids = new HashSet<>();
        List<int[]> boxes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (JsonNode p : d.path("panels")) {
            String title = p.path("title").asText();
            String where = uid + " / " + title;
            if (!ids.add(p.path("id").asInt(-1)) || p.path("id").asInt(-1) < 0) {
                out.add(where + ": panel id " + p.path("id") + " missing or not unique");
            }
            String type = p.path("type").asText();
            if (!PANEL_TYPES.contains(type)) {
                out.add(where + ": unknown panel type " + type);
            }
            JsonNode g = p.path("gridPos");
            int x = g.path("x").asInt(-1);
            int y = g.path("y").asInt(-1);
            int w = g.path("w").asInt(0);
            int h = g.path("h").asInt(0);
            if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > 24) {
                out.add(where + ": gridPos " + g + " outside the 24-column grid");
            }
            for (int i = 0; i < boxes.size(); i++) {
                int[] b = boxes.get(i);
                if (x < b[0] + b[2] && b[0] < x + w && y < b[1] + b[3] && b[1] < y + h) {
                    out.add(where + ": overlaps " + names.get(i));
                }
            }
            boxes.add(new int[] {x, y, w, h});
            names.add(title);
            if (type.equals("row")) {
                continue; // a row is a header: it has no queries
            }
            if (!p.path("datasource").path("uid").asText().equals("${datasource}")) {
                out.add(where + ": datasource must be ${datasource}");
            }
            JsonNode targets = p.path("targets");
            if (!targets.isArray() || targets.isEmpty()) {
                out.add(where + ": no targets");
            }
            Set<String> refIds = new HashSet<>();
            for (JsonNode t : targets) {
                String refId = t.path("refId").asText("");
                if (!refId.matches("[A-Z]") || !refIds.add(refId)) {
                    out.add(where + ": refId '" + refId + "' missing or not unique");
                }
                String expr = t.path("expr").asText("");
                if (expr.isBlank()) {
                    out.add(where + ": empty expr");
                } else {
                    exprs.add(new String[] {where, expr});
                }
            }
        }
        for (String[] e : exprs) {
            try {
                PromqlNames.Refs r = PromqlNames.parse(e[1]);
                if (r.metrics().isEmpty()) {
                    out.add(e[0] + ": no metric in " + e[1]);
                }
                for (String m : r.metrics()) {
                    if (!metrics.contains(m)) {
                        out.add(e[0] + ": unknown metric " + m);
                    }
                }
                for (String v : r.variables()) {
                    if (!defined.contains(v)) {
                        out.add(e[0] + ": undefined variable $" + v);
                    }
                }
            } catch (IllegalArgumentException ex) {
                out.add(e[0] + ": unreadable expression: " + ex.getMessage());
            }
        }
        return out;
    }
}
