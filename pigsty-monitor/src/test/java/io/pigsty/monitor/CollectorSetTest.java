package io.pigsty.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectorSetTest {

    static final String GOOD = """
            pg_db_15:
              name: pg_db
              desc: database stats
              query: SELECT datname, xact_commit, blk_read_time, 1 AS lat FROM pg_stat_database
              ttl: 10
              timeout: 0.5
              priority: 10
              min_version: 150000
              max_version: 170000
              fatal: false
              tags: [ cluster, primary, 'extension:pg_stat_statements' ]
              predicate_queries:
                - name: has_view
                  predicate_query: SELECT true
                  ttl: 60
              metrics:
                - datname:       { usage: LABEL }
                - xact_commit:   { usage: COUNTER, rename: commits, description: committed }
                - blk_read_time: { usage: COUNTER, scale: 1e-3, default: 0 }
                - lat:           { usage: HISTOGRAM, bucket: [0.1, 1, 10] }
            pg_other:
              query: SELECT 1 AS one
              metrics:
                - one: { usage: GAUGE }
            """;

    @Test
    void parsesEveryField() {
        CollectorSet set = CollectorSet.parse("good.yml", GOOD);
        Collector c = set.get("pg_db_15").orElseThrow();
        assertThat(c.name()).isEqualTo("pg_db");
        assertThat(c.ttlSeconds()).isEqualTo(10);
        assertThat(c.timeoutSeconds()).isEqualTo(0.5);
        assertThat(c.priority()).isEqualTo(10);
        assertThat(c.minVersion()).isEqualTo(150000);
        assertThat(c.maxVersion()).isEqualTo(170000);
        assertThat(c.tags()).containsExactly("cluster", "primary", "extension:pg_stat_statements");
        assertThat(c.predicates()).containsExactly(new PredicateQuery("has_view", "SELECT true", 60));
        assertThat(c.columns()).hasSize(4);
        Column commits = c.columns().get(1);
        assertThat(commits.metricName("pg_db")).isEqualTo("pg_db_commits");
        assertThat(commits.description()).isEqualTo("committed");
        Column brt = c.columns().get(2);
        assertThat(brt.scale()).isEqualTo(1e-3);
        assertThat(brt.defaultValue()).hasValue(0);
        assertThat(c.columns().get(3).buckets()).containsExactly(0.1, 1.0, 10.0);
        assertThat(c.metricNames()).containsExactly("pg_db_commits", "pg_db_blk_read_time", "pg_db_lat");
        assertThat(c.isClusterLevel()).isTrue();

        Collector other = set.get("pg_other").orElseThrow();
        assertThat(other.name()).isEqualTo("pg_other");
        assertThat(other.timeoutSeconds()).as("absent timeout means pg_exporter's 0.1 s").isEqualTo(0.1);
        assertThat(other.ttlSeconds()).isZero();
        assertThat(other.isClusterLevel()).isFalse();
    }

    @Test
    void negativeTimeoutDisablesAndZeroMeansDefault() {
        CollectorSet set = CollectorSet.parse("t.yml", """
                a: { query: SELECT 1 AS x, timeout: -1, metrics: [ { x: { usage: GAUGE } } ] }
                b: { query: SELECT 1 AS x, timeout: 0, metrics: [ { x: { usage: GAUGE } } ] }
                """);
        assertThat(set.get("a").orElseThrow().timeoutSeconds()).isZero();
        assertThat(set.get("b").orElseThrow().timeoutSeconds()).isEqualTo(0.1);
    }

    @Test
    void reportsEveryProblemAtOnceWithFileCollectorAndField() {
        String bad = """
                pg_db_15:
                  query: SELECT 1
                  ttl: -5
                  timeout: fast
                  min_version: 170000
                  max_version: 150000
                  fatal: maybe
                  colour: red
                  tags: [ cluster, 'dbname:' ]
                  predicate_queries:
                    - name: p
                      sql: SELECT true
                  metrics:
                    - datname: { usage: LABEL }
                    - xact_commit: { usage: COUNTERX }
                    - blks: { usage: GAUGE, bucket: [1, 2] }
                    - lat: { usage: HISTOGRAM, bucket: [5, 1] }
                    - x: { usage: GAUGE, scale: zero, colour: blue }
                    - y: { usage: GAUGE, rename: x }
                    - [ not, a, map ]
                pg_empty:
                  name: 'bad-name'
                  metrics: []
                """;
        assertThatThrownBy(() -> CollectorSet.parse("0610-pg_db.yml", bad))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "0610-pg_db.yml: pg_db_15.ttl: must be >= 0, got -5",
                        "0610-pg_db.yml: pg_db_15.timeout: must be a number, got 'fast'",
                        "0610-pg_db.yml: pg_db_15.max_version: must be greater than min_version 170000, got 150000",
                        "0610-pg_db.yml: pg_db_15.fatal: must be true or false, got 'maybe'",
                        "0610-pg_db.yml: pg_db_15.tags[1]: 'dbname:' needs a value after the colon",
                        "0610-pg_db.yml: pg_db_15.predicate_queries[0].predicate_query: required, must be non-empty SQL",
                        "0610-pg_db.yml: pg_db_15.metrics[1].xact_commit.usage: unknown usage 'COUNTERX' (expected one of"
                                + " DISCARD, LABEL, GAUGE, COUNTER, HISTOGRAM)",
                        "0610-pg_db.yml: pg_db_15.metrics[2].blks.bucket: only valid with usage HISTOGRAM, usage is GAUGE",
                        "0610-pg_db.yml: pg_db_15.metrics[3].lat.bucket[1]: must be greater than the previous bound 5, got 1",
                        "0610-pg_db.yml: pg_db_15.metrics[4].x.scale: must be a number, got 'zero'",
                        "0610-pg_db.yml: pg_db_15.metrics[5].y: exports 'x' which column 'x' already exports",
                        "0610-pg_db.yml: pg_db_15.metrics[6]: must be a map with exactly one key (the column name), got a list",
                        "0610-pg_db.yml: pg_empty.name: 'bad-name' is not a valid metric name",
                        "0610-pg_db.yml: pg_empty.query: required, must be non-empty SQL",
                        "0610-pg_db.yml: pg_empty.metrics: must not be empty"));
    }

    @Test
    void rejectsBrokenYamlAndDuplicateKeys() {
        assertThatThrownBy(() -> CollectorSet.parse("x.yml", "a: [unclosed"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("x.yml: not valid YAML: "));
        assertThatThrownBy(() -> CollectorSet.parse("d.yml", """
                a: { query: SELECT 1 AS x, metrics: [ { x: { usage: GAUGE } } ] }
                a: { query: SELECT 2 AS x, metrics: [ { x: { usage: GAUGE } } ] }
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                .asString().startsWith("d.yml: not valid YAML: Duplicate field 'a'"));
        assertThatThrownBy(() -> CollectorSet.parse("l.yml", "- a\n- b\n"))
                .hasMessageContaining("l.yml: top level must be a map of collectors, got a list");
        assertThatThrownBy(() -> CollectorSet.parse("n.yml", "a: { query: SELECT 1 AS x, metrics: [ { x: { usage: LABEL } } ] }"))
                .hasMessageContaining("n.yml: a.metrics: no column has usage GAUGE, COUNTER or HISTOGRAM");
        assertThatThrownBy(() -> CollectorSet.parse("h.yml", "a: { query: SELECT 1 AS x, metrics: [ { x: { usage: HISTOGRAM } } ] }"))
                .hasMessageContaining("h.yml: a.metrics[0].x.bucket: required for usage HISTOGRAM");
    }

    @Test
    void directoryMergesTopLevelYamlInNameOrderLaterWins(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("0100-a.yml"), "a: { query: SELECT 1 AS x, metrics: [ { x: { usage: GAUGE } } ] }\n"
                + "b: { query: SELECT 1 AS x, metrics: [ { x: { usage: GAUGE } } ] }\n");
        Files.writeString(dir.resolve("0200-b.yaml"), "a: { query: SELECT 2 AS x, metrics: [ { x: { usage: COUNTER } } ] }\n");
        Files.writeString(dir.resolve("notes.txt"), "not yaml: [");
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/0300-c.yml"), "c: { query: SELECT 3 AS x, metrics: [ { x: { usage: GAUGE } } ] }\n");
        CollectorSet set = CollectorSet.load(dir);
        assertThat(set.collectors()).extracting(Collector::branch).containsExactly("a", "b");
        assertThat(set.get("a").orElseThrow().query()).isEqualTo("SELECT 2 AS x");
        assertThat(set.get("a").orElseThrow().source()).isEqualTo("0200-b.yaml");

    }

    @Test
    void directoryOfOnlyBadFilesFailsWithEveryProblem(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("0400-bad.yml"), "z: { metrics: [ { x: { usage: NOPE } } ] }\n");
        Files.writeString(dir.resolve("0500-bad.yml"), "y: { query: SELECT 1, ttl: x, metrics: [ { x: { usage: GAUGE } } ] }\n");
        assertThatThrownBy(() -> CollectorSet.load(dir)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).containsExactly(
                        "0400-bad.yml: z.query: required, must be non-empty SQL",
                        "0400-bad.yml: z.metrics[0].x.usage: unknown usage 'NOPE' (expected one of DISCARD, LABEL, GAUGE, COUNTER, HISTOGRAM)",
                        "0500-bad.yml: y.ttl: must be a number, got 'x'"));
    }

    @Test
    void shippedSetLoadsAndCoversPg15() {
        CollectorSet set = CollectorSet.defaults();
        assertThat(CollectorSet.defaultFiles()).first().isEqualTo("0110-pg.yml");
        assertThat(set.collectors()).hasSizeGreaterThan(40);
        SortedSet<String> pg15 = set.metricNames(150000);
        assertThat(pg15).hasSizeGreaterThanOrEqualTo(300).contains("pg_up", "pg_version", "pg_in_recovery", "pg_lsn",
                "pg_db_xact_commit", "pg_db_age", "pg_db_confl_confl_lock", "pg_checkpointer_timed", "pg_checkpointer_req",
                "pg_bgwriter_buffers_backend", "pg_wal_bytes", "pg_archiver_finish_count", "pg_repl_replay_lag",
                "pg_repl_replay_diff", "pg_slot_retained_bytes", "pg_recv_flush_lsn", "pg_activity_count",
                "pg_activity_max_tx_duration", "pg_wait_count", "pg_lock_count", "pg_setting_max_connections",
                "pg_size_bytes", "pg_table_n_tup_ins", "pg_index_idx_scan", "pg_seq_last_value", "pg_func_calls",
                "pg_query_calls", "pg_query_exec_time", "pg_vacuuming_heap_blks_scanned", "pgbouncer_pool_active_clients",
                "pgbouncer_stat_xact_count", "pgbouncer_database_pool_size", "pg_exporter_scrape_duration",
                "pg_exporter_query_scrape_hit_count");
        // the checkpointer keeps its names across the PG 17 split; the bgwriter loses backend writes
        SortedSet<String> pg17 = set.metricNames(170000);
        assertThat(pg17).contains("pg_checkpointer_timed", "pg_checkpointer_req", "pg_checkpointer_restartpoints_done")
                .doesNotContain("pg_bgwriter_buffers_backend");
        assertThat(pg15).doesNotContain("pg_checkpointer_restartpoints_done");
        // PG 13 still gets database statistics, without the PG 14 session columns
        assertThat(set.metricNames(130000)).contains("pg_db_xact_commit", "pg_db_age").doesNotContain("pg_db_sessions", "pg_wal_bytes");
        assertThat(pg15).contains("pg_db_sessions");
        // every default collector uses a valid namespace and metric names
        for (String n : pg15) {
            assertThat(n).matches("[a-zA-Z_][a-zA-Z0-9_]*");
        }
    }

    @Test
    void exceptionListsProblemsInMessage() {
        ConfigException e = new ConfigException(List.of("a", "b"));
        assertThat(e.getMessage()).isEqualTo("invalid collector config (2 problems):\n  a\n  b");
    }
}
