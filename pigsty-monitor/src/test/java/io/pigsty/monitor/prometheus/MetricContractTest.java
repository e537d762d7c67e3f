package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Rules use only names the exporters emit (the contract file) or that the rules record. */
class MetricContractTest {
    @Test
    void contractListsTheNamesTheExporterMustEmit() throws Exception {
        Set<String> c = MetricContract.exporterMetrics();
        assertThat(c).contains("pg_up", "pg_in_recovery", "pg_uptime", "pg_boot_time", "pg_lsn",
                "pg_setting_max_connections", "pg_repl_lsn", "pg_repl_replay_lsn", "pg_repl_replay_lag",
                "pg_activity_count", "pg_activity_max_tx_duration", "pg_db_age", "pg_db_numbackends",
                "pg_db_xact_commit", "pg_db_xact_rollback", "pg_db_blks_hit", "pg_db_blks_read",
                "pg_db_tup_inserted", "pgbouncer_up", "patroni_postgres_running");
        // 'up' is Prometheus' own; recording-rule names carry colons and never come from exporters
        assertThat(c).doesNotContain("up").allMatch(n -> !n.contains(":"));
    }

    @Test
    void everyRuleExpressionUsesOnlyContractOrRecordedNames() throws Exception {
        Set<String> allowed = MetricContract.allowed();
        Map<String, String> exprs = new java.util.LinkedHashMap<>(MetricContract.recordingRules());
        exprs.putAll(MetricContract.alertRules());
        Set<String> used = new TreeSet<>();
        exprs.forEach((name, expr) -> {
            Set<String> m = PromqlNames.parse(expr).metrics();
            assertThat(m).as(name + ": " + expr).isNotEmpty().isSubsetOf(allowed);
            used.addAll(m);
        });
        // the check above bites: an unknown name would be reported
        assertThat(PromqlNames.parse("pg_no_such_metric > 0").metrics()).isNotEmpty()
                .doesNotContainAnyElementsOf(allowed);
        assertThat(used).contains("pg_up", "up", "pgbouncer_up", "pg:db:age");
    }

    @Test
    void recordingRulesAreDefinedOnceAndBeforeUseWithinTheirGroup() throws Exception {
        Map<String, String> rec = MetricContract.recordingRules();
        Set<String> defined = new TreeSet<>();
        for (Map.Entry<String, String> e : rec.entrySet()) {
            for (String m : PromqlNames.parse(e.getValue()).metrics()) {
                if (m.contains(":")) {
                    assertThat(defined).as(e.getKey() + " uses " + m + " before it is recorded").contains(m);
                }
            }
            assertThat(e.getKey()).matches("[a-z]+:[a-z]+:[a-z0-9_]+");
            defined.add(e.getKey());
        }
    }
}
