package io.pigsty.api.pgsql;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL 15 (Debian's binaries) on a temporary data directory, run as the OS user
 * {@code postgres}, listening on a free loopback port and a unix socket in the temp dir.
 * Test helper for the *IT classes; never a stand-in for anything we deploy.
 */
final class LocalPostgres implements AutoCloseable {
    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    static final String OS_USER = "postgres";

    final Path dir;
    final Path data;
    final int port;

    private LocalPostgres(Path dir, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
    }

    /** Fails loudly in CI, skips with a reason elsewhere, when the host cannot run the real thing. */
    static void requireHost() {
        boolean ok = Files.isExecutable(BIN.resolve("postgres")) && Files.isExecutable(Path.of("/usr/sbin/pgbouncer"))
                && "root".equals(System.getProperty("user.name"));
        if (!ok && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI must run these tests as root with postgresql-15 and pgbouncer installed"
                    + " (.ci/install-host-packages)");
        }
        Assumptions.assumeTrue(ok, "needs root, postgresql-15 and pgbouncer (run .ci/install-host-packages)");
    }

    /**
     * @param hbaFile  the pg_hba.conf to use (copied into the temp dir, set as hba_file)
     * @param settings extra postgresql.conf settings
     * @return a started server
     */
    static LocalPostgres start(String hbaContent, Map<String, String> settings) throws IOException, InterruptedException {
        requireHost();
        Path dir = Files.createTempDirectory("pigsty-pg-");
        chown(dir);
        LocalPostgres pg = new LocalPostgres(dir, freePort());
        pg.asPostgres(List.of(BIN.resolve("initdb").toString(), "-D", pg.data.toString(), "-U", "postgres",
                "--auth-local=peer", "--auth-host=reject", "-E", "UTF8", "--locale=C.UTF-8"), Map.of()).requireOk("initdb");
        pg.writeOwned(pg.dir.resolve("pg_hba.conf"), hbaContent, "rw-------");
        // ssl on, as on a Pigsty node (pg_cert): hostssl rules are only valid with it
        pg.asPostgres(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-keyout", dir.resolve("server.key").toString(), "-out", dir.resolve("server.crt").toString()), Map.of())
                .requireOk("openssl req");
        StringBuilder conf = new StringBuilder("\n# test overrides\n")
                .append("port = ").append(pg.port).append('\n')
                .append("listen_addresses = '127.0.0.1'\n")
                .append("unix_socket_directories = '").append(dir).append("'\n")
                .append("hba_file = '").append(pg.dir.resolve("pg_hba.conf")).append("'\n")
                .append("password_encryption = 'scram-sha-256'\n")
                .append("ssl = on\n")
                .append("ssl_cert_file = '").append(dir.resolve("server.crt")).append("'\n")
                .append("ssl_key_file = '").append(dir.resolve("server.key")).append("'\n")
                .append("shared_preload_libraries = 'pg_stat_statements'\n")
                .append("log_statement = 'all'\n")
                .append("log_min_error_statement = 'error'\n");
        settings.forEach((k, v) -> conf.append(k).append(" = '").append(v).append("'\n"));
        Files.writeString(pg.data.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        pg.asPostgres(List.of(BIN.resolve("pg_ctl").toString(), "-D", pg.data.toString(), "-l",
                pg.dir.resolve("postgres.log").toString(), "-w", "-t", "60", "start"), Map.of()).requireOk("pg_ctl start");
        return pg;
    }

    /** @param sqlFile a file readable by postgres @param db database @return psql result */
    Result psqlFile(Path sqlFile, String db) throws IOException, InterruptedException {
        return asPostgres(List.of(BIN.resolve("psql").toString(), "-X", "-v", "ON_ERROR_STOP=1", "-q",
                "-h", dir.toString(), "-p", String.valueOf(port), "-d", db, "-f", sqlFile.toString()), Map.of());
    }

    /** @param sql a query @param db database @return trimmed single value */
    String query(String sql, String db) throws IOException, InterruptedException {
        Result r = asPostgres(List.of(BIN.resolve("psql").toString(), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", dir.toString(), "-p", String.valueOf(port), "-d", db, "-c", sql), Map.of());
        r.requireOk("psql -c");
        return r.stdout.strip();
    }

    /** Logs in over TCP like a client would: the HBA rules for 127.0.0.1 apply. */
    static Result login(String host, int port, String user, String password, String db)
            throws IOException, InterruptedException {
        return run(List.of(BIN.resolve("psql").toString(), "-X", "-A", "-t", "-w",
                "host=" + host + " port=" + port + " user=" + user + " dbname=" + db + " sslmode=disable connect_timeout=5",
                "-c", "select current_user"), Map.of("PGPASSWORD", password));
    }

    /** Writes a file owned by postgres with the given permissions. */
    void writeOwned(Path file, String content, String perms) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
        chown(file);
    }

    String log() throws IOException {
        Path log = dir.resolve("postgres.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    Result asPostgres(List<String> argv, Map<String, String> env) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + OS_USER, "--regid=" + OS_USER,
                "--init-groups", "--"));
        cmd.addAll(argv);
        return run(cmd, env);
    }

    static Result run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(new java.io.File("/"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void chown(Path p) throws IOException {
        var lookup = p.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal u = lookup.lookupPrincipalByName(OS_USER);
        GroupPrincipal g = lookup.lookupPrincipalByGroupName(OS_USER);
        PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        v.setOwner(u);
        v.setGroup(g);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        asPostgres(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), Map.of());
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** A finished command. */
    record Result(int exit, String stdout, String stderr) {
        Result requireOk(String what) {
            if (exit != 0) {
                throw new AssertionError(what + " failed (" + exit + "): " + stderr + stdout);
            }
            return this;
        }
    }
}
