package io.pigsty.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.Host;
import io.pigsty.model.Inventory;
import io.pigsty.monitor.prometheus.DashboardQueries;
import io.pigsty.monitor.prometheus.GrafanaArtifacts;
import io.pigsty.monitor.prometheus.MonitorUrls;
import io.pigsty.monitor.prometheus.PrometheusArtifacts;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Monitoring on the shared sandbox (issue 13): the infra node's Prometheus scrapes every target of the
 * deployment (exporters on every member, node exporter, Patroni, HAProxy, etcd, ping), {@code pg_up}
 * has a series per member, every query of every bundled Grafana dashboard returns a series for
 * pg-test, and PostgresDown fires in Alertmanager when a replica's PostgreSQL stops,
 * then resolves. Read-only but for that one stop, which it undoes; runs before the fault tests.
 */
@UsesSharedSandbox
@Order(ItOrder.DEPLOY + 10)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    /** Scrape interval of the sandbox (Pigsty's default), the unit of every wait below. */
    static final Duration SCRAPE = Duration.ofSeconds(10);
    /** PostgresDown's {@code for:} in rules/pgsql.yml. */
    static final Duration POSTGRES_DOWN_FOR = Duration.ofMinutes(1);
    static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + url + " -> " + r.body()).isEqualTo(200);
        return r.body();
    }

    static JsonNode query(MonitorUrls u, String promql) throws IOException, InterruptedException {
        JsonNode n = JSON.readTree(get(u.tsdb() + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)));
        assertThat(n.path("status").asText()).as(promql + ": " + n).isEqualTo("success");
        return n.path("data").path("result");
    }

    /** Polls until the condition holds; fails naming what it waited for and the last value seen. */
    static <T> T await(String what, Duration timeout, IoSupplier<T> probe, Predicate<T> ok) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            last = probe.get();
            if (ok.test(last)) {
                return last;
            }
            Thread.sleep(2_000);
        }
        throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; last seen: " + last);
    }

    interface IoSupplier<T> {
        T get() throws Exception;
    }

    static MonitorUrls urls(Inventory inv) {
        return MonitorUrls.of(inv).orElseThrow(() -> new AssertionError("the sandbox inventory has no infra node"));
    }

    @Test
    @Order(1)
    void everyTargetOfEveryJobIsUp(Inventory inv) throws Exception {
        MonitorUrls u = urls(inv);
        PrometheusArtifacts prom = PrometheusArtifacts.of(inv);
        int expected = prom.targets().size();
        // file_sd picks files up within its refresh interval, the first scrape follows within one interval
        JsonNode targets = await("all " + expected + " targets active and up", SCRAPE.multipliedBy(6), () ->
                JSON.readTree(get(u.tsdb() + "/api/v1/targets?state=active")).path("data").path("activeTargets"),
                t -> t.size() == expected && all(t, x -> x.path("health").asText().equals("up")));
        Map<String, Integer> perJob = new TreeMap<>();
        targets.forEach(t -> perJob.merge(t.path("labels").path("job").asText(), 1, Integer::sum));
        assertThat(perJob.keySet()).contains("pgsql", "pgbouncer", "patroni", "haproxy", "node", "etcd", "infra", "ping");
        System.out.println("targets up per job: " + perJob);
    }

    static boolean all(JsonNode array, Predicate<JsonNode> p) {
        for (JsonNode n : array) {
            if (!p.test(n)) {
                return false;
            }
        }
        return true;
    }

    @Test
    @Order(2)
    void pgTestHasThreeMembersAndAReplicaLag(Inventory inv) throws Exception {
        MonitorUrls u = urls(inv);
        JsonNode up = await("pg_up{cls=\"pg-test\"} == 1 for 3 members", SCRAPE.multipliedBy(3),
                () -> query(u, "pg_up{cls=\"pg-test\"} == 1"), r -> r.size() == 3);
        assertThat(up).hasSize(3);
        JsonNode lag = await("a replica's lag series", SCRAPE.multipliedBy(6), () -> query(u, "pg:ins:lag_bytes{cls=\"pg-test\"}"),
                r -> r.size() >= 1);
        assertThat(lag.get(0).path("metric").path("ins").asText()).matches("pg-test-[23]");
    }

    /**
     * Panels whose query is rightly empty on a healthy, idle cluster, each with the reason; every
     * other query of every bundled dashboard must return a series.
     */
    static final Map<String, String> EMPTY_WHEN_HEALTHY = Map.of();

    @Test
    @Order(3)
    void everyDashboardQueryReturnsASeriesForPgTest(Inventory inv) throws Exception {
        MonitorUrls u = urls(inv);
        Map<String, String> vars = Map.of("cls", "pg-test", "ins", "pg-test-1", "datname", "test", "datasource", "ds-prometheus");
        List<DashboardQueries.PanelQuery> all = new ArrayList<>();
        for (String uid : GrafanaArtifacts.DASHBOARD_UIDS) {
            all.addAll(DashboardQueries.of(GrafanaArtifacts.dashboard(uid), vars));
        }
        // the database dashboard's PgBouncer panel shows the pools in use, and PgBouncer lists a pool once a
        // client has used it: an application's connection through pg-test-1's PgBouncer, held during the check
        try (Connection app = SharedSandbox.connect("10.213.0.11", 6432, "test", "Test.Pass.1", "test")) {
            try (Statement st = app.createStatement()) {
                st.execute("select 1");
            }
            checkDashboardQueries(u, all);
        }
    }

    void checkDashboardQueries(MonitorUrls u, List<DashboardQueries.PanelQuery> all) throws Exception {
        List<DashboardQueries.PanelQuery> checked = all.stream().filter(q -> !EMPTY_WHEN_HEALTHY.containsKey(q.where())).toList();
        // rate() over $__rate_interval needs two samples of a fresh series: wait a few scrapes, not a count of tries
        List<String> empty = await("a series for each of " + checked.size() + " dashboard queries", SCRAPE.multipliedBy(9), () -> {
            List<String> none = new ArrayList<>();
            for (DashboardQueries.PanelQuery q : checked) {
                if (query(u, q.expr()).isEmpty()) {
                    none.add(q.where() + ": " + q.expr());
                }
            }
            return none;
        }, List::isEmpty);
        assertThat(empty).isEmpty();
        assertThat(EMPTY_WHEN_HEALTHY.keySet()).as("exempt panels that exist").allMatch(w -> all.stream().anyMatch(q -> q.where().equals(w)));
        System.out.printf("dashboard queries with a series for pg-test: %d of %d (%d exempt)%n", checked.size(), all.size(),
                all.size() - checked.size());
    }

    @Test
    @Order(4)
    void postgresDownFiresWithinItsForPlusTwoScrapesAndResolves(Inventory inv, Executor ex) throws Exception {
        MonitorUrls u = urls(inv);
        String am = u.alertmanager().orElseThrow();
        Host node = new Host("10.213.0.13", "pg-test-3");
        Duration bound = POSTGRES_DOWN_FOR.plus(SCRAPE.multipliedBy(2));
        long t0 = System.nanoTime();
        // stopping Patroni stops its PostgreSQL and keeps it stopped (pg-test-3 is a replica: no failover)
        Command stop = Command.of("systemctl", "stop", "patroni");
        ex.run(node, stop).requireOk(node, stop);
        try {
            await("PostgresDown firing for pg-test-3 in Alertmanager", bound.plus(Duration.ofSeconds(15)), () -> alerts(am),
                    a -> contains(a, "PostgresDown", "pg-test-3"));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            System.out.printf("PostgresDown firing after %.1f s (bound %d s)%n", took.toMillis() / 1000.0, bound.toSeconds());
            assertThat(took).isLessThanOrEqualTo(bound.plus(Duration.ofSeconds(15)));
        } finally {
            Command start = Command.of("systemctl", "start", "patroni");
            ex.run(node, start).requireOk(node, start);
        }
        // resolved: Alertmanager drops the alert from its active list once the rule stops firing
        await("PostgresDown resolved for pg-test-3", SCRAPE.multipliedBy(9), () -> alerts(am),
                a -> !contains(a, "PostgresDown", "pg-test-3"));
        await("pg_up back to 3 members", SCRAPE.multipliedBy(3), () -> query(u, "pg_up{cls=\"pg-test\"} == 1"), r -> r.size() == 3);
    }

    static JsonNode alerts(String am) throws Exception {
        return JSON.readTree(get(am + "/api/v2/alerts?active=true&silenced=false&inhibited=false"));
    }

    static boolean contains(JsonNode alerts, String name, String ins) {
        for (JsonNode a : alerts) {
            if (a.path("labels").path("alertname").asText().equals(name) && a.path("labels").path("ins").asText().equals(ins)
                    && a.path("status").path("state").asText().equals("active")) {
                return true;
            }
        }
        return false;
    }
}
