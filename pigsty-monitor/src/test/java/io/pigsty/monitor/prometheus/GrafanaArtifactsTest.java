package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.model.InvalidValueException;
import io.pigsty.model.Inventory;
import io.pigsty.model.ValidationException;
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
    void bundledDashboardsPassEveryStructuralCheck() throws Exception {
        Set<String> allowed = MetricContract.allowed();
        Set<String> used = new TreeSet<>();
        for (JsonNode d : dashboards()) {
            assertThat(DashboardLint.problems(d, allowed)).as(d.get("uid").asText()).isEmpty();
            for (JsonNode p : d.get("panels")) {
                for (JsonNode t : p.path("targets")) {
                    used.addAll(PromqlNames.parse(t.get("expr").asText()).metrics());
                }
            }
        }
        // the dashboards read all four sources: pg_exporter, recording rules, node_exporter, Patroni
        assertThat(used).contains("pg_up", "pg:ins:lag_bytes", "node_cpu_seconds_total", "patroni_postgres_running",
                "pgbouncer_pool_waiting_clients", "haproxy_server_status");
    }

    @Test
    void lintCatchesEachKindOfMistake() throws Exception {
        JsonNode broken = JSON.readTree(PromtoolTest.resource("broken-dashboard.json"));
        List<String> problems = DashboardLint.problems(broken, MetricContract.allowed());
        assertThat(problems).anyMatch(s -> s.contains("not a stable short slug"))
                .anyMatch(s -> s.contains("id must be null"))
                .anyMatch(s -> s.contains("schemaVersion must be 39"))
                .anyMatch(s -> s.contains("no 'datasource' variable"))
                .anyMatch(s -> s.contains("variable datname is not label_values"))
                .anyMatch(s -> s.contains("variable datname must query ${datasource}"))
                .anyMatch(s -> s.contains("variable ins: undefined variable $cls"))
                .anyMatch(s -> s.contains("duplicate id and overlap: panel id 1 missing or not unique"))
                .anyMatch(s -> s.contains("duplicate id and overlap: overlaps fine"))
                .anyMatch(s -> s.contains("too wide: gridPos"))
                .anyMatch(s -> s.contains("no refId: refId '' missing"))
                .anyMatch(s -> s.contains("empty expr: empty expr"))
                .anyMatch(s -> s.contains("unknown metric: unknown metric pg_made_up_total"))
                .anyMatch(s -> s.contains("undefined variable: undefined variable $nope"))
                .anyMatch(s -> s.contains("no targets: no targets"));
        // and nothing about the one correct panel
        assertThat(problems).noneMatch(s -> s.contains("/ fine:"));
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
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("prometheusUrl: the Prometheus URL must be http(s)://host:port, got 'ftp://x'");
        assertThatThrownBy(() -> GrafanaArtifacts.builder(Inventory.sample("sandbox")).dashboardsPath("rel").folder("a\"b")
                .build()).isInstanceOf(InvalidValueException.class)
                .hasMessage("dashboardsPath: must be an absolute path without blanks or quotes, got 'rel'")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().asString().contains("folder: must be a plain name"));
        assertThatThrownBy(() -> GrafanaArtifacts.dashboard("nope")).isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("uid: 'nope': no such bundled dashboard (known: [pgsql-overview");
        // from the inventory: a ValidationException at the key's path
        Inventory bad = Inventory.sample("sandbox").toBuilder().var("admin_ip", "10.0.0.1 x")
                .var("prometheus_scrape_interval", "ten").build();
        assertThatThrownBy(() -> GrafanaArtifacts.of(bad)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("all.vars.admin_ip: the Prometheus URL must be http(s)://host:port, got "
                        + "'http://10.0.0.1 x:9090'")
                .hasMessageContaining("all.vars.prometheus_scrape_interval: must be a Prometheus duration such as 10s or "
                        + "1m30s, got 'ten'");
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
