package io.pigsty.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.plan.PlanListener;
import io.pigsty.model.Inventory;
import io.pigsty.pki.CaSpec;
import io.pigsty.pki.CertRequest;
import io.pigsty.pki.CertUsage;
import io.pigsty.pki.IssuedCertificate;
import io.pigsty.pki.Pki;
import io.pigsty.pki.PkiModule;
import io.pigsty.test.DryRunExecutor;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's TLS as the plan renders it, read by a real PostgreSQL 15: the {@code ssl*}
 * parameters of the rendered patroni.yml (PKI module registered), the certificate, key and CA the
 * PKI module's step writes for member pg-test-1, then JDBC clients against {@code hostssl} and
 * {@code cert} rules.
 */
class PgTlsRealIT {
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String PASSWORD = "Pg.Tls.Real.1";
    private static final String MEMBER = "10.213.0.11";
    private static Path dir;
    private static int port;
    private static Pki pki;
    private static Map<String, String> ssl;

    @BeforeAll
    static void start() throws Exception {
        for (String t : List.of(BIN.resolve("postgres").toString(), "/usr/bin/setpriv")) {
            boolean found = Files.isExecutable(Path.of(t));
            if (!found && "true".equals(System.getenv("CI"))) {
                throw new AssertionError(t + " is missing: .ci/install-host-packages must install it");
            }
            Assumptions.assumeTrue(found, "needs " + t + " (run .ci/install-host-packages)");
        }
        Inventory inv = Inventory.sample("sandbox");
        pki = Pki.create(CaSpec.pigstyDefault());
        // the parameters Patroni hands PostgreSQL, from the rendered file
        Plan plan = Pigsty.builder().inventory(inv).serviceLoader(false).module(new PkiModule(pki)).module(new EtcdModule())
                .module(new PatroniModule()).build().plan(Playbook.pgsqlCreate("pg-test"));
        String yml = HaFiles.files(plan, MEMBER).get("/etc/patroni/patroni.yml").text();
        JsonNode params = new ObjectMapper(new YAMLFactory()).readTree(yml).path("postgresql").path("parameters");
        ssl = new LinkedHashMap<>();
        params.fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("ssl")) {
                ssl.put(e.getKey(), e.getValue().asText());
            }
        });
        // the files the PKI module's step writes on that member (the strict dry run records them)
        Plan certs = Pigsty.builder().inventory(inv).serviceLoader(false).module(new PkiModule(pki)).build()
                .plan(Playbook.pgsqlCreate("pg-test"));
        DryRunExecutor dry = DryRunExecutor.builder().answer("if systemctl is-active -q patroni.*", 0, "").model(certs).build();
        certs.apply(dry, PlanListener.NONE);
        Map<String, String> written = dry.filesWritten(MEMBER);

        dir = Files.createTempDirectory("pigsty-pgtls-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path cert = Files.createDirectories(dir.resolve("pg/cert"));
        chownPostgres(dir);
        chownPostgres(cert);
        for (String f : List.of("server.crt", "server.key", "ca.crt")) {
            write(cert.resolve(f), written.get("/pg/cert/" + f), f.endsWith(".key") ? "rw-------" : "rw-r--r--", true);
        }
        port = freePort();
        Path data = dir.resolve("data");
        asPostgres(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--auth-local=peer", "-E", "UTF8",
                "--locale=C.UTF-8");
        // the rules Pigsty's aliases render: ssl = hostssl + password, cert = hostssl cert
        write(dir.resolve("hba.conf"), """
                local all all peer
                hostssl all dbuser_cert 127.0.0.1/32 cert
                hostssl all dbuser_ssl 127.0.0.1/32 scram-sha-256
                host all all 127.0.0.1/32 reject
                """, "rw-------", true);
        StringBuilder conf = new StringBuilder("\nport = " + port + "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '"
                + dir + "'\nhba_file = '" + dir.resolve("hba.conf") + "'\npassword_encryption = 'scram-sha-256'\n");
        // the rendered values, with /pg/cert moved into the test's directory
        ssl.forEach((k, v) -> conf.append(k).append(" = '").append(v.replace("/pg/cert", cert.toString())).append("'\n"));
        Files.writeString(data.resolve("postgresql.conf"), conf.toString(), java.nio.file.StandardOpenOption.APPEND);
        asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("pg.log").toString(), "-w", "-t",
                "60", "start");
        asPostgres(BIN.resolve("psql").toString(), "-X", "-v", "ON_ERROR_STOP=1", "-h", dir.toString(), "-p",
                String.valueOf(port), "-d", "postgres", "-c", "create role dbuser_cert login; create role dbuser_ssl login password '"
                        + PASSWORD + "'");
    }

    @AfterAll
    static void stop() throws Exception {
        if (dir == null) {
            return;
        }
        run(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", BIN.resolve("pg_ctl").toString(),
                "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void renderedParameters_arePigstysFileLocations() {
        assertThat(ssl).containsExactlyInAnyOrderEntriesOf(Map.of("ssl", "on", "ssl_cert_file", "/pg/cert/server.crt",
                "ssl_key_file", "/pg/cert/server.key", "ssl_ca_file", "/pg/cert/ca.crt"));
    }

    @Test
    void hostssl_admitsAVerifiedTlsClient_andRefusesPlaintext() throws Exception {
        Properties p = props("dbuser_ssl", "verify-full");
        p.setProperty("password", PASSWORD);
        try (Connection c = DriverManager.getConnection(url(), p); ResultSet rs = c.createStatement()
                .executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("the session is encrypted").isTrue();
        }
        Properties plain = props("dbuser_ssl", "disable");
        plain.setProperty("password", PASSWORD);
        assertThatThrownBy(() -> DriverManager.getConnection(url(), plain).close()).isInstanceOf(SQLException.class)
                .hasMessageContaining("no encryption");
    }

    @Test
    void verifyFull_againstAnotherCa_fails() throws Exception {
        Properties p = props("dbuser_ssl", "verify-full");
        p.setProperty("password", PASSWORD);
        p.setProperty("sslrootcert", client("other-ca.crt", Pki.create(CaSpec.pigstyDefault()).caCertificatePem()).toString());
        assertThatThrownBy(() -> DriverManager.getConnection(url(), p).close()).isInstanceOf(SQLException.class);
    }

    @Test
    void cert_admitsTheUsersCertificateOfTheCa_andRefusesWithout() throws Exception {
        IssuedCertificate mine = pki.issue(CertRequest.builder("dbuser_cert").usages(CertUsage.CLIENT).build());
        Properties p = props("dbuser_cert", "verify-full");
        p.setProperty("sslcert", client("client.crt", mine.certificatePem()).toString());
        p.setProperty("sslkey", pk8(mine, "client").toString());
        try (Connection c = DriverManager.getConnection(url(), p); ResultSet rs = c.createStatement()
                .executeQuery("select current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("dbuser_cert");
        }
        // a certificate of this CA for another user: the cert rule matches CN against the user
        IssuedCertificate other = pki.issue(CertRequest.builder("dbuser_ssl").usages(CertUsage.CLIENT).build());
        Properties wrong = props("dbuser_cert", "verify-full");
        wrong.setProperty("sslcert", client("other.crt", other.certificatePem()).toString());
        wrong.setProperty("sslkey", pk8(other, "other").toString());
        assertThatThrownBy(() -> DriverManager.getConnection(url(), wrong).close()).isInstanceOf(SQLException.class)
                .hasMessageContaining("certificate authentication failed for user \"dbuser_cert\"");
        // a certificate for the right name from another CA: not a certificate of the deployment
        IssuedCertificate foreign = Pki.create(CaSpec.pigstyDefault()).issue(CertRequest.builder("dbuser_cert")
                .usages(CertUsage.CLIENT).build());
        Properties none = props("dbuser_cert", "verify-full");
        none.setProperty("sslcert", client("foreign.crt", foreign.certificatePem()).toString());
        none.setProperty("sslkey", pk8(foreign, "foreign").toString());
        assertThatThrownBy(() -> DriverManager.getConnection(url(), none).close()).isInstanceOf(SQLException.class);
    }

    private static String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?connectTimeout=5";
    }

    private static Properties props(String user, String sslmode) throws IOException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("sslmode", sslmode);
        p.setProperty("sslrootcert", client("ca.crt", pki.caCertificatePem()).toString());
        return p;
    }

    /** pgjdbc reads a client key as DER PKCS#8. */
    private static Path pk8(IssuedCertificate c, String name) throws Exception {
        String pem = c.privateKeyPem().reveal();
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = java.util.Base64.getDecoder().decode(b64);
        if (!pem.contains("BEGIN PRIVATE KEY")) {
            Path in = client(name + ".key", pem);
            Path out = dir.resolve("client/" + name + ".pk8");
            String r = run(List.of("openssl", "pkcs8", "-topk8", "-nocrypt", "-outform", "DER", "-in", in.toString(), "-out",
                    out.toString()));
            assertThat(out).as(r).exists();
            return out;
        }
        Path out = dir.resolve("client/" + name + ".pk8");
        Files.write(out, der);
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
        return out;
    }

    private static Path client(String name, String content) throws IOException {
        Path d = Files.createDirectories(dir.resolve("client"));
        Path f = d.resolve(name);
        write(f, content, "rw-------", false);
        return f;
    }

    private static void write(Path f, String content, String mode, boolean postgres) throws IOException {
        assertThat(content).as(f.toString()).isNotNull();
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        if (postgres) {
            chownPostgres(f);
        }
    }

    private static void chownPostgres(Path p) throws IOException {
        var lookup = p.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(p, lookup.lookupPrincipalByName("postgres"));
        Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(lookup.lookupPrincipalByGroupName("postgres"));
    }

    private static void asPostgres(String... argv) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
        cmd.addAll(List.of(argv));
        Process p = new ProcessBuilder(cmd).directory(new File("/")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError(argv[0] + " failed: " + out);
        }
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(new File("/")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
