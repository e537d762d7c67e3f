package io.pigsty.monitor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.monitor.Collector;
import io.pigsty.monitor.CollectorSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {
    static final CollectorSet SET = CollectorSet.parse("p.yml", """
            v15:        { name: v, query: SELECT 1 AS x, min_version: 150000, max_version: 170000, tags: [cluster], metrics: [ { x: { usage: GAUGE } } ] }
            v17:        { name: v, query: SELECT 1 AS x, min_version: 170000, tags: [cluster], metrics: [ { x: { usage: GAUGE } } ] }
            primary:    { query: SELECT 1 AS x, tags: [cluster, primary], metrics: [ { x: { usage: GAUGE } } ] }
            master:     { query: SELECT 1 AS x, tags: [cluster, master], metrics: [ { x: { usage: GAUGE } } ] }
            replica:    { query: SELECT 1 AS x, tags: [cluster, replica], metrics: [ { x: { usage: GAUGE } } ] }
            standby:    { query: SELECT 1 AS x, tags: [cluster, standby], metrics: [ { x: { usage: GAUGE } } ] }
            leader:     { query: SELECT 1 AS x, tags: [cluster, leader], metrics: [ { x: { usage: GAUGE } } ] }
            slave:      { query: SELECT 1 AS x, tags: [cluster, slave], metrics: [ { x: { usage: GAUGE } } ] }
            skipped:    { query: SELECT 1 AS x, skip: true, tags: [cluster], metrics: [ { x: { usage: GAUGE } } ] }
            perdb:      { query: SELECT 1 AS x, metrics: [ { x: { usage: GAUGE } } ] }
            dbname:     { query: SELECT 1 AS x, tags: ['dbname:app'], metrics: [ { x: { usage: GAUGE } } ] }
            username:   { query: SELECT 1 AS x, tags: [cluster, 'username:monitor'], metrics: [ { x: { usage: GAUGE } } ] }
            ext:        { query: SELECT 1 AS x, tags: [cluster, 'extension:pg_stat_statements'], metrics: [ { x: { usage: GAUGE } } ] }
            schema:     { query: SELECT 1 AS x, tags: [cluster, 'schema:monitor'], metrics: [ { x: { usage: GAUGE } } ] }
            notcloud:   { query: SELECT 1 AS x, tags: [cluster, 'not:cloud'], metrics: [ { x: { usage: GAUGE } } ] }
            custom:     { query: SELECT 1 AS x, tags: [cluster, citus], metrics: [ { x: { usage: GAUGE } } ] }
            bouncer:    { query: SHOW POOLS, tags: [pgbouncer], metrics: [ { x: { usage: GAUGE } } ] }
            late:       { query: SELECT 1 AS x, priority: 1, tags: [cluster], metrics: [ { x: { usage: GAUGE } } ] }
            """);

    static ServerInfo pg(int version, boolean recovery, String db, Set<String> ext) {
        return new ServerInfo(version, recovery, db, "monitor", List.of("app"), ext, Set.of("public", "monitor"), false);
    }

    static List<String> installed(ServerInfo s, Set<String> tags, boolean main) {
        return Planner.plan(SET.collectors(), s, tags, main).installed().stream().map(Collector::branch).toList();
    }

    @Test
    void versionBoundsAreHalfOpen() {
        assertThat(installed(pg(149999, false, "postgres", Set.of()), Set.of(), true)).doesNotContain("v15", "v17");
        assertThat(installed(pg(150000, false, "postgres", Set.of()), Set.of(), true)).contains("v15").doesNotContain("v17");
        assertThat(installed(pg(169999, false, "postgres", Set.of()), Set.of(), true)).contains("v15").doesNotContain("v17");
        assertThat(installed(pg(170000, false, "postgres", Set.of()), Set.of(), true)).contains("v17").doesNotContain("v15");
    }

    @Test
    void primaryAndReplicaTagsFollowRecovery() {
        assertThat(installed(pg(150000, false, "postgres", Set.of()), Set.of(), true))
                .contains("primary", "master", "leader").doesNotContain("replica", "standby", "slave");
        assertThat(installed(pg(150000, true, "postgres", Set.of()), Set.of(), true))
                .contains("replica", "standby", "slave").doesNotContain("primary", "master", "leader");
    }

    @Test
    void versionZeroSkipsTheVersionCheck() {
        assertThat(installed(pg(0, false, "postgres", Set.of()), Set.of(), true)).contains("v15", "v17");
        ServerInfo bouncer = new ServerInfo(0, false, "pgbouncer", "monitor", List.of(), Set.of(), Set.of(), true);
        CollectorSet b = CollectorSet.parse("b.yml", """
                b_old: { query: SHOW POOLS, max_version: 11800, tags: [pgbouncer], metrics: [ { x: { usage: GAUGE } } ] }
                b_new: { query: SHOW POOLS, min_version: 11800, tags: [pgbouncer], metrics: [ { x: { usage: GAUGE } } ] }
                """);
        assertThat(Planner.plan(b.collectors(), bouncer, Set.of(), true).installed()).extracting(Collector::branch)
                .as("an unparsed PgBouncer version installs every variant, as pg_exporter").containsExactlyInAnyOrder("b_old", "b_new");
    }

    @Test
    void targetFactsAndExporterTags() {
        List<String> plain = installed(pg(150000, false, "postgres", Set.of()), Set.of(), true);
        assertThat(plain).contains("username", "schema", "notcloud", "perdb")
                .doesNotContain("skipped", "dbname", "ext", "custom", "bouncer");
        List<String> tagged = installed(pg(150000, false, "app", Set.of("pg_stat_statements")), Set.of("cloud", "citus"), true);
        assertThat(tagged).contains("dbname", "ext", "custom").doesNotContain("notcloud", "skipped");
    }

    @Test
    void discoveredDatabasesRunOnlyPerDatabaseCollectors() {
        assertThat(installed(pg(150000, false, "app", Set.of("pg_stat_statements")), Set.of("citus"), false))
                .containsExactly("dbname", "perdb");
    }

    @Test
    void pgbouncerTargetsRunOnlyPgbouncerCollectors() {
        ServerInfo b = new ServerInfo(11800, false, "pgbouncer", "monitor", List.of(), Set.of(), Set.of(), true);
        Planner.Plan plan = Planner.plan(SET.collectors(), b, Set.of(), true);
        assertThat(plan.installed()).extracting(Collector::branch).containsExactly("bouncer");
        assertThat(plan.decisions()).filteredOn(d -> d.collector().branch().equals("perdb")).singleElement()
                .extracting(Planner.Decision::reason).isEqualTo("target is pgbouncer, collector is not");
    }

    @Test
    void orderIsPriorityThenBranchAndReasonsExplain() {
        Planner.Plan plan = Planner.plan(SET.collectors(), pg(160000, true, "postgres", Set.of()), Set.of(), true);
        assertThat(plan.installed().get(plan.installed().size() - 1).branch()).as("priority before name").isEqualTo("late");
        assertThat(plan.decisions()).filteredOn(d -> !d.installed()).extracting(d -> d.collector().branch() + ": " + d.reason())
                .contains("v17: version 160000 outside [170000, inf)", "skipped: skip: true",
                        "primary: tag primary: server is in recovery", "ext: tag extension:pg_stat_statements: extension not installed",
                        "custom: tag citus: exporter lacks this tag", "dbname: tag dbname:app: database is postgres");
    }

    @Test
    void shippedSetOnPg15PrimaryWithStatements() {
        ServerInfo s = pg(150004, false, "postgres", Set.of("pg_stat_statements"));
        List<String> main = Planner.plan(CollectorSet.defaults().collectors(), s, Set.of(), true)
                .installed().stream().map(Collector::branch).toList();
        assertThat(main).contains("pg_primary_only", "pg_db_14", "pg_checkpointer_10", "pg_bgwriter_10", "pg_wal_14",
                "pg_query_15", "pg_table_13").doesNotContain("pg_replica_only", "pg_recv", "pg_checkpointer_17", "pg_query_17");
        List<String> replica = Planner.plan(CollectorSet.defaults().collectors(), pg(150004, true, "postgres", Set.of()), Set.of(), true)
                .installed().stream().map(Collector::branch).toList();
        assertThat(replica).contains("pg_replica_only", "pg_recv").doesNotContain("pg_primary_only", "pg_query_15", "pg_xact");
    }
}
