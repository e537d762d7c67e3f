package io.pigsty.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** pg_exporter v1.4.1's endpoints, built-in metrics and reload, without a database (down, starting). */
class PgExporterEndpointsTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static HttpResponse<String> call(Exporter e, String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.address().getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(Exporter e, String path) throws Exception {
        return call(e, "GET", path);
    }

    /** A port nothing listens on. */
    static int closedPort() throws IOException {
        return PgFixture.freePort();
    }

    static Exporter start(ExporterTarget t) throws IOException {
        return Exporter.start(new InetSocketAddress("127.0.0.1", 0), t, () -> {
            throw new ConfigException(List.of("c.yml: bad.metrics[0].x.usage: unknown usage 'NOPE'"));
        }, "/m");
    }

    @Test
    void downTargetServesPgExportersEndpointsAndBuiltins() throws Exception {
        try (Exporter e = start(ExporterTarget.builder("postgres://u:pw@127.0.0.1:" + closedPort() + "/postgres")
                .constantLabels(Map.of("cls", "pg-test")).build())) {
            for (String p : List.of("/slave", "/replica", "/primary", "/up", "/read")) {
                HttpResponse<String> r = get(e, p);
                assertThat(r.statusCode()).as(p).isEqualTo(503);
                assertThat(r.body()).as(p).isEqualTo("down");
            }
            assertThat(get(e, "/version").body()).startsWith("pg_exporter version ").contains("\ngoos: linux\n");
            assertThat(get(e, "/stat").body()).startsWith("name                     total      hit        error      skip");
            HttpResponse<String> bad = get(e, "/reload");
            assertThat(bad.statusCode()).isEqualTo(500);
            assertThat(bad.body()).startsWith("fail to reload: ").contains("unknown usage 'NOPE'");
            assertThat(call(e, "POST", "/reload").statusCode()).isEqualTo(500);
            assertThat(call(e, "PUT", "/reload").statusCode()).isEqualTo(405);
            assertThat(get(e, "/metrics").statusCode()).as("the telemetry path is /m here").isEqualTo(404);
            assertThat(get(e, "/").body()).contains("<a href='/m'>");
            String m = get(e, "/m").body();
            assertThat(m).contains("pg_up{cls=\"pg-test\"} 0\n", "pg_version{cls=\"pg-test\"} 0\n",
                    "pg_in_recovery{cls=\"pg-test\"} 0\n", "# TYPE pg_exporter_scrape_total_count counter\n",
                    "# TYPE pg_exporter_server_scrape_total_count gauge\n", "# TYPE pg_exporter_build_info gauge\n",
                    "pg_exporter_up{cls=\"pg-test\"} 1\n")
                    .containsPattern("pg_exporter_build_info\\{branch=\"[^\"]+\",builddate=\"[^\"]+\",cls=\"pg-test\",goarch=\"[^\"]+\","
                            + "goos=\"linux\",goversion=\"java[^\"]+\",revision=\"[^\"]+\",version=\"v[^\"]+\"} 1\n")
                    .doesNotContain("pw");
        }
    }

    @Test
    void theHttpServerSendsWithoutNagle() throws Exception {
        // with Nagle, a small body waits for the client's delayed ACK of the headers (40 ms: PgBouncer scrapes took ~45 ms)
        try (Exporter e = start(ExporterTarget.builder("postgres://u@127.0.0.1:" + closedPort() + "/pgbouncer").build())) {
            assertThat(get(e, "/up").statusCode()).isEqualTo(503);
            assertThat(System.getProperty(Exporter.NODELAY_PROPERTY)).as("TCP_NODELAY on accepted connections").isEqualTo("true");
        }
    }

    @Test
    void pgbouncerModeUsesPgbouncerNames() throws Exception {
        try (ExporterTarget t = ExporterTarget.builder("postgres://u@127.0.0.1:" + closedPort() + "/pgbouncer").build()) {
            String m = t.scrape();
            assertThat(m).contains("pgbouncer_up 0\n", "pgbouncer_version 0\n", "pgbouncer_in_recovery 0\n",
                    "pgbouncer_exporter_up 1\n", "pgbouncer_exporter_build_info{", "pgbouncer_exporter_scrape_total_count 1\n",
                    "pgbouncer_exporter_server_scrape_total_count{datname=\"pgbouncer\"} 1\n")
                    .doesNotContain("pg_up", "pg_exporter_");
        }
        try (ExporterTarget t = ExporterTarget.builder("postgres://u@127.0.0.1:" + closedPort() + "/postgres").namespace("pgx")
                .build()) {
            assertThat(t.scrape()).contains("pgx_up 0\n", "pgx_exporter_up 1\n").doesNotContain("pg_up", "pg_exporter_");
        }
        try (ExporterTarget t = ExporterTarget.builder("postgres://u@127.0.0.1:" + closedPort() + "/postgres").introspection(false)
                .build()) {
            assertThat(t.scrape()).as("--disable-intro drops the built-ins too, as pg_exporter").isEmpty();
        }
    }

    @Test
    void startingStateWhenTheServerAnswers57P03() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread fake = new Thread(() -> {
                while (!ss.isClosed()) {
                    try (Socket s = ss.accept()) {
                        DataInputStream in = new DataInputStream(s.getInputStream());
                        in.readFully(new byte[in.readInt() - 4]); // the startup packet
                        DataOutputStream out = new DataOutputStream(s.getOutputStream());
                        byte[] body = ("SFATAL\0VFATAL\0C57P03\0Mthe database system is starting up\0\0")
                                .getBytes(StandardCharsets.UTF_8);
                        out.writeByte('E');
                        out.writeInt(body.length + 4);
                        out.write(body);
                        out.flush();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "fake-starting-postgres");
            fake.setDaemon(true);
            fake.start();
            try (Exporter e = start(ExporterTarget.builder("postgres://u:pw@127.0.0.1:" + ss.getLocalPort() + "/postgres").build())) {
                HttpResponse<String> up = get(e, "/up");
                assertThat(up.statusCode()).isEqualTo(503);
                assertThat(up.body()).isEqualTo("starting");
                assertThat(get(e, "/primary").body()).isEqualTo("starting");
                assertThat(get(e, "/m").body()).contains("pg_up 0\n");
                assertThat(e.target().status()).isEqualTo(TargetStatus.STARTING);
            }
        }
    }

    @Test
    void sighupRunsTheReload() throws Exception {
        CountDownLatch reloaded = new CountDownLatch(1);
        // other tests of this JVM start exporters, which install their own handler: ours is installed again before
        // each signal, and a signal is sent once a second until the handler ran, for 30 s at most (a CI machine
        // with a CPU hog once let the one signal of a 10 s wait go by)
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        boolean ran = false;
        while (!ran && System.nanoTime() < until) {
            assertThat(ExporterMain.onReloadSignal(reloaded::countDown)).isGreaterThanOrEqualTo(1);
            Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(ProcessHandle.current().pid())).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            ran = reloaded.await(1, TimeUnit.SECONDS);
        }
        assertThat(ran).as("the SIGHUP handler ran within 30 s").isTrue();
    }
}
