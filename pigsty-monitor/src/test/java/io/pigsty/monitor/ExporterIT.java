package io.pigsty.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The exporter against a real PostgreSQL 15 primary, a streaming replica (pg_basebackup -R with a
 * slot), a real PgBouncer and a real Prometheus.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExporterIT {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Generous: on a loaded CI host a SCRAM login alone can take more than the default second. */
    static final Duration CONNECT = Duration.ofSeconds(5);

    PgFixture fx;
    PgFixture.Instance primary;
    PgFixture.Instance replica;
    int bouncerPort;
    Exporter onPrimary;
    Exporter onReplica;

    @BeforeAll
    void start() throws Exception {
        String why = PgFixture.missing("/usr/sbin/pgbouncer", "/usr/bin/prometheus");
        if (why != null && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI must run the monitor ITs: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        fx = PgFixture.create();
        primary = fx.primary(Map.of());
        primary.psql("CREATE DATABASE app", "postgres");
        primary.psql("CREATE TABLE t (id bigserial PRIMARY KEY, v text); CREATE INDEX ON t (v);"
                + " CREATE FUNCTION f(int) RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN $1 + 1; END';"
                + " INSERT INTO t (v) SELECT 'x' || g FROM generate_series(1, 1000) g; SELECT f(1); ANALYZE t;", "app");
        replica = fx.replica(primary, "replica_slot");
        bouncerPort = fx.pgbouncer(primary);
        onPrimary = Exporter.start(new InetSocketAddress("127.0.0.1", 0),
                ExporterTarget.builder(primary.url("postgres")).connectTimeout(CONNECT).cache(false).constantLabels(Map.of("cls", "pg-test")).build(),
                CollectorSet::defaults);
        onReplica = Exporter.start(new InetSocketAddress("127.0.0.1", 0),
                ExporterTarget.builder(replica.url("postgres")).connectTimeout(CONNECT).build(), CollectorSet::defaults);
        waitUntil(() -> primary.psql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", "postgres").equals("1"),
                "replica streaming");
    }

    @AfterAll
    void stop() throws Exception {
        if (onPrimary != null) {
            onPrimary.close();
        }
        if (onReplica != null) {
            onReplica.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    static HttpResponse<String> get(Exporter e, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.address().getPort() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static Set<String> names(String text) {
        Set<String> out = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                out.add(line.replaceAll("[{ ].*", ""));
            }
        }
        return out;
    }

    static double value(String text, String name, String... labelParts) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                boolean all = true;
                for (String l : labelParts) {
                    all &= line.contains(l);
                }
                if (all) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        throw new AssertionError("no sample " + name + " " + List.of(labelParts) + " in scrape");
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitUntil(Check c, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (c.ok()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    @Test
    @Order(1)
    void primaryServesWellFormedMetricsWithMoreThan300Names() throws Exception {
        HttpResponse<String> r = get(onPrimary, "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        String body = r.body();
        assertThat(body).endsWith("\n");
        assertThat(value(body, "pg_up")).isEqualTo(1);
        assertThat(value(body, "pg_in_recovery")).isZero();
        assertThat(value(body, "pg_version")).isBetween(150000.0, 159999.0);
        Set<String> names = names(body);
        assertThat(names).as("distinct metric names").hasSizeGreaterThanOrEqualTo(300)
                .contains("pg_db_xact_commit", "pg_table_n_tup_ins", "pg_index_idx_scan", "pg_func_calls", "pg_seq_last_value",
                        "pg_query_calls", "pg_query_exec_time", "pg_checkpointer_timed", "pg_wal_bytes", "pg_lock_count",
                        "pg_activity_count", "pg_setting_max_connections", "pg_size_bytes", "pg_exporter_scrape_duration",
                        "pg_exporter_query_scrape_hit_count", "pg_repl_replay_lag", "pg_repl_replay_diff", "pg_slot_retained_bytes");
        assertThat(body).contains("cls=\"pg-test\"");
        // every family: one HELP, one TYPE, then its samples, never interleaved
        Set<String> seen = new TreeSet<>();
        String current = null;
        for (String line : body.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                current = line.split(" ")[2];
                assertThat(seen.add(current)).as("family %s appears once", current).isTrue();
            } else if (!line.startsWith("#")) {
                String n = line.replaceAll("[{ ].*", "");
                assertThat(n.equals(current) || n.startsWith(current + "_")).as("%s inside family %s", n, current).isTrue();
            }
        }
        assertThat(value(body, "pg_exporter_query_scrape_error_count")).isZero();
        Matcher m = Pattern.compile("pg_exporter_query_scrape_error_count\\{[^}]*query=\"([^\"]+)\"[^}]*} [1-9]").matcher(body);
        assertThat(m.find()).as("no collector failed: %s", m.find() ? m.group(1) : "").isFalse();
    }

    @Test
    @Order(2)
    void countersRiseAfterInserts() throws Exception {
        String before = get(onPrimary, "/metrics").body();
        double commits = value(before, "pg_db_xact_commit", "datname=\"app\"");
        double ins = value(before, "pg_table_n_tup_ins", "datname=\"app\"", "relname=\"public.t\"");
        for (int k = 0; k < 5; k++) {
            primary.psql("INSERT INTO t (v) SELECT 'y' FROM generate_series(1, 100)", "app");
        }
        waitUntil(() -> {
            String after = get(onPrimary, "/metrics").body();
            return value(after, "pg_db_xact_commit", "datname=\"app\"") >= commits + 5
                    && value(after, "pg_table_n_tup_ins", "datname=\"app\"", "relname=\"public.t\"") >= ins + 500;
        }, "pg_db_xact_commit and pg_table_n_tup_ins to rise");
    }

    @Test
    @Order(3)
    void replicaReportsRecoveryAndPrimaryReportsLag() throws Exception {
        String rep = get(onReplica, "/metrics").body();
        assertThat(value(rep, "pg_up")).isEqualTo(1);
        assertThat(value(rep, "pg_in_recovery")).isEqualTo(1);
        assertThat(names(rep)).contains("pg_recv_flush_lsn", "pg_lag", "pg_replay_lsn").doesNotContain("pg_xact_xmin", "pg_repl_state");
        assertThat(value(rep, "pg_recv_state")).isZero();
        String pri = get(onPrimary, "/metrics").body();
        String app = "appname=\"replica" + replica.port + "\"";
        assertThat(value(pri, "pg_repl_state", app)).isZero();
        assertThat(value(pri, "pg_repl_replay_diff", app)).isGreaterThanOrEqualTo(0);
        assertThat(value(pri, "pg_repl_replay_lag", app)).isGreaterThanOrEqualTo(0);
        assertThat(value(pri, "pg_slot_active", "slot_name=\"replica_slot\"")).isEqualTo(1);
        assertThat(value(pri, "pg_slot_retained_bytes", "slot_name=\"replica_slot\"")).isGreaterThanOrEqualTo(0);
        assertThat(value(pri, "pg_lsn")).isGreaterThan(0);
    }

    @Test
    @Order(4)
    void healthEndpointsFollowRole() throws Exception {
        for (String p : List.of("/primary", "/leader", "/master", "/read-write", "/rw")) {
            assertThat(get(onPrimary, p).statusCode()).as(p).isEqualTo(200);
            assertThat(get(onReplica, p).statusCode()).as(p).isEqualTo(404);
        }
        for (String p : List.of("/replica", "/standby", "/read-only", "/ro")) {
            assertThat(get(onPrimary, p).statusCode()).as(p).isEqualTo(404);
            assertThat(get(onReplica, p).statusCode()).as(p).isEqualTo(200);
        }
        for (String p : List.of("/up", "/health", "/liveness", "/readiness", "/read")) {
            assertThat(get(onPrimary, p).statusCode()).as(p).isEqualTo(200);
            assertThat(get(onReplica, p).statusCode()).as(p).isEqualTo(200);
        }
        assertThat(get(onPrimary, "/nope").statusCode()).isEqualTo(404);
        String explain = get(onPrimary, "/explain").body();
        assertThat(explain).contains("+ pg_db_14", "+ pg_query_15", "- pg_replica_only", "== database app")
                .doesNotContain(PgFixture.PASSWORD);
    }

    @Test
    @Order(5)
    void failingCollectorDoesNotBreakTheScrapeButAFatalOneDoes() throws Exception {
        CollectorSet broken = CollectorSet.parse("extra.yml", """
                broken:
                  query: SELECT x FROM no_such_table
                  tags: [ cluster ]
                  metrics: [ { x: { usage: GAUGE } } ]
                slow:
                  query: SELECT pg_sleep(2) IS NULL AS x
                  timeout: 0.2
                  tags: [ cluster ]
                  metrics: [ { x: { usage: GAUGE } } ]
                fine:
                  query: SELECT 42 AS answer
                  tags: [ cluster ]
                  metrics: [ { answer: { usage: GAUGE } } ]
                gated_off:
                  query: SELECT 1 AS x
                  tags: [ cluster ]
                  predicate_queries: [ { name: never, predicate_query: SELECT false } ]
                  metrics: [ { x: { usage: GAUGE } } ]
                gated_on:
                  query: SELECT 1 AS x
                  tags: [ cluster ]
                  predicate_queries: [ { name: always, predicate_query: 'SELECT 1 = 1' }, { name: has_ext, predicate_query: "SELECT count(*) > 0 FROM pg_extension WHERE extname = 'pg_stat_statements'", ttl: 60 } ]
                  metrics: [ { x: { usage: GAUGE } } ]
                hist:
                  query: SELECT 'a' AS grp, g::float8 / 10 AS latency FROM generate_series(1, 20) g
                  tags: [ cluster ]
                  metrics:
                    - grp: { usage: LABEL }
                    - latency: { usage: HISTOGRAM, bucket: [0.5, 1, 1.5] }
                """);
        try (ExporterTarget t = ExporterTarget.builder(primary.url("postgres")).connectTimeout(CONNECT).collectors(broken).build()) {
            long t0 = System.nanoTime();
            String body = t.scrape();
            assertThat((System.nanoTime() - t0) / 1e9).as("the whole scrape, far below the 2 s sleep plus the rest").isLessThan(10);
            // the collector's own time, free of the connect and login cost that a loaded host inflates
            assertThat(value(body, "pg_exporter_query_scrape_duration", "query=\"slow\""))
                    .as("the 0.2 s statement timeout cut the 2 s query").isLessThan(1.5);
            assertThat(value(body, "pg_up")).isEqualTo(1);
            assertThat(value(body, "fine_answer")).isEqualTo(42);
            assertThat(value(body, "pg_exporter_query_scrape_error_count", "query=\"broken\"")).isEqualTo(1);
            assertThat(value(body, "pg_exporter_query_scrape_error_count", "query=\"slow\"")).isEqualTo(1);
            assertThat(value(body, "pg_exporter_query_scrape_error_count", "query=\"fine\"")).isZero();
            assertThat(names(body)).contains("gated_on_x").doesNotContain("gated_off_x");
            assertThat(value(body, "pg_exporter_query_scrape_predicate_skip_count", "query=\"gated_off\"")).isEqualTo(1);
            assertThat(value(body, "pg_exporter_query_scrape_predicate_skip_count", "query=\"gated_on\"")).isZero();
            // one observation per row: 0.1 .. 2.0; three gauge families, as pg_exporter writes a snapshot histogram
            assertThat(body).contains("# TYPE hist_latency_bucket gauge\n", "# TYPE hist_latency_count gauge\n",
                    "# TYPE hist_latency_sum gauge\n", "hist_latency_bucket{grp=\"a\",le=\"0.5\"} 5\n",
                    "hist_latency_bucket{grp=\"a\",le=\"1\"} 10\n", "hist_latency_bucket{grp=\"a\",le=\"1.5\"} 15\n",
                    "hist_latency_bucket{grp=\"a\",le=\"+Inf\"} 20\n", "hist_latency_count{grp=\"a\"} 20\n");
            assertThat(value(body, "hist_latency_sum")).isCloseTo(21.0, org.assertj.core.data.Offset.offset(1e-9));
            body = t.scrape();
            assertThat(value(body, "pg_exporter_query_scrape_error_count", "query=\"broken\"")).isEqualTo(2);
            assertThat(value(body, "fine_answer")).isEqualTo(42);
        }
        CollectorSet fatal = CollectorSet.parse("fatal.yml", """
                fine:  { query: SELECT 42 AS answer, tags: [ cluster ], metrics: [ { answer: { usage: GAUGE } } ] }
                must:  { query: SELECT x FROM no_such_table, fatal: true, tags: [ cluster ], metrics: [ { x: { usage: GAUGE } } ] }
                """);
        try (ExporterTarget t = ExporterTarget.builder(primary.url("postgres")).connectTimeout(CONNECT).collectors(fatal).build()) {
            String body = t.scrape();
            assertThat(value(body, "pg_up")).isZero();
            assertThat(names(body)).doesNotContain("fine_answer");
            assertThat(value(body, "pg_exporter_scrape_error_count")).isEqualTo(1);
        }
    }

    @Test
    @Order(6)
    void cacheServesWithinTtlAndReloadReplans(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yml"), "now: { query: 'SELECT extract(epoch FROM clock_timestamp()) AS ts', ttl: 60, tags: [cluster],"
                + " metrics: [ { ts: { usage: GAUGE } } ] }\n");
        try (Exporter e = Exporter.start(new InetSocketAddress("127.0.0.1", 0),
                ExporterTarget.builder(primary.url("postgres")).connectTimeout(CONNECT).collectors(CollectorSet.load(dir)).build(),
                () -> CollectorSet.load(dir))) {
            double first = value(get(e, "/metrics").body(), "now_ts");
            String second = get(e, "/metrics").body();
            assertThat(value(second, "now_ts")).as("served from the 60 s cache").isEqualTo(first);
            assertThat(value(second, "pg_exporter_query_scrape_hit_count", "query=\"now\"")).isEqualTo(1);
            Files.writeString(dir.resolve("b.yml"), "later: { query: 'SELECT 7 AS seven', tags: [cluster],"
                    + " metrics: [ { seven: { usage: GAUGE } } ] }\n");
            assertThat(get(e, "/reload").statusCode()).isEqualTo(200);
            String after = get(e, "/metrics").body();
            assertThat(value(after, "later_seven")).isEqualTo(7);
            assertThat(value(after, "now_ts")).as("re-planning drops the cache").isGreaterThan(first);
            Files.writeString(dir.resolve("c.yml"), "bad: { query: SELECT 1, metrics: [ { x: { usage: NOPE } } ] }\n");
            assertThat(get(e, "/reload").statusCode()).as("a bad file in a directory is skipped, as pg_exporter").isEqualTo(200);
            assertThat(value(get(e, "/metrics").body(), "later_seven")).isEqualTo(7);
            Files.delete(dir.resolve("a.yml"));
            Files.delete(dir.resolve("b.yml"));
            HttpResponse<String> r = get(e, "/reload");
            assertThat(r.statusCode()).as("pg_exporter answers a failed reload with 500").isEqualTo(500);
            assertThat(r.body()).contains("c.yml: bad.metrics[0].x.usage: unknown usage 'NOPE'");
            assertThat(value(get(e, "/metrics").body(), "later_seven")).as("a bad reload keeps the old config").isEqualTo(7);
        }
    }

    @Test
    @Order(7)
    void pgbouncerTargetYieldsPgbouncerMetrics() throws Exception {
        primary.psql("SELECT 1", "postgres"); // nothing to do with bouncer; keeps the primary busy a bit
        try (ExporterTarget t = ExporterTarget.builder("postgres://postgres:" + PgFixture.PASSWORD + "@127.0.0.1:" + bouncerPort
                + "/pgbouncer").connectTimeout(CONNECT).build()) {
            String body = t.scrape();
            assertThat(value(body, "pgbouncer_up")).isEqualTo(1);
            assertThat(value(body, "pgbouncer_version")).isGreaterThanOrEqualTo(10800);
            assertThat(names(body)).contains("pgbouncer_pool_active_clients", "pgbouncer_pool_idle_servers",
                    "pgbouncer_stat_xact_count", "pgbouncer_stat_query_time", "pgbouncer_database_pool_size",
                    "pgbouncer_list_items").doesNotContain("pg_up", "pg_db_xact_commit");
            assertThat(value(body, "pgbouncer_database_pool_size", "datname=\"app\"")).isEqualTo(5);
            assertThat(value(body, "pgbouncer_exporter_query_scrape_error_count")).isZero();
            assertThat(body).doesNotContainPattern("pgbouncer_exporter_query_scrape_error_count\\{[^}]*} [1-9]")
                    .contains("pgbouncer_in_recovery 0\n", "pgbouncer_exporter_build_info{").doesNotContain("pg_exporter_");
        }
    }

    @Test
    @Order(7)
    void prometheusScrapesTheShadedJar() throws Exception {
        Path jar = Path.of("target/pg-exporter.jar");
        assertThat(jar).as("mvn package builds the runnable jar before the ITs").exists();
        int exporterPort = PgFixture.freePort();
        Process exp = fx.spawn(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toAbsolutePath().toString(), "--url", primary.url("postgres"), "--listen", "127.0.0.1:" + exporterPort,
                "--label", "ins=pg-test-1"), fx.dir().resolve("exporter.log"));
        PgFixture.waitForPort(exporterPort, exp, "pg-exporter.jar");
        int promPort = PgFixture.freePort();
        Path promDir = fx.dir().resolve("prom");
        Files.createDirectories(promDir.resolve("data"));
        Files.writeString(promDir.resolve("prometheus.yml"), String.join("\n",
                "global: { scrape_interval: 1s, evaluation_interval: 1s }",
                "scrape_configs:",
                "  - job_name: pgsql",
                "    static_configs: [ { targets: [ '127.0.0.1:" + exporterPort + "' ], labels: { cls: pg-test } } ]",
                ""));
        Process prom = fx.spawn(List.of("/usr/bin/prometheus", "--config.file=" + promDir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + promDir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort),
                promDir.resolve("prometheus.log"));
        PgFixture.waitForPort(promPort, prom, "prometheus");
        String api = "http://127.0.0.1:" + promPort + "/api/v1/query?query=";
        waitUntil(() -> {
            String r = HTTP.send(HttpRequest.newBuilder(URI.create(api + "pg_up")).build(), HttpResponse.BodyHandlers.ofString()).body();
            return r.contains("\"__name__\":\"pg_up\"") && r.contains("\"ins\":\"pg-test-1\"") && r.contains("\"1\"]");
        }, "prometheus to hold pg_up from the exporter");
        String health = HTTP.send(HttpRequest.newBuilder(URI.create(api + "up")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(health).contains("\"job\":\"pgsql\"").contains("\"1\"]");
        String count = HTTP.send(HttpRequest.newBuilder(URI.create(api + "count(%7B__name__%3D~%22pg_.*%22%7D)")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(count).contains("\"status\":\"success\"");
        Matcher m = Pattern.compile("\"(\\d+)\"\\]").matcher(count);
        assertThat(m.find()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("series Prometheus ingested").isGreaterThan(1000);
        prom.destroy();
        exp.destroy();
        assertThat(prom.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(exp.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(fx.dir().resolve("exporter.log"));
        assertThat(log).contains("postgres://postgres:******@127.0.0.1:" + primary.port).doesNotContain(PgFixture.PASSWORD);
    }

    @Test
    @Order(8)
    void firstScrapeAfterAPostgresRestartIsUp() throws Exception {
        try (ExporterTarget t = ExporterTarget.builder(replica.url("postgres")).connectTimeout(CONNECT).autoDiscovery(false).build()) {
            assertThat(value(t.scrape(), "pg_up")).isEqualTo(1);
            replica.stop(); // kills the exporter's connection: "terminating connection due to administrator command"
            replica.start();
            waitUntil(() -> {
                try {
                    return replica.psql("SELECT 1", "postgres").equals("1");
                } catch (AssertionError notYet) {
                    return false;
                }
            }, "the replica to accept connections again");
            String body = t.scrape();
            assertThat(value(body, "pg_up")).as("the stale connection is replaced within the scrape").isEqualTo(1);
            assertThat(value(body, "pg_exporter_server_scrape_error_count", "datname=\"postgres\"")).isZero();
        }
    }

    @Test
    @Order(9)
    void stoppedServerIsDownEverywhere() throws Exception {
        replica.stop();
        assertThat(get(onReplica, "/up").statusCode()).isEqualTo(503);
        assertThat(get(onReplica, "/primary").statusCode()).isEqualTo(503);
        assertThat(get(onReplica, "/replica").statusCode()).isEqualTo(503);
        assertThat(get(onReplica, "/read").statusCode()).isEqualTo(503);
        assertThat(get(onReplica, "/up").body()).isEqualTo("down");
        String body = get(onReplica, "/metrics").body();
        assertThat(value(body, "pg_up")).isZero();
        assertThat(value(body, "pg_exporter_up")).isEqualTo(1);
        assertThat(value(body, "pg_version")).as("the last known version, while down").isBetween(150000.0, 159999.0);
        assertThat(value(body, "pg_in_recovery")).as("the last known role, while down").isEqualTo(1);
        assertThat(value(body, "pg_exporter_build_info")).isEqualTo(1);
        assertThat(names(body)).doesNotContain("pg_recv_flush_lsn", "pg_db_xact_commit");
        assertThat(body).doesNotContain(PgFixture.PASSWORD);
    }
}
