package io.pigsty.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.plan.PlanListener;
import io.pigsty.model.Inventory;
import io.pigsty.pki.CaSpec;
import io.pigsty.pki.Pki;
import io.pigsty.pki.PkiModule;
import io.pigsty.test.DryRunExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's TLS as the plans render it with the PKI module registered, read by a real etcd: the
 * rendered etcd.conf.yml with the certificate the PKI step writes for etcd-1, on loopback; the
 * CA-verified client is served, plain HTTP is not; Patroni's validator accepts the patroni.yml
 * that talks to it over https with the CA.
 */
class EtcdTlsRealIT {
    private static final Inventory SANDBOX = Inventory.sample("sandbox");
    private static final String MEMBER = "10.213.0.10";

    private static Pigsty pigsty(Pki pki, boolean ha) {
        var b = Pigsty.builder().inventory(SANDBOX).serviceLoader(false).module(new PkiModule(pki));
        if (ha) {
            b.module(new EtcdModule()).module(new PatroniModule());
        }
        return b.build();
    }

    @Test
    void etcdServesTlsWithTheDeploymentsCertificate_andRefusesPlainHttp(@TempDir Path dir) throws Exception {
        Pki pki = Pki.create(CaSpec.pigstyDefault());
        Plan plan = pigsty(pki, true).plan(Playbook.etcd());
        String conf = HaFiles.files(plan, MEMBER).get("/etc/etcd/etcd.conf.yml").text();
        assertThat(conf).contains("listen-client-urls: https://10.213.0.10:2379,https://127.0.0.1:2379",
                "initial-cluster: etcd-1=https://10.213.0.10:2380", "client-transport-security:", "peer-transport-security:",
                "client-cert-auth: true", "trusted-ca-file: /etc/etcd/ca.crt").doesNotContain("http://", "client-cert-auth: false");
        Plan certs = pigsty(pki, false).plan(Playbook.etcd());
        DryRunExecutor dry = DryRunExecutor.builder().model(certs).build();
        certs.apply(dry, PlanListener.NONE);
        Map<String, String> written = dry.filesWritten(MEMBER);
        Path certDir = Files.createDirectories(dir.resolve("cert"));
        for (String f : List.of("server.crt", "server.key", "ca.crt")) {
            Files.writeString(certDir.resolve(f), written.get("/etc/etcd/" + f));
        }
        int client = HaConfigRealReadersIT.freePort();
        int peer = HaConfigRealReadersIT.freePort();
        // only what must be local changes: addresses (the certificate names 127.0.0.1 too), ports, data dir, cert dir
        String text = conf.replace("10.213.0.10", "127.0.0.1").replace(":2379", ":" + client).replace(":2380", ":" + peer)
                .replace("/data/etcd", dir.resolve("data").toString()).replace("/etc/etcd/", certDir + "/")
                .replace("https://127.0.0.1:" + client + ",https://127.0.0.1:" + client, "https://127.0.0.1:" + client);
        Path cfg = dir.resolve("etcd.conf.yml");
        Files.writeString(cfg, text);
        Process etcd = new ProcessBuilder("etcd", "--config-file", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("etcd.log").toFile()).start();
        try {
            String url = "https://127.0.0.1:" + client;
            String health = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && !health.contains("is healthy")) {
                Process p = new ProcessBuilder("etcdctl", "--endpoints=" + url, "--cacert=" + certDir.resolve("ca.crt"),
                        "--cert=" + certDir.resolve("server.crt"), "--key=" + certDir.resolve("server.key"),
                        "--dial-timeout=2s", "endpoint", "health").redirectErrorStream(true).start();
                health = new String(p.getInputStream().readAllBytes());
                p.waitFor(10, TimeUnit.SECONDS);
                if (!health.contains("is healthy")) {
                    Thread.sleep(300);
                }
            }
            assertThat(health).as("etcd healthy over TLS within 30 s; log:\n" + Files.readString(dir.resolve("etcd.log")))
                    .contains("is healthy");
            // plain HTTP on the TLS port: etcd closes the connection without a reply (curl's 52)
            String plain = HaConfigRealReadersIT.run(dir, List.of("curl", "-s", "-m", "3", "-o", "/dev/null", "-w", "%{http_code}",
                    "http://127.0.0.1:" + client + "/health"), 52);
            assertThat(plain).isEqualTo("000");
            // TLS without the deployment's CA: the client refuses the unknown issuer
            HaConfigRealReadersIT.run(dir, List.of("curl", "-s", "-m", "3", url + "/health"), 60);
            // the CA but no client certificate: etcd (client-cert-auth) ends the handshake
            Process noCert = new ProcessBuilder("curl", "-s", "-m", "3", "--cacert", certDir.resolve("ca.crt").toString(),
                    url + "/health").redirectErrorStream(true).start();
            String refused = new String(noCert.getInputStream().readAllBytes());
            assertThat(noCert.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(noCert.exitValue()).as("curl without a client certificate: " + refused).isNotZero();
            assertThat(refused).doesNotContain("\"health\":\"true\"");
            // a certificate of the CA (the member's own, issued for client use too) is let in
            String ok = HaConfigRealReadersIT.run(dir, List.of("curl", "-s", "-m", "3", "--cacert",
                    certDir.resolve("ca.crt").toString(), "--cert", certDir.resolve("server.crt").toString(), "--key",
                    certDir.resolve("server.key").toString(), url + "/health"), 0);
            assertThat(ok).contains("\"health\":\"true\"");
        } finally {
            etcd.destroy();
            etcd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void patroniValidatesTheEtcd3SectionOverHttps(@TempDir Path dir) throws Exception {
        Plan plan = pigsty(Pki.create(CaSpec.pigstyDefault()), true).plan(Playbook.pgsqlCreate("pg-test"));
        String yml = HaFiles.files(plan, "10.213.0.11").get("/etc/patroni/patroni.yml").text();
        assertThat(yml).contains("  protocol: https\n  cacert: /pg/cert/ca.crt\n  cert: /pg/cert/etcd.crt\n  key: /pg/cert/etcd.key\n");
        // Patroni's validator binds the REST listen address and reads the files it names
        Path ca = Files.writeString(dir.resolve("ca.crt"), "x");
        String text = yml.replace("listen: 10.213.0.11:8008", "listen: 127.0.0.1:" + HaConfigRealReadersIT.freePort())
                .replace("/pg/cert/ca.crt", ca.toString())
                .replace("/pg/cert/etcd.crt", Files.writeString(dir.resolve("etcd.crt"), "x").toString())
                .replace("/pg/cert/etcd.key", Files.writeString(dir.resolve("etcd.key"), "x").toString());
        Path p = Files.writeString(dir.resolve("patroni.yml"), text);
        String out = HaConfigRealReadersIT.run(dir, List.of("patroni", "--validate-config", p.toString()), 0);
        assertThat(out).doesNotContain("is not");
    }
}
