package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardQueriesTest {
    static final Map<String, String> PG_TEST = Map.of("cls", "pg-test", "ins", "pg-test-1", "datname", "test",
            "datasource", "ds-prometheus");

    @Test
    void extractsEveryTargetOfNestedPanelsWithVariablesFilled() {
        String json = """
                {"uid": "d1", "templating": {"list": [{"name": "datasource"}, {"name": "cls"}, {"name": "ins"}]},
                 "panels": [
                   {"type": "stat", "title": "Up", "targets": [{"refId": "A", "expr": "sum(pg_up{cls=\\"$cls\\"})"}]},
                   {"type": "row", "title": "Row", "panels": [
                     {"type": "timeseries", "title": "TPS", "targets": [
                       {"refId": "A", "expr": "rate(pg_db_xact_commit{ins=\\"${ins}\\"}[$__rate_interval])"},
                       {"refId": "B", "expr": "pg_up{ins=~\\"${ins:regex}|[[cls]]\\"}"},
                       {"refId": "C", "expr": "", "hide": false},
                       {"refId": "D", "expr": "up", "hide": true}]}]},
                   {"type": "text", "title": "Notes"}]}
                """;
        List<DashboardQueries.PanelQuery> q = DashboardQueries.of(json, PG_TEST);
        assertThat(q).extracting(DashboardQueries.PanelQuery::expr).containsExactly(
                "sum(pg_up{cls=\"pg-test\"})",
                "rate(pg_db_xact_commit{ins=\"pg-test-1\"}[40s])",
                "pg_up{ins=~\"pg-test-1|pg-test\"}");
        assertThat(q.get(1).where()).isEqualTo("d1 / Row / TPS [A]");
        assertThat(DashboardQueries.variables(json)).containsExactly("datasource", "cls", "ins");
    }

    @Test
    void aVariableWithoutValueIsAnErrorNamingThePanel() {
        String json = """
                {"uid": "d2", "panels": [{"type": "stat", "title": "Lag", "targets": [{"refId": "A", "expr": "pg_lag{ins=\\"$ins\\", db=\\"$db\\"}"}]}]}
                """;
        assertThatThrownBy(() -> DashboardQueries.of(json, Map.of("ins", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("d2 / Lag").hasMessageContaining("[db]");
        assertThat(DashboardQueries.fill("x[$__range] offset $__interval", DashboardQueries.grafanaBuiltins(15)))
                .isEqualTo("x[1h] offset 15s");
    }

    @Test
    void everyBundledDashboardYieldsQueriesForPgTest() {
        int total = 0;
        for (String uid : GrafanaArtifacts.DASHBOARD_UIDS) {
            String json = PrometheusArtifacts.resource("dashboards/" + uid + ".json");
            List<DashboardQueries.PanelQuery> q = DashboardQueries.of(json, PG_TEST);
            assertThat(q).as(uid).isNotEmpty();
            assertThat(q).extracting(DashboardQueries.PanelQuery::expr).as(uid).noneMatch(e -> e.contains("$"));
            // the query's selector restricts to pg-test where the dashboard has a cls variable
            total += q.size();
        }
        assertThat(total).isEqualTo(13 + 18 + 18 + 10);
    }
}
