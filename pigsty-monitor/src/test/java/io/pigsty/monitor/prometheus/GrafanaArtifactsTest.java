package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.model.Inventory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grafana is not available on Debian 12, so the dashboards are validated structurally: what
 * Grafana needs to load them, and that every query only uses metrics that exist and variables
 * that are defined.
 */
class GrafanaArtifactsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    // variables Grafana itself defines
    static final Set<String> GLOBAL_VARS = Set.of("__rate_interval", "__interval", "__range", "__interval_ms",
            "__range_s", "__dashboard", "__from", "__to");

    static List<JsonNode> dashboards() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String uid : GrafanaArtifacts.DASHBOARD_UIDS) {
            out.add(JSON.readTree(GrafanaArtifacts.dashboard(uid)));
        }
        return out;
    }

    @Test
    void dashboardsAreClassicModelWithStableUniqueUids() throws Exception {
        Set<String> uids = new HashSet<>();
        for (JsonNode d : dashboards()) {
            String uid = d.get("uid").asText();
            assertThat(uids.add(uid)).as("duplicate uid " + uid).isTrue();
            assertThat(GrafanaArtifacts.DASHBOARD_UIDS).contains(uid);
            assertThat(uid).matches("[a-z0-9-]{1,40}");
            assertThat(d.get("id").isNull()).as(uid + ": id must be null in a file").isTrue();
            assertThat(d.get("schemaVersion").asInt()).isEqualTo(39);
            assertThat(d.get("title").asText()).isNotBlank();
            assertThat(d.at("/templating/list").isArray()).isTrue();
            assertThat(d.get("panels").size()).isGreaterThan(5);
        }
        assertThat(uids).containsExactlyInAnyOrderElementsOf(GrafanaArtifacts.DASHBOARD_UIDS);
    }

    @Test
    void everyDashboardHasTheDatasourceVariableAndItsQueryVariables() throws Exception {
        for (JsonNode d : dashboards()) {
            String uid = d.get("uid").asText();
            JsonNode ds = variable(d, "datasource");
            assertThat(ds).as(uid + " datasource variable").isNotNull();
            assertThat(ds.get("type").asText()).isEqualTo("datasource");
            assertThat(ds.get("query").asText()).isEqualTo("prometheus");
            assertThat(ds.at("/current/value").asText()).isEqualTo(GrafanaArtifacts.DATASOURCE_UID);
            for (JsonNode v : d.at("/templating/list")) {
                if (v.get("type").asText().equals("query")) {
                    assertThat(v.at("/datasource/uid").asText()).isEqualTo("${datasource}");
                    String q = v.at("/query/query").asText();
                    assertThat(q).isEqualTo(v.get("definition").asText()).matches("label_values\\(.+, *[a-z_]+\\)");
                }
            }
        }
        assertThat(variable(byUid("pgsql-cluster"), "cls")).isNotNull();
        assertThat(variable(byUid("pgsql-instance"), "ins")).isNotNull();
        assertThat(variable(byUid("pgsql-database"), "datname")).isNotNull();
    }

    @Test
    void panelIdsAreUniqueAndGridPositionsFitAndDoNotOverlap() throws Exception {
        for (JsonNode d : dashboards()) {
            String uid = d.get("uid").asText();
            Set<Integer> ids = new HashSet<>();
            List<int[]> boxes = new ArrayList<>();
            for (JsonNode p : d.get("panels")) {
                assertThat(ids.add(p.get("id").asInt())).as(uid + ": duplicate panel id " + p.get("id")).isTrue();
                JsonNode g = p.get("gridPos");
                int x = g.get("x").asInt();
                int y = g.get("y").asInt();
                int w = g.get("w").asInt();
                int h = g.get("h").asInt();
                assertThat(x).as(uid + " " + p.get("title")).isBetween(0, 23);
                assertThat(w).isPositive();
                assertThat(h).isPositive();
                assertThat(y).isNotNegative();
                assertThat(x + w).as(uid + " " + p.get("title") + " exceeds 24 columns").isLessThanOrEqualTo(24);
                for (int[] b : boxes) {
                    boolean overlap = x < b[0] + b[2] && b[0] < x + w && y < b[1] + b[3] && b[1] < y + h;
                    assertThat(overlap).as(uid + ": " + p.get("title") + " overlaps another panel").isFalse();
                }
                boxes.add(new int[] {x, y, w, h});
            }
        }
    }

    @Test
    void everyPanelButRowsQueriesPrometheusWithRefIdsAndExpressions() throws Exception {
        for (JsonNode d : dashboards()) {
            for (JsonNode p : d.get("panels")) {
                if (p.get("type").asText().equals("row")) {
                    assertThat(p.has("targets")).isFalse();
                    continue;
                }
                String where = d.get("uid").asText() + " / " + p.get("title").asText();
                assertThat(p.get("type").asText()).as(where).isIn("timeseries", "stat", "gauge", "table", "bargauge");
                assertThat(p.at("/datasource/uid").asText()).as(where).isEqualTo("${datasource}");
                JsonNode targets = p.get("targets");
                assertThat(targets).as(where).isNotNull();
                assertThat(targets.size()).as(where).isPositive();
                Set<String> refIds = new HashSet<>();
                for (JsonNode t : targets) {
                    assertThat(t.path("expr").asText()).as(where).isNotBlank();
                    assertThat(refIds.add(t.path("refId").asText())).as(where + " refIds unique").isTrue();
                    assertThat(t.path("refId").asText()).as(where).matches("[A-Z]");
                }
            }
        }
    }

    @Test
    void everyExpressionUsesKnownMetricsAndDefinedVariables() throws Exception {
        Set<String> allowed = MetricContract.allowed();
        Set<String> used = new TreeSet<>();
        for (JsonNode d : dashboards()) {
            String uid = d.get("uid").asText();
            Set<String> defined = new TreeSet<>(GLOBAL_VARS);
            List<String> exprs = new ArrayList<>();
            for (JsonNode v : d.at("/templating/list")) {
                defined.add(v.get("name").asText());
                if (v.get("type").asText().equals("query")) {
                    String q = v.at("/query/query").asText();
                    // label_values(<selector>, label): only the selector is PromQL
                    exprs.add(q.substring("label_values(".length(), q.lastIndexOf(',')));
                }
            }
            for (JsonNode p : d.get("panels")) {
                for (JsonNode t : p.path("targets")) {
                    exprs.add(t.get("expr").asText());
                }
            }
            for (String e : exprs) {
                PromqlNames.Refs r;
                try {
                    r = PromqlNames.parse(e);
                } catch (IllegalArgumentException ex) {
                    fail(uid + ": cannot read " + e + ": " + ex.getMessage());
                    return;
                }
                assertThat(r.metrics()).as(uid + ": " + e).isNotEmpty().isSubsetOf(allowed);
                assertThat(r.variables()).as(uid + ": " + e + " uses an undefined variable").isSubsetOf(defined);
                used.addAll(r.metrics());
            }
        }
        assertThat(used).contains("pg_up", "pg:ins:lag_bytes", "node_cpu_seconds_total", "patroni_postgres_running");
    }

    @Test
    void provisioningPointsAtPrometheusWithTheFixedUid() throws Exception {
        GrafanaArtifacts g = GrafanaArtifacts.of(Inventory.sample("sandbox"));
        JsonNode ds = PrometheusArtifactsTest.YAML.readTree(g.datasourceProvisioning());
        assertThat(ds.get("apiVersion").asInt()).isEqualTo(1);
        assertThat(ds.get("datasources")).hasSize(1);
        JsonNode d = ds.get("datasources").get(0);
        assertThat(d.get("type").asText()).isEqualTo("prometheus");
        assertThat(d.get("uid").asText()).isEqualTo(GrafanaArtifacts.DATASOURCE_UID);
        assertThat(d.get("url").asText()).isEqualTo("http://10.213.0.10:9090");
        assertThat(d.get("access").asText()).isEqualTo("proxy");
        assertThat(d.at("/jsonData/timeInterval").asText()).isEqualTo("10s");

        JsonNode dp = PrometheusArtifactsTest.YAML.readTree(g.dashboardProvisioning());
        assertThat(dp.get("apiVersion").asInt()).isEqualTo(1);
        JsonNode p = dp.get("providers").get(0);
        assertThat(p.get("type").asText()).isEqualTo("file");
        assertThat(p.at("/options/path").asText()).isEqualTo("/etc/grafana/dashboards/pigsty");
        assertThat(p.get("folder").asText()).isEqualTo("PGSQL");
    }

    @Test
    void filesAndOptions(@TempDir Path dir) throws Exception {
        GrafanaArtifacts g = GrafanaArtifacts.builder(Inventory.sample("sandbox"))
                .prometheusUrl("http://127.0.0.1:9090").dashboardsPath("/srv/dash").folder("Pigsty").build();
        assertThat(g.files().keySet()).containsExactly("dashboards/pgsql-cluster.json",
                "dashboards/pgsql-database.json", "dashboards/pgsql-instance.json", "dashboards/pgsql-overview.json",
                "provisioning/dashboards/pigsty.yml", "provisioning/datasources/pigsty.yml");
        assertThat(g.datasourceProvisioning()).contains("url: \"http://127.0.0.1:9090\"");
        assertThat(g.dashboardProvisioning()).contains("path: \"/srv/dash\"").contains("folder: \"Pigsty\"");
        assertThat(g.writeTo(dir)).hasSize(6);
        assertThat(dir.resolve("dashboards/pgsql-instance.json")).hasContent(GrafanaArtifacts.dashboard("pgsql-instance"));
        assertThatThrownBy(() -> GrafanaArtifacts.builder(Inventory.sample("sandbox")).prometheusUrl("ftp://x").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GrafanaArtifacts.builder(Inventory.sample("sandbox")).dashboardsPath("rel").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GrafanaArtifacts.dashboard("nope")).isInstanceOf(IllegalArgumentException.class);
    }

    private static JsonNode byUid(String uid) throws Exception {
        return JSON.readTree(GrafanaArtifacts.dashboard(uid));
    }

    private static JsonNode variable(JsonNode d, String name) {
        for (JsonNode v : d.at("/templating/list")) {
            if (v.get("name").asText().equals(name)) {
                return v;
            }
        }
        return null;
    }
}
