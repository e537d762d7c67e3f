package io.pigsty.monitor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.monitor.CollectorSet;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** pg_exporter v1.4.1's value, predicate and cache rules, against a scripted server. */
class DbServerCompatTest {
    static final PgUrl URL = PgUrl.parse("postgres://dbuser_monitor@127.0.0.1:5432/postgres");

    final FakeServer pg = new FakeServer();
    final DbServer server = new DbServer(URL, true, 1, pg.opener());

    /** One scrape rendered with the database's self-metrics, plus a pg_up line. */
    String scrape(CollectorSet set, boolean cache) {
        DbServer.Result r = server.scrape(set.collectors(), set, Set.of(), cache, List.of());
        MetricWriter w = new MetricWriter();
        if (r.up()) {
            r.blocks().forEach(w::addBlock);
        }
        List<Emit> self = new ArrayList<>();
        server.selfMetricsTo(self, "pg");
        self.forEach(e -> e.to(w, List.of()));
        w.add("pg_up", MetricWriter.Type.GAUGE, "up", List.of(), r.up() ? 1 : 0);
        return w.render();
    }

    String scrape(CollectorSet set) {
        return scrape(set, true);
    }

    static String sample(String text, String nameAndLabels) {
        for (String line : text.split("\n")) {
            if (line.startsWith(nameAndLabels + " ")) {
                return line.substring(nameAndLabels.length() + 1);
            }
        }
        throw new AssertionError("no sample " + nameAndLabels + " in\n" + text);
    }

    @Test
    void nullIsNaNWithoutDefaultAndTheDefaultIsScaled() {
        pg.answer("SELECT v", FakeServer.Table.of(List.of("k", "a", "b", "c", "ts", "flag", "txt"),
                List.of("text", "int8", "int8", "int8", "timestamptz", "bool", "text"),
                new Object[] {"x", null, null, 2000L, new Timestamp(1_700_000_000_500L), true, "n/a"}));
        CollectorSet set = CollectorSet.parse("v.yml", """
                v:
                  query: SELECT v
                  metrics:
                    - k:    { usage: LABEL }
                    - a:    { usage: GAUGE }
                    - b:    { usage: GAUGE, default: 5, scale: 1e-3 }
                    - c:    { usage: COUNTER, scale: 1e-3 }
                    - ts:   { usage: GAUGE, scale: 1e-3 }
                    - flag: { usage: GAUGE, scale: 10 }
                    - txt:  { usage: GAUGE }
                """);
        String out = scrape(set);
        assertThat(sample(out, "v_a{k=\"x\"}")).as("NULL without default").isEqualTo("NaN");
        assertThat(sample(out, "v_b{k=\"x\"}")).as("default 5 times scale 1e-3").isEqualTo("0.005");
        assertThat(sample(out, "v_c{k=\"x\"}")).isEqualTo("2");
        assertThat(sample(out, "v_ts{k=\"x\"}")).as("times are whole unix seconds, unscaled").isEqualTo("1700000000");
        assertThat(sample(out, "v_flag{k=\"x\"}")).as("booleans are unscaled").isEqualTo("1");
        assertThat(sample(out, "v_txt{k=\"x\"}")).as("text that is no number").isEqualTo("NaN");
        assertThat(sample(out, "pg_exporter_query_scrape_error_count{datname=\"postgres\",query=\"v\"}")).isEqualTo("0");
    }

    @Test
    void aMissingMetricColumnIsSkippedAMissingLabelFailsTheCollector() {
        pg.answer("SELECT m", FakeServer.Table.of(List.of("k", "x"), List.of("text", "int4"), new Object[] {"a", 1}));
        CollectorSet set = CollectorSet.parse("m.yml", """
                m:
                  query: SELECT m
                  metrics: [ { k: { usage: LABEL } }, { x: { usage: GAUGE } }, { gone: { usage: GAUGE } } ]
                l:
                  query: SELECT m
                  metrics: [ { nolabel: { usage: LABEL } }, { x: { usage: GAUGE } } ]
                """);
        String out = scrape(set);
        assertThat(sample(out, "m_x{k=\"a\"}")).isEqualTo("1");
        assertThat(out).doesNotContain("m_gone");
        assertThat(sample(out, "pg_exporter_query_scrape_error_count{datname=\"postgres\",query=\"m\"}")).isEqualTo("0");
        assertThat(sample(out, "pg_exporter_query_scrape_error_count{datname=\"postgres\",query=\"l\"}")).isEqualTo("1");
        assertThat(out).doesNotContain("l_x");
    }

    @Test
    void histogramIsThreeGaugeFamiliesWithGoStyleBounds() {
        pg.answer("SELECT h", FakeServer.Table.of(List.of("g", "v"), List.of("text", "float8"),
                new Object[] {"a", 0.2}, new Object[] {"a", 0.7}, new Object[] {"a", 3.0}, new Object[] {"a", null},
                new Object[] {"b", 2e6}));
        CollectorSet set = CollectorSet.parse("h.yml", """
                h:
                  query: SELECT h
                  metrics:
                    - g: { usage: LABEL }
                    - v: { usage: HISTOGRAM, bucket: [0.5, 1, 1000000], description: latency }
                """);
        String out = scrape(set);
        assertThat(out).contains("# TYPE h_v_bucket gauge\n", "# TYPE h_v_count gauge\n", "# TYPE h_v_sum gauge\n",
                "# HELP h_v_bucket latency (cumulative bucket)\n", "# HELP h_v_sum latency (observation sum)\n",
                "h_v_bucket{g=\"a\",le=\"0.5\"} 1\n", "h_v_bucket{g=\"a\",le=\"1\"} 2\n", "h_v_bucket{g=\"a\",le=\"1e+06\"} 3\n",
                "h_v_bucket{g=\"a\",le=\"+Inf\"} 3\n", "h_v_count{g=\"a\"} 3\n", "h_v_sum{g=\"a\"} 3.9\n",
                "h_v_bucket{g=\"b\",le=\"1e+06\"} 0\n", "h_v_bucket{g=\"b\",le=\"+Inf\"} 1\n")
                .doesNotContain("histogram", "h_v{");
        assertThat(sample(out, "pg_exporter_query_scrape_metric_count{datname=\"postgres\",query=\"h\"}"))
                .as("4 buckets + count + sum, two groups").isEqualTo("12");
    }

    @Test
    void goFloatMatchesStrconvG() {
        assertThat(List.of(0.5, 1.0, 100000.0, 1e6, 1.5e7, 0.0001, 0.00001, 1e-3, 2.5, 123456.0, -3e-7))
                .extracting(MetricWriter::goFloat)
                .containsExactly("0.5", "1", "100000", "1e+06", "1.5e+07", "0.0001", "1e-05", "0.001", "2.5", "123456", "-3e-07");
    }

    static final String PREDICATES = """
            p_true:  { query: SELECT 1, predicate_queries: [ { name: ok, predicate_query: SELECT true } ], metrics: [ { x: { usage: GAUGE } } ] }
            p_false: { query: SELECT 1, predicate_queries: [ { name: nope, predicate_query: SELECT false } ], metrics: [ { x: { usage: GAUGE } } ] }
            p_none:  { query: SELECT 1, predicate_queries: [ { predicate_query: SELECT norow } ], metrics: [ { x: { usage: GAUGE } } ] }
            p_null:  { query: SELECT 1, predicate_queries: [ { predicate_query: SELECT null::bool } ], metrics: [ { x: { usage: GAUGE } } ] }
            p_two:   { query: SELECT 1, predicate_queries: [ { predicate_query: 'SELECT true, true' } ], metrics: [ { x: { usage: GAUGE } } ] }
            p_int:   { query: SELECT 1, predicate_queries: [ { predicate_query: SELECT 1 AS one } ], metrics: [ { x: { usage: GAUGE } } ] }
            p_rows:  { query: SELECT 1, predicate_queries: [ { predicate_query: SELECT tworows } ], metrics: [ { x: { usage: GAUGE } } ] }
            p_slow:  { query: SELECT 1, timeout: 0.25, predicate_queries: [ { predicate_query: SELECT true } ], metrics: [ { x: { usage: GAUGE } } ] }
            """;

    void scriptPredicates() {
        List<String> b = List.of("bool");
        pg.answer("SELECT 1", FakeServer.Table.of(List.of("x"), List.of("int4"), new Object[] {1}));
        pg.answer("SELECT true", FakeServer.Table.of(List.of("bool"), b, new Object[] {true}));
        pg.answer("SELECT false", FakeServer.Table.of(List.of("bool"), b, new Object[] {false}));
        pg.answer("SELECT norow", FakeServer.Table.of(List.of("bool"), b));
        pg.answer("SELECT null::bool", FakeServer.Table.of(List.of("bool"), b, new Object[] {null}));
        pg.answer("SELECT true, true", FakeServer.Table.of(List.of("a", "b"), List.of("bool", "bool"), new Object[] {true, true}));
        pg.answer("SELECT 1 AS one", FakeServer.Table.of(List.of("one"), List.of("int4"), new Object[] {1}));
        pg.answer("SELECT tworows", FakeServer.Table.of(List.of("bool"), b, new Object[] {true}, new Object[] {true}));
    }

    @Test
    void predicatesFollowPgExporterRules() {
        scriptPredicates();
        String out = scrape(CollectorSet.parse("p.yml", PREDICATES));
        String q = "{datname=\"postgres\",query=\"";
        assertThat(sample(out, "p_true_x")).isEqualTo("1");
        for (String skipped : List.of("p_false", "p_none", "p_null")) {
            assertThat(out).doesNotContain(skipped + "_x");
            assertThat(sample(out, "pg_exporter_query_scrape_predicate_skip_count" + q + skipped + "\"}")).as(skipped).isEqualTo("1");
            assertThat(sample(out, "pg_exporter_query_scrape_error_count" + q + skipped + "\"}")).as(skipped).isEqualTo("0");
        }
        for (String failed : List.of("p_two", "p_int", "p_rows")) {
            assertThat(out).doesNotContain(failed + "_x");
            assertThat(sample(out, "pg_exporter_query_scrape_error_count" + q + failed + "\"}")).as(failed).isEqualTo("1");
            assertThat(sample(out, "pg_exporter_query_scrape_predicate_skip_count" + q + failed + "\"}")).as(failed).isEqualTo("0");
        }
        assertThat(pg.timeouts).as("predicates and queries run under the collector's timeout (default 0.1 s)")
                .allSatisfy(t -> assertThat(t).isBetween(1L, 250L));
    }

    @Test
    void failuresAndPredicateSkipsAreCachedForTheTtl() {
        scriptPredicates();
        pg.fail("SELECT broken", "relation \"nope\" does not exist", "42P01");
        CollectorSet set = CollectorSet.parse("c.yml", """
                broken:  { query: SELECT broken, ttl: 60, metrics: [ { x: { usage: GAUGE } } ] }
                skipped: { query: SELECT 1, ttl: 60, predicate_queries: [ { predicate_query: SELECT false } ], metrics: [ { x: { usage: GAUGE } } ] }
                fresh:   { query: SELECT broken, metrics: [ { x: { usage: GAUGE } } ] }
                """);
        scrape(set);
        String out = scrape(set);
        String q = "{datname=\"postgres\",query=\"";
        assertThat(pg.calls("SELECT false")).as("the skip is served from the cache").isEqualTo(1);
        assertThat(pg.calls("SELECT broken")).as("broken ran once; fresh (ttl 0) twice").isEqualTo(3);
        assertThat(sample(out, "pg_exporter_query_scrape_error_count" + q + "broken\"}")).isEqualTo("2");
        assertThat(sample(out, "pg_exporter_query_scrape_hit_count" + q + "broken\"}")).as("an error is no hit").isEqualTo("0");
        assertThat(sample(out, "pg_exporter_query_scrape_predicate_skip_count" + q + "skipped\"}")).isEqualTo("2");
        assertThat(sample(out, "pg_exporter_query_scrape_hit_count" + q + "skipped\"}")).isEqualTo("1");
        assertThat(sample(out, "pg_exporter_query_scrape_error_count" + q + "fresh\"}")).isEqualTo("2");
    }

    @Test
    void cacheTtlReportsTheRemainingTtl() throws Exception {
        pg.answer("SELECT 1", FakeServer.Table.of(List.of("x"), List.of("int4"), new Object[] {1}));
        CollectorSet set = CollectorSet.parse("t.yml", "t: { query: SELECT 1, ttl: 60, metrics: [ { x: { usage: GAUGE } } ] }\n");
        String first = scrape(set);
        String key = "pg_exporter_query_cache_ttl{datname=\"postgres\",query=\"t\"}";
        assertThat(Double.parseDouble(sample(first, key))).isEqualTo(60);
        Thread.sleep(300);
        double left = Double.parseDouble(sample(scrape(set), key));
        assertThat(left).isLessThan(59.8).isGreaterThan(58);
        assertThat(pg.calls("SELECT 1")).isEqualTo(1);
        assertThat(Double.parseDouble(sample(scrape(set, false), key))).as("cache disabled: runs, full ttl").isEqualTo(60);
        assertThat(pg.calls("SELECT 1")).isEqualTo(2);
    }

    @Test
    void selfMetricsAreGaugesKeyedByTheCollectorName() {
        pg.answer("SELECT 1", FakeServer.Table.of(List.of("x"), List.of("int4"), new Object[] {1}));
        CollectorSet set = CollectorSet.parse("n.yml", """
                pg_thing_15: { name: pg_thing, query: SELECT 1, metrics: [ { x: { usage: GAUGE } } ] }
                """);
        String out = scrape(set);
        assertThat(out).contains("# TYPE pg_exporter_query_scrape_total_count gauge\n",
                "# TYPE pg_exporter_server_scrape_total_count gauge\n",
                "pg_exporter_query_scrape_total_count{datname=\"postgres\",query=\"pg_thing\"} 1\n")
                .doesNotContain("query=\"pg_thing_15\"", "predicate_skip_count");
    }

    @Test
    void aConnectionKilledByARestartIsRetriedOnceWithinTheScrape() {
        pg.answer("SELECT 1", FakeServer.Table.of(List.of("x"), List.of("int4"), new Object[] {1}));
        CollectorSet set = CollectorSet.parse("r.yml", "r: { query: SELECT 1, metrics: [ { x: { usage: GAUGE } } ] }\n");
        assertThat(sample(scrape(set), "pg_up")).isEqualTo("1");
        pg.restart();
        String out = scrape(set);
        assertThat(sample(out, "pg_up")).as("first scrape after the restart").isEqualTo("1");
        assertThat(sample(out, "r_x")).isEqualTo("1");
        assertThat(pg.opened).isEqualTo(2);
        pg.down = true;
        assertThat(sample(scrape(set), "pg_up")).as("really down: one retry, then down").isEqualTo("0");
        assertThat(pg.opened).isEqualTo(2);
    }

    @Test
    void aCollectorWhoseConnectionBreaksMidScrapeIsRetriedOnce() {
        int[] n = {0};
        pg.answers.put("SELECT flaky", () -> {
            if (n[0]++ == 0) {
                pg.restart(); // the server goes away while this collector runs
                throw new IllegalStateException("08006|An I/O error occurred while sending to the backend.");
            }
            return FakeServer.Table.of(List.of("x"), List.of("int4"), new Object[] {7});
        });
        CollectorSet set = CollectorSet.parse("f.yml", "f: { query: SELECT flaky, metrics: [ { x: { usage: GAUGE } } ] }\n");
        String out = scrape(set);
        assertThat(sample(out, "f_x")).isEqualTo("7");
        assertThat(sample(out, "pg_exporter_query_scrape_error_count{datname=\"postgres\",query=\"f\"}")).isEqualTo("0");
    }

    @Test
    void fatalCollectorsRunFirstAndAFailureMeansDown() {
        pg.answer("SELECT 1", FakeServer.Table.of(List.of("x"), List.of("int4"), new Object[] {1}));
        pg.fail("SELECT must", "boom", "XX000");
        CollectorSet set = CollectorSet.parse("z.yml", """
                a_first: { query: SELECT 1, priority: 1, metrics: [ { x: { usage: GAUGE } } ] }
                z_fatal: { query: SELECT must, priority: 900, fatal: true, metrics: [ { x: { usage: GAUGE } } ] }
                """);
        String out = scrape(set);
        assertThat(sample(out, "pg_up")).isEqualTo("0");
        assertThat(pg.calls("SELECT 1")).as("the fatal collector ran before the others and stopped the scrape").isZero();
        assertThat(sample(out, "pg_exporter_server_scrape_error_count{datname=\"postgres\"}")).isEqualTo("1");
    }
}
