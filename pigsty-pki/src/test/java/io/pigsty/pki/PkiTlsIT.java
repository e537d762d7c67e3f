package io.pigsty.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The certificates of {@link Pki} as their real reader sees them: a PostgreSQL 15 with
 * {@code ssl = on} serves the issued server certificate, psql verifies it with
 * {@code sslmode=verify-full} against the CA, and a {@code cert} HBA rule admits a client
 * certificate of the same CA only.
 */
class PkiTlsIT {
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String PASSWORD = "Tls.Test.Pass.1";
    private static Path dir;
    private static int port;
    private static Pki pki;

    @BeforeAll
    static void startPostgres() throws Exception {
        Tools.require(BIN.resolve("postgres").toString(), "openssl", "setpriv");
        dir = Files.createTempDirectory("pigsty-pki-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        port = freePort();
        pki = Pki.create(CaSpec.pigstyDefault());
        IssuedCertificate server = pki.issue(CertRequest.builder("pg-test-1").ip("127.0.0.1").dns("pg-test-1")
                .validity(Duration.ofDays(30)).build());
        Path data = dir.resolve("data");
        Files.createDirectories(dir.resolve("cert"));
        chownPostgres(dir);
        chownPostgres(dir.resolve("cert"));
        asPostgres(List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--auth-local=peer",
                "-E", "UTF8", "--locale=C.UTF-8")).require("initdb");
        write(dir.resolve("cert/server.crt"), server.certificatePem(), "rw-r--r--", true);
        write(dir.resolve("cert/server.key"), server.privateKeyPem().reveal(), "rw-------", true);
        write(dir.resolve("cert/ca.crt"), pki.caCertificatePem(), "rw-r--r--", true);
        write(dir.resolve("hba.conf"), """
                local all all peer
                hostssl all dbuser_cert 127.0.0.1/32 cert
                hostssl all all 127.0.0.1/32 scram-sha-256
                host all all 127.0.0.1/32 reject
                """, "rw-------", true);
        Files.writeString(data.resolve("postgresql.conf"), "\nport = " + port + "\nlisten_addresses = '127.0.0.1'\n"
                + "unix_socket_directories = '" + dir + "'\nhba_file = '" + dir.resolve("hba.conf") + "'\nssl = on\n"
                + "ssl_cert_file = '" + dir.resolve("cert/server.crt") + "'\nssl_key_file = '" + dir.resolve("cert/server.key")
                + "'\nssl_ca_file = '" + dir.resolve("cert/ca.crt") + "'\npassword_encryption = 'scram-sha-256'\n",
                java.nio.file.StandardOpenOption.APPEND);
        asPostgres(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("pg.log").toString(),
                "-w", "-t", "60", "start")).require("pg_ctl start");
        asPostgres(List.of(BIN.resolve("psql").toString(), "-X", "-v", "ON_ERROR_STOP=1", "-h", dir.toString(), "-p",
                String.valueOf(port), "-d", "postgres", "-c", "create role dbuser_cert login; create role dbuser_pw login password '"
                        + PASSWORD + "'")).require("create roles");
    }

    @AfterAll
    static void stop() throws Exception {
        if (dir == null) {
            return;
        }
        asPostgres(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void verifyFull_withTheDeploymentCa_connectsOverTls() throws Exception {
        Path ca = client("ca.crt", pki.caCertificatePem());
        Tools.Result r = psql("user=dbuser_pw sslmode=verify-full sslrootcert=" + ca,
                "select ssl from pg_stat_ssl where pid = pg_backend_pid()");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout().strip()).isEqualTo("t");
    }

    @Test
    void verifyFull_withAnotherCa_fails() throws Exception {
        Path other = client("other.crt", Pki.create(CaSpec.pigstyDefault()).caCertificatePem());
        Tools.Result r = psql("user=dbuser_pw sslmode=verify-full sslrootcert=" + other, "select 1");
        assertThat(r.exit()).isNotZero();
        assertThat(r.stderr()).contains("certificate verify failed");
    }

    @Test
    void plaintext_isRefusedWhereTheRulesSayHostssl() throws Exception {
        Tools.Result r = psql("user=dbuser_pw sslmode=disable", "select 1");
        assertThat(r.exit()).isNotZero();
        assertThat(r.stderr()).contains("no encryption");
    }

    @Test
    void certRule_admitsAClientCertificateOfTheCa_only() throws Exception {
        Path ca = client("ca.crt", pki.caCertificatePem());
        IssuedCertificate mine = pki.issue(CertRequest.builder("dbuser_cert").usages(CertUsage.CLIENT).build());
        Path crt = client("client.crt", mine.certificatePem());
        Path key = client("client.key", mine.privateKeyPem().reveal());
        Tools.Result ok = psql("user=dbuser_cert sslmode=verify-full sslrootcert=" + ca + " sslcert=" + crt + " sslkey=" + key,
                "select current_user");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.stdout().strip()).isEqualTo("dbuser_cert");

        Tools.Result none = psql("user=dbuser_cert sslmode=verify-full sslrootcert=" + ca, "select 1");
        assertThat(none.exit()).isNotZero();

        IssuedCertificate foreign = Pki.create(CaSpec.pigstyDefault()).issue(CertRequest.builder("dbuser_cert")
                .usages(CertUsage.CLIENT).build());
        Tools.Result bad = psql("user=dbuser_cert sslmode=verify-full sslrootcert=" + ca + " sslcert="
                + client("foreign.crt", foreign.certificatePem()) + " sslkey=" + client("foreign.key", foreign.privateKeyPem().reveal()),
                "select 1");
        assertThat(bad.exit()).isNotZero();
    }

    private static Tools.Result psql(String conninfo, String sql) throws Exception {
        return Tools.run(List.of(BIN.resolve("psql").toString(), "-X", "-A", "-t", "-w",
                "host=127.0.0.1 port=" + port + " dbname=postgres connect_timeout=5 " + conninfo, "-c", sql),
                Map.of("PGPASSWORD", PASSWORD));
    }

    private static Path client(String name, String content) throws IOException {
        Path d = dir.resolve("client");
        Files.createDirectories(d);
        Path f = d.resolve(name);
        write(f, content, "rw-------", false);
        return f;
    }

    private static void write(Path f, String content, String mode, boolean postgres) throws IOException {
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        if (postgres) {
            chownPostgres(f);
        }
    }

    private static void chownPostgres(Path p) throws IOException {
        var lookup = p.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(p, lookup.lookupPrincipalByName("postgres"));
        Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class)
                .setGroup(lookup.lookupPrincipalByGroupName("postgres"));
    }

    private static Result asPostgres(List<String> argv) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
        cmd.addAll(argv);
        return new Result(Tools.run(cmd));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private record Result(Tools.Result r) {
        void require(String what) {
            if (r.exit() != 0) {
                throw new AssertionError(what + " failed: " + r);
            }
        }
    }
}
