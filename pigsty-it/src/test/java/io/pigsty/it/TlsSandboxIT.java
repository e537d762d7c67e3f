package io.pigsty.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.api.Playbook;
import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.ConsoleProgressListener;
import io.pigsty.api.plan.Plan;
import io.pigsty.ha.ops.EtcdClient;
import io.pigsty.model.Inventory;
import io.pigsty.model.Param;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PgUser;
import io.pigsty.model.Resolved;
import io.pigsty.model.Secret;
import io.pigsty.pki.CaSpec;
import io.pigsty.pki.CertRequest;
import io.pigsty.pki.CertUsage;
import io.pigsty.pki.IssuedCertificate;
import io.pigsty.pki.Pki;
import io.pigsty.sandbox.SandboxNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Security of the shared deployment (issue 15), seen from an outsider: a network namespace on the
 * sandbox's bridge ({@value #OUTSIDER_IP}) that is in no inventory, running this machine's
 * {@code psql}, {@code curl} and {@code openssl}. The sandbox registers the PKI module, so
 * PostgreSQL, PgBouncer and etcd serve certificates of the deployment's CA
 * ({@link SharedSandbox#pki()}); {@code it-sandbox.yml} gives pg-test a TLS-only user and a
 * client-certificate user (Pigsty's {@code conf/ha/safe.yml} shape). Renewal changes one
 * certificate and puts it back, so the class leaves the deployment as it found it.
 */
@UsesSharedSandbox
@Order(ItOrder.DEPLOY + 20)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsSandboxIT {
    /** Named like the sandbox's own namespaces and links, so {@code sandbox down} removes them after a crash. */
    static final String NS = "pgsty-node-out";
    static final String VETH = "pgsty-vout";
    static final String OUTSIDER_IP = "10.213.0.99";
    static final String REPLICA = "10.213.0.12";
    static final String SSL_USER = "dbuser_ssl";
    static final String SSL_PASSWORD = "DBUser.Ssl.1";
    static final String CERT_USER = "dbuser_cert";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    static Path dir;
    static Path ca;
    static Path otherCa;
    static Path clientCrt;
    static Path clientKey;
    static Path otherClientCrt;
    static Path otherClientKey;

    static Path secretFile(Path p, String text) throws java.io.IOException {
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    record Run(int exit, String output) {
        @Override
        public String toString() {
            return "exit " + exit + ": " + output;
        }
    }

    /** Runs a shell script on this machine, bounded by time; stdout and stderr together. */
    static Run local(String script, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out after " + timeout.toSeconds() + " s: " + script);
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Runs a script in the outsider's namespace. */
    static Run outsider(String script) throws IOException, InterruptedException {
        Run r = local("ip netns exec " + NS + " bash -c " + io.pigsty.api.quote.ShellQuote.quote(script), Duration.ofSeconds(30));
        System.out.println("outsider$ " + script.replaceAll("PGPASSWORD=\\S+", "PGPASSWORD=***") + "\n  " + r);
        return r;
    }

    static String psql(String conninfo, String sql) {
        return "psql " + io.pigsty.api.quote.ShellQuote.quote(conninfo + " connect_timeout=5") + " -XAtqc "
                + io.pigsty.api.quote.ShellQuote.quote(sql) + " 2>&1";
    }

    @BeforeAll
    static void outsiderOnTheBridge(SharedSandbox shared) throws Exception {
        dir = Files.createTempDirectory("pigsty-tls-it");
        ca = Files.writeString(dir.resolve("ca.crt"), SharedSandbox.pki().caCertificatePem());
        Pki other = Pki.create(CaSpec.pigstyDefault());
        otherCa = Files.writeString(dir.resolve("other-ca.crt"), other.caCertificatePem());
        // the outsider's client certificates: one of the deployment's CA, one of another CA
        // without a CN, as the deployment's own etcd clients (etcd's JSON gateway refuses a client certificate with one)
        io.pigsty.pki.CertRequest outsiderReq = io.pigsty.pki.CertRequest.builder("").dns("outsider").usages(io.pigsty.pki.CertUsage.CLIENT).build();
        io.pigsty.pki.IssuedCertificate mine = SharedSandbox.pki().issue(outsiderReq);
        io.pigsty.pki.IssuedCertificate theirs = other.issue(outsiderReq);
        clientCrt = Files.writeString(dir.resolve("outsider.crt"), mine.certificatePem());
        clientKey = secretFile(dir.resolve("outsider.key"), mine.privateKeyPem().reveal());
        otherClientCrt = Files.writeString(dir.resolve("stranger.crt"), theirs.certificatePem());
        otherClientKey = secretFile(dir.resolve("stranger.key"), theirs.privateKeyPem().reveal());
        local("ip netns del " + NS + " 2>/dev/null; ip link del " + VETH + " 2>/dev/null; true", Duration.ofSeconds(10));
        Run r = local(String.join(" && ", "ip netns add " + NS, "ip link add " + VETH + " type veth peer name eth0 netns " + NS,
                "ip link set " + VETH + " master pgsty-br0 up", "ip -n " + NS + " link set lo up",
                "ip -n " + NS + " addr add " + OUTSIDER_IP + "/24 dev eth0", "ip -n " + NS + " link set eth0 up"), Duration.ofSeconds(20));
        assertThat(r.exit()).as("outsider namespace: " + r).isZero();
        SharedSandbox.await("the outsider reaches " + REPLICA + ":5432", Duration.ofSeconds(20),
                () -> outsider("timeout 2 bash -c '</dev/tcp/" + REPLICA + "/5432'").exit() == 0);
    }

    @AfterAll
    static void removeOutsider() throws Exception {
        local("ip netns del " + NS + " 2>/dev/null; ip link del " + VETH + " 2>/dev/null; true", Duration.ofSeconds(10));
    }

    @Test
    @Order(1)
    void postgres_hostsslRefusesPlain_verifyFullAcceptsOnlyTheDeploymentsCa() throws Exception {
        Attempts a = sslUserAttempts(5432, "postgres", "select ssl::text || ' ' || version from pg_stat_ssl where pid = pg_backend_pid()");
        assertThat(a.plain().exit()).as(a.plain().toString()).isNotZero();
        assertThat(a.plain().output()).contains("no encryption");
        assertThat(a.verified().exit()).as(a.verified().toString()).isZero();
        assertThat(a.verified().output().strip()).startsWith("true TLSv1.");
        assertThat(a.wrongCa().exit()).as(a.wrongCa().toString()).isNotZero();
        assertThat(a.wrongCa().output()).contains("certificate verify failed");
    }

    /** The TLS-only user's three logins from the outsider: plaintext, verify-full with the CA, verify-full with another CA. */
    record Attempts(Run plain, Run verified, Run wrongCa) {
    }

    static Attempts sslUserAttempts(int port, String db, String sql) throws Exception {
        String base = "host=" + REPLICA + " port=" + port + " dbname=" + db + " user=" + SSL_USER;
        String pw = "PGPASSWORD=" + SSL_PASSWORD + " ";
        return new Attempts(outsider(pw + psql(base + " sslmode=disable", sql)),
                outsider(pw + psql(base + " sslmode=verify-full sslrootcert=" + ca, sql)),
                outsider(pw + psql(base + " sslmode=verify-full sslrootcert=" + otherCa, sql)));
    }

    @Test
    @Order(2)
    void certRule_logsInWithAClientCertificateOfTheUser_andNotWithoutOne() throws Exception {
        Pki pki = SharedSandbox.pki();
        Path[] mine = clientCert(pki, CERT_USER);
        Path[] someoneElses = clientCert(pki, "test");
        Path[] foreign = clientCert(Pki.create(CaSpec.pigstyDefault()), CERT_USER);
        String base = "host=" + REPLICA + " port=5432 dbname=postgres user=" + CERT_USER + " sslmode=verify-full sslrootcert=" + ca;
        Run ok = outsider(psql(base + " sslcert=" + mine[0] + " sslkey=" + mine[1], "select current_user"));
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.output().strip()).isEqualTo(CERT_USER);
        // the user's password does not replace the certificate
        Run none = outsider("PGPASSWORD=DBUser.Cert.1 " + psql(base + " sslcert=/nonexistent sslkey=/nonexistent", "select 1"));
        assertThat(none.exit()).as(none.toString()).isNotZero();
        assertThat(none.output()).contains("certificate");
        Run wrongCn = outsider(psql(base + " sslcert=" + someoneElses[0] + " sslkey=" + someoneElses[1], "select 1"));
        assertThat(wrongCn.exit()).as(wrongCn.toString()).isNotZero();
        assertThat(wrongCn.output()).contains("certificate authentication failed for user \"" + CERT_USER + "\"");
        Run wrongCa = outsider(psql(base + " sslcert=" + foreign[0] + " sslkey=" + foreign[1], "select 1"));
        assertThat(wrongCa.exit()).as(wrongCa.toString()).isNotZero();
    }

    static Path[] clientCert(Pki pki, String cn) throws IOException {
        IssuedCertificate c = pki.issue(CertRequest.builder(cn).usages(CertUsage.CLIENT).validity(Duration.ofDays(1)).build());
        String stem = cn + "-" + pki.caFingerprint().substring(0, 8);
        Path crt = Files.writeString(dir.resolve(stem + ".crt"), c.certificatePem());
        Path key = dir.resolve(stem + ".key");
        Files.writeString(key, c.privateKeyPem().reveal());
        // libpq refuses a key others can read
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return new Path[] {crt, key};
    }

    @Test
    @Order(3)
    void pgbouncer_servesTheNodeCertificate_andItsHostsslRuleRefusesPlain() throws Exception {
        Attempts a = sslUserAttempts(6432, "test", "select 1");
        assertThat(a.plain().exit()).as(a.plain().toString()).isNotZero();
        assertThat(a.verified().exit()).as(a.verified().toString()).isZero();
        assertThat(a.verified().output().strip()).isEqualTo("1");
        assertThat(a.wrongCa().exit()).as(a.wrongCa().toString()).isNotZero();
        assertThat(a.wrongCa().output()).contains("certificate verify failed");
        assertThat(servedCertificate(REPLICA, 6432)).contains("CN = pg-test-2");
    }

    /** The certificate a PostgreSQL-protocol server presents, verified against the deployment's CA: openssl's text. */
    static String servedCertificate(String ip, int port) throws Exception {
        Run r = outsider("openssl s_client -starttls postgres -connect " + ip + ":" + port + " -CAfile " + ca
                + " -verify_return_error -verify_ip " + ip + " </dev/null 2>/dev/null | openssl x509 -noout -subject -serial -enddate");
        assertThat(r.exit()).as(ip + ":" + port + " presents a certificate of the CA: " + r).isZero();
        return r.output();
    }

    @Test
    @Order(4)
    void etcd_speaksTlsOnly_refusesUnauthenticatedClients_andKeepsClustersApart(SharedSandbox shared) throws Exception {
        Run plain = outsider("curl -s -m 5 http://10.213.0.10:2379/health");
        assertThat(plain.output()).as(plain.toString()).doesNotContain("\"health\":\"true\"");
        Run wrongCa = outsider("curl -s -m 5 --cacert " + otherCa + " https://10.213.0.10:2379/health");
        assertThat(wrongCa.exit()).as("curl: peer certificate cannot be authenticated: " + wrongCa).isEqualTo(60);
        // client-cert-auth: a client that trusts the CA but shows no certificate of it is refused in the handshake
        Run noCert = outsider("curl -s -m 5 --cacert " + ca + " https://10.213.0.10:2379/health");
        assertThat(noCert.exit()).as("no client certificate: " + noCert).isNotZero();
        assertThat(noCert.output()).doesNotContain("\"health\":\"true\"");
        Run strangerCert = outsider("curl -s -m 5 --cacert " + ca + " --cert " + otherClientCrt + " --key " + otherClientKey
                + " https://10.213.0.10:2379/health");
        assertThat(strangerCert.exit()).as("a client certificate of another CA: " + strangerCert).isNotZero();
        String mtls = "curl -s -m 5 --cacert " + ca + " --cert " + clientCrt + " --key " + clientKey + " ";
        Run health = outsider(mtls + "https://10.213.0.10:2379/health");
        assertThat(health.output()).contains("\"health\":\"true\"");
        // base64 of /pg/pg-test/leader: the v3 JSON gateway, with a certificate but without a token
        Run anonymous = outsider(mtls + "-X POST -d '{\"key\":\"L3BnL3BnLXRlc3QvbGVhZGVy\"}' https://10.213.0.10:2379/v3/kv/range");
        assertThat(anonymous.output()).as(anonymous.toString()).contains("user name is empty").doesNotContain("\"kvs\"");
        Inventory inv = shared.inventory();
        EtcdClient pgTest = SharedSandbox.tls(EtcdClient.cluster(inv, "pg-test", true, Duration.ofSeconds(3)));
        assertThat(pgTest.patroniLeader("/pg", "pg-test")).isPresent();
        assertThatThrownBy(() -> pgTest.get("/pg/pg-meta/leader")).hasMessageContaining("permission denied");
        assertThatThrownBy(() -> pgTest.put("/pg/pg-meta/intruder", "x")).hasMessageContaining("permission denied");
        EtcdClient root = SharedSandbox.tls(EtcdClient.root(inv, true, Duration.ofSeconds(3)));
        assertThat(root.get("/pg/pg-meta/intruder")).as("pg-test's user wrote nothing into pg-meta").isEmpty();
    }

    @Test
    @Order(5)
    void patroni_servesHttpsWithTheDeploymentsCa_andRefusesWritesWithoutItsCredentials() throws Exception {
        // pg-test has patroni_ssl_enabled (Pigsty's conf/ha/safe.yml): HTTPS only, with a certificate of the CA
        String api = "https://10.213.0.11:8008";
        Run plain = outsider("curl -s -o /dev/null -w '%{http_code}' -m 5 http://10.213.0.11:8008/patroni");
        assertThat(plain.output()).as("plain HTTP to an HTTPS REST API: " + plain).isNotEqualTo("200");
        Run wrongCa = outsider("curl -s -o /dev/null -m 5 --cacert " + otherCa + " " + api + "/patroni");
        assertThat(wrongCa.exit()).as("a client that trusts another CA: " + wrongCa).isEqualTo(60);
        String curl = "curl -s -o /dev/null -w '%{http_code}' -m 5 --cacert " + ca + " ";
        for (String[] w : List.of(new String[] {"POST", "/restart", "{}"}, new String[] {"PATCH", "/config", "{}"},
                new String[] {"POST", "/switchover", "{\"leader\":\"pg-test-1\"}"}, new String[] {"POST", "/reinitialize", "{}"})) {
            Run r = outsider(curl + "-X " + w[0] + " -d '" + w[2] + "' " + api + w[1]);
            assertThat(r.output()).as(w[0] + " " + w[1] + " without credentials").isEqualTo("401");
            Run wrong = outsider(curl + "-u postgres:guess -X " + w[0] + " -d '" + w[2] + "' " + api + w[1]);
            assertThat(wrong.output()).as(w[0] + " " + w[1] + " with a wrong password").isEqualTo("401");
        }
        // reads stay open: HAProxy's checks and the TSDB use them, verifying the same CA
        assertThat(outsider(curl + api + "/patroni").output()).isEqualTo("200");
        // pg-meta keeps Pigsty's default (plain HTTP): the setting is the cluster's
        assertThat(outsider("curl -s -o /dev/null -w '%{http_code}' -m 5 http://10.213.0.10:8008/patroni").output()).isEqualTo("200");
    }

    /** Every non-empty secret of the inventory (the global and cluster secrets, every user's password), by where it is set. */
    static Map<String, String> secrets(Inventory inv) {
        Map<String, String> out = new LinkedHashMap<>();
        List<Resolved> scopes = new ArrayList<>(List.of(inv.resolveGlobal()));
        for (PgCluster c : inv.clusters()) {
            scopes.add(inv.resolve(c));
            for (PgUser u : c.users()) {
                u.password().map(Secret::reveal).filter(v -> !v.isEmpty()).ifPresent(v -> out.put(c.name() + ".pg_users." + u.name(), v));
            }
        }
        for (Resolved r : scopes) {
            for (Param<?> p : Params.all()) {
                if (p.secret() && r.get(p) instanceof Secret s && !s.reveal().isEmpty()) {
                    out.putIfAbsent(p.name() + "=" + out.size(), s.reveal());
                }
            }
        }
        return out;
    }

    static void assertNoSecret(String where, String text, Map<String, String> secrets) {
        for (Map.Entry<String, String> s : secrets.entrySet()) {
            // the key names the secret, never prints it
            assertThat(text.contains(s.getValue())).as(where + " contains the secret of " + s.getKey().replaceAll("=.*", "")).isFalse();
        }
    }

    @Test
    @Order(6)
    void noSecretInPlans_processArguments_journals_orMetrics(SharedSandbox shared) throws Exception {
        Inventory inv = shared.inventory();
        Map<String, String> secrets = secrets(inv);
        assertThat(secrets).as("the sandbox inventory's secrets").hasSizeGreaterThanOrEqualTo(10);
        for (Playbook pb : SharedSandbox.DEPLOY) {
            Plan plan = shared.pigsty().plan(pb);
            assertNoSecret("the rendered plan " + pb.name() + pb.cluster().map(c -> " " + c).orElse(""), plan.render().toText(), secrets);
        }
        for (String ip : new LinkedHashSet<>(inv.hosts())) {
            SandboxNode n = shared.node(ip);
            ExecResult ps = shared.executor().run(n.host(), Command.shell("ps -eo args").timeout(Duration.ofSeconds(30)).build());
            assertThat(ps.ok()).as(ps.toString()).isTrue();
            assertThat(ps.stdout()).contains("patroni");
            assertNoSecret(ip + " ps -eo args", ps.stdout(), secrets);
            ExecResult journal = shared.executor().run(n.host(), Command.shell("journalctl --no-pager -q -o cat | tail -c 50000000")
                    .timeout(Duration.ofSeconds(60)).build());
            assertThat(journal.ok()).as("journalctl on " + ip).isTrue();
            assertThat(journal.stdout()).as(ip + "'s journal").contains("patroni");
            assertNoSecret(ip + "'s journal", journal.stdout(), secrets);
            // the services' own logs: Patroni, PostgreSQL, PgBouncer, pgBackRest
            ExecResult logs = shared.executor().run(n.host(), Command.shell("find /pg/log /var/log/pgbackrest* -type f 2>/dev/null"
                    + " | grep -v '\\.gz$' | xargs -r cat | tail -c 50000000").timeout(Duration.ofSeconds(60)).build());
            assertThat(logs.stdout()).as(ip + "'s Patroni log").contains("no action");
            assertNoSecret(ip + "'s service logs", logs.stdout(), secrets);
        }
        for (PgCluster c : inv.clusters()) {
            for (PgInstance i : c.instances()) {
                Resolved r = inv.resolve(c, i);
                for (int port : List.of(r.get(Params.PG_EXPORTER_PORT), r.get(Params.PGBOUNCER_EXPORTER_PORT))) {
                    String url = "http://" + i.ip() + ":" + port + "/metrics";
                    HttpResponse<String> m = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(m.statusCode()).as(url).isEqualTo(200);
                    assertThat(m.body()).as(url).contains("_up");
                    assertNoSecret(url, m.body(), secrets);
                }
            }
        }
    }

    @Test
    @Order(7)
    void renewal_replacesOnlyThatCertificate_reloadsWithoutRestart_thenConverges(SharedSandbox shared) throws Exception {
        String target = "10.213.0.13";
        List<String> memberCerts = List.of(target + " pki:/pg/cert/server.crt", target + " pki:/pg/cert/etcd.crt",
                target + " pki:/etc/pgbackrest/tls/server.crt");
        String leader = shared.primaryIp("pg-test");
        String live = SharedSandbox.withLiveRoles(SharedSandbox.inventoryText(), leader);
        String line = live.lines().filter(l -> l.contains(target + ": { pg_seq: 3")).findFirst().orElseThrow();
        String shorter = live.replace(line, line.replace(" }", ", cert_validity: 90d }"));
        assertThat(shorter).isNotEqualTo(live);
        Inventory changed = Inventory.parse(shorter, "tls-renewal");
        Inventory back = Inventory.parse(live, "tls-renewal-back");
        String before = servedCertificate(target, 5432);
        String started;
        try (Connection c = SharedSandbox.connectDba(target, 5432, "postgres")) {
            started = SharedSandbox.one(c, "select pg_postmaster_start_time()");
        }
        Map<String, String> secrets = secrets(shared.inventory());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try {
            ApplyResult renew = applyLogged(SharedSandbox.pigstyFor(changed).plan(Playbook.pgsqlCreate("pg-test")), shared, log);
            // that member's certificates (PostgreSQL's and PgBouncer's, its etcd client's, its pgBackRest TLS server's:
            // one lifetime for all of a host's), nothing else
            assertThat(renew.changedSteps()).as("only the shortened certificates").containsExactlyInAnyOrderElementsOf(memberCerts);
            String after = servedCertificate(target, 5432);
            assertThat(after).isNotEqualTo(before);
            assertThat(notAfterDays(after)).as("the new lifetime: " + after).isBetween(85L, 91L);
            assertThat(servedCertificate(target, 6432)).as("PgBouncer reloaded the same file").isEqualTo(after);
            try (Connection c = SharedSandbox.connectDba(target, 5432, "postgres")) {
                assertThat(SharedSandbox.one(c, "select pg_postmaster_start_time()")).as("reloaded, not restarted").isEqualTo(started);
            }
            ApplyResult again = applyLogged(SharedSandbox.pigstyFor(changed).plan(Playbook.pgsqlCreate("pg-test")), shared, log);
            assertThat(again.changedSteps()).as("a second apply changes nothing").isEmpty();
        } finally {
            ApplyResult restored = applyLogged(SharedSandbox.pigstyFor(back).plan(Playbook.pgsqlCreate("pg-test")), shared, log);
            assertThat(restored.changedSteps()).containsExactlyInAnyOrderElementsOf(memberCerts);
        }
        assertThat(notAfterDays(servedCertificate(target, 5432))).isGreaterThan(7000L);
        // what the SDK printed while applying: progress and SLF4J's log
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("pki:/pg/cert/server.crt");
        assertNoSecret("the SDK's output while applying", log.toString(StandardCharsets.UTF_8), secrets);
    }

    /** Applies with the progress printed into {@code log}, and stderr (slf4j-simple's) copied there too. */
    static ApplyResult applyLogged(Plan plan, SharedSandbox shared, ByteArrayOutputStream log) {
        PrintStream err = System.err;
        PrintStream both = new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                log.write(b);
                err.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                log.write(b, off, len);
                err.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        System.setErr(both);
        try {
            PrintStream progress = new PrintStream(log, true, StandardCharsets.UTF_8);
            ApplyResult r = plan.apply(shared.executor(), new ConsoleProgressListener(progress));
            System.out.println(r.summary() + "; changed: " + r.changedSteps());
            io.pigsty.test.PlanAssert.assertThat(r).hasNoFailures();
            return r;
        } finally {
            System.setErr(err);
        }
    }

    static long notAfterDays(String opensslText) {
        String end = opensslText.lines().filter(l -> l.startsWith("notAfter=")).findFirst().orElseThrow().substring("notAfter=".length());
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss yyyy zzz", java.util.Locale.ROOT);
        java.time.ZonedDateTime t = java.time.ZonedDateTime.parse(end.strip(), f);
        return Duration.between(java.time.Instant.now(), t.toInstant()).toDays();
    }
}
