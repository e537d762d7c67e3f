package io.pigsty.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Playbook;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.plan.Plan;
import io.pigsty.model.Inventory;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgTuning;
import io.pigsty.model.RtoMode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every HA template is read by the program that will read it on a host: Patroni's validator,
 * HAProxy's config check, a real etcd started from the rendered config, keepalived's config test.
 */
class HaConfigRealReadersIT {
    private static final Inventory SANDBOX = Inventory.sample("sandbox");

    static String run(Path dir, List<String> argv, int expectExit) throws Exception {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + argv);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(argv + " said:\n" + out).isEqualTo(expectExit);
        return out;
    }

    static Path write(Path dir, FileSpec f) throws IOException {
        Path p = dir.resolve(f.path().substring(1));
        Files.createDirectories(p.getParent());
        Files.write(p, f.content());
        return p;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @ParameterizedTest
    @EnumSource(PgTuning.class)
    void patroniValidatesEveryTuningAndRtoMode(PgTuning tuning, @TempDir Path dir) throws Exception {
        for (RtoMode rto : RtoMode.values()) {
            PgCluster c = SANDBOX.requireCluster("pg-test").toBuilder().tuning(tuning).rto(rto).build();
            Plan plan = HaFiles.plan(SANDBOX.withCluster(c), Playbook.pgsqlCreate("pg-test"));
            for (String host : List.of("10.213.0.11", "10.213.0.13")) {
                FileSpec f = HaFiles.files(plan, host).get("/etc/patroni/patroni.yml");
                // Patroni's validator binds the REST listen address: only that is made local
                String text = f.text().replace("listen: " + host + ":8008", "listen: 127.0.0.1:" + freePort());
                Path p = dir.resolve(tuning + "-" + rto + "-" + host + ".yml");
                Files.writeString(p, text);
                String out = run(dir, List.of("patroni", "--validate-config", p.toString()), 0);
                assertThat(out).doesNotContain("is not");
                // the REST API's write endpoints need Pigsty's patroni_username/patroni_password; the
                // file holding them is the dbsu's alone and never shown
                io.pigsty.model.Resolved g = SANDBOX.resolveGlobal();
                assertThat(text).contains("restapi:", "  authentication:\n    username: " + g.get(io.pigsty.model.Params.PATRONI_USERNAME)
                        + "\n    password: '" + g.get(io.pigsty.model.Params.PATRONI_PASSWORD).reveal() + "'\n");
                assertThat(f.secret()).isTrue();
                assertThat(f.mode()).isEqualTo("0600");
            }
        }
    }

    @Test
    void haproxyAcceptsEveryMembersConfig(@TempDir Path dir) throws Exception {
        Plan plan = HaFiles.plan(SANDBOX, Playbook.pgsqlCreate("pg-test"));
        // the members: the plan also makes the cluster's etcd user on the etcd member, which runs no HAProxy of pg-test
        for (String host : SANDBOX.requireCluster("pg-test").instances().stream().map(i -> i.ip()).toList()) {
            Path root = dir.resolve(host);
            for (FileSpec f : HaFiles.files(plan, host).values()) {
                if (f.path().startsWith("/etc/haproxy/")) {
                    write(root, f);
                }
            }
            assertThat(root.resolve("etc/haproxy/conf.d")).isDirectoryContaining("glob:**pg-test-primary.cfg");
            String out = run(dir, List.of("haproxy", "-c", "-f", root.resolve("etc/haproxy/haproxy.cfg").toString(),
                    "-f", root.resolve("etc/haproxy/conf.d").toString()), 0);
            assertThat(out).contains("Configuration file is valid");
        }
    }

    @Test
    void keepalivedAcceptsTheVipConfig(@TempDir Path dir) throws Exception {
        Plan plan = HaFiles.plan(SANDBOX, Playbook.pgsqlCreate("pg-test"));
        FileSpec f = HaFiles.files(plan, "10.213.0.12").get("/etc/keepalived/keepalived.conf");
        assertThat(f.text()).contains("10.213.0.3/24 dev eth0").contains("http://10.213.0.12:8008/primary");
        Path p = write(dir, f);
        run(dir, List.of("keepalived", "-t", "-l", "-f", p.toString()), 0);
    }

    @Test
    void restApiOverHttps_patroniHaproxyAndKeepalivedAcceptTheirConfigs(@TempDir Path dir) throws Exception {
        Plan plan = HaFiles.planTls(PatroniTlsTest.restTls(), Playbook.pgsqlCreate("pg-test"));
        // the files the PKI module would have put in /pg/cert: HAProxy opens its ca-file while checking
        Path cert = dir.resolve("cert");
        Files.createDirectories(cert);
        Files.writeString(cert.resolve("ca.crt"), HaFiles.PKI.caCertificatePem());
        FileSpec yml = HaFiles.files(plan, "10.213.0.11").get("/etc/patroni/patroni.yml");
        String text = yml.text().replace("listen: 10.213.0.11:8008", "listen: 127.0.0.1:" + freePort());
        assertThat(text).contains("  certfile: /pg/cert/server.crt\n", "ctl:\n");
        Path p = dir.resolve("patroni.yml");
        Files.writeString(p, text);
        assertThat(run(dir, List.of("patroni", "--validate-config", p.toString()), 0)).doesNotContain("is not");

        Path root = dir.resolve("haproxy");
        for (FileSpec f : HaFiles.files(plan, "10.213.0.11").values()) {
            if (f.path().startsWith("/etc/haproxy/")) {
                Path w = write(root, f);
                Files.writeString(w, Files.readString(w).replace("/pg/cert/ca.crt", cert.resolve("ca.crt").toString()));
            }
        }
        assertThat(Files.readString(root.resolve("etc/haproxy/conf.d/pg-test-primary.cfg"))).contains("check-ssl verify required ca-file");
        assertThat(run(dir, List.of("haproxy", "-c", "-f", root.resolve("etc/haproxy/haproxy.cfg").toString(),
                "-f", root.resolve("etc/haproxy/conf.d").toString()), 0)).contains("Configuration file is valid");

        FileSpec ka = HaFiles.files(plan, "10.213.0.12").get("/etc/keepalived/keepalived.conf");
        assertThat(ka.text()).contains("--cacert /pg/cert/ca.crt -X OPTIONS https://10.213.0.12:8008/primary");
        run(dir, List.of("keepalived", "-t", "-l", "-f", write(dir, ka).toString()), 0);
    }

    @Test
    void etcdStartsFromTheRenderedConfig(@TempDir Path dir) throws Exception {
        Plan plan = HaFiles.plan(SANDBOX, Playbook.etcd());
        FileSpec f = HaFiles.files(plan, "10.213.0.10").get("/etc/etcd/etcd.conf.yml");
        int client = freePort();
        int peer = freePort();
        // only what must be local changes: addresses, ports, data dir
        String text = f.text().replace("10.213.0.10", "127.0.0.1").replace(":2379", ":" + client)
                .replace(":2380", ":" + peer).replace("/data/etcd", dir.resolve("data").toString())
                .replace("http://127.0.0.1:" + client + ",http://127.0.0.1:" + client, "http://127.0.0.1:" + client);
        Path cfg = dir.resolve("etcd.conf.yml");
        Files.writeString(cfg, text);
        Process etcd = new ProcessBuilder("etcd", "--config-file", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("etcd.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            String members = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && members == null) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + client
                            + "/v3/cluster/member/list")).timeout(Duration.ofSeconds(2))
                            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        members = r.body();
                    }
                } catch (IOException e) {
                    Thread.sleep(200);
                }
            }
            assertThat(members).as(Files.readString(dir.resolve("etcd.log"))).contains("\"name\":\"etcd-1\"");
            String health = run(dir, List.of("etcdctl", "--endpoints=http://127.0.0.1:" + client, "endpoint", "health"), 0);
            assertThat(health).contains("is healthy");
        } finally {
            etcd.destroy();
            etcd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void unitsPassSystemdAnalyze(@TempDir Path dir) throws Exception {
        Plan plan = HaFiles.plan(SANDBOX, Playbook.pgsqlCreate("pg-test"));
        List<String> units = new ArrayList<>();
        for (Map.Entry<String, FileSpec> e : HaFiles.files(plan, "10.213.0.11").entrySet()) {
            if (e.getKey().endsWith(".service")) {
                units.add(write(dir, e.getValue()).toString());
            }
        }
        assertThat(units).hasSize(2);
        for (String u : units) {
            run(dir, List.of("systemd-analyze", "verify", "--man=no", u), 0);
        }
    }
}
