package io.pigsty.monitor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real PostgreSQL 15 instances (Debian's binaries) and PgBouncer for the monitor's integration
 * tests and benchmark: temp data directories, run as OS user postgres, loopback only, free ports,
 * scram passwords. Every process started here is stopped by {@link #close()}.
 */
public final class PgFixture implements AutoCloseable {
    /** Debian's PostgreSQL 15 binaries. */
    public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    /** Password of the superuser {@code postgres} in every instance. */
    public static final String PASSWORD = "Pigsty.Test-Pw";
    private static final String OS_USER = "postgres";

    private final Path dir;
    private final List<Instance> instances = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    private PgFixture(Path dir) {
        this.dir = dir;
    }

    /**
     * @param tools executables that must exist
     * @return null when the host can run the tests, else why not
     */
    public static String missing(String... tools) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root (runs PostgreSQL as OS user postgres)";
        }
        for (String t : List.of(BIN.resolve("initdb").toString(), BIN.resolve("pg_basebackup").toString())) {
            if (!Files.isExecutable(Path.of(t))) {
                return "missing " + t + " (run .ci/install-host-packages)";
            }
        }
        for (String t : tools) {
            if (!Files.isExecutable(Path.of(t))) {
                return "missing " + t + " (run .ci/install-host-packages)";
            }
        }
        return null;
    }

    /**
     * @return a fixture owning a fresh temp directory
     * @throws IOException on I/O failure
     */
    public static PgFixture create() throws IOException {
        Path dir = Files.createTempDirectory("pigsty-mon-");
        chown(dir);
        return new PgFixture(dir);
    }

    /** A running PostgreSQL. */
    public final class Instance {
        /** data directory */
        public final Path data;
        /** TCP port on 127.0.0.1 */
        public final int port;
        private boolean running;

        Instance(Path data, int port) {
            this.data = data;
            this.port = port;
        }

        /**
         * @param db database
         * @return libpq URL with the superuser password
         */
        public String url(String db) {
            return "postgres://postgres:" + PASSWORD + "@127.0.0.1:" + port + "/" + db;
        }

        /**
         * @param sql statements
         * @param db  database
         * @return psql's unaligned, tuples-only output, trimmed
         * @throws Exception when psql fails
         */
        public String psql(String sql, String db) throws Exception {
            Result r = asPostgres(List.of(BIN.resolve("psql").toString(), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1",
                    "-h", dir.toString(), "-p", String.valueOf(port), "-d", db, "-c", sql), Map.of());
            r.requireOk("psql");
            return r.stdout.strip();
        }

        /** Stops the server (fast shutdown). @throws Exception when pg_ctl fails */
        public void stop() throws Exception {
            if (running) {
                asPostgres(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "60",
                        "stop"), Map.of()).requireOk("pg_ctl stop");
                running = false;
            }
        }

        void start() throws Exception {
            asPostgres(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", data.resolveSibling(
                    data.getFileName() + ".log").toString(), "-w", "-t", "60", "start"), Map.of()).requireOk("pg_ctl start");
            running = true;
        }
    }

    /**
     * initdb + start a primary with pg_stat_statements preloaded and created in {@code postgres}.
     * @param settings extra postgresql.conf settings
     * @return the running instance
     * @throws Exception when a step fails
     */
    public Instance primary(Map<String, String> settings) throws Exception {
        int port = freePort();
        Path data = dir.resolve("pg" + port);
        Path pw = dir.resolve("pw" + port);
        Files.writeString(pw, PASSWORD + "\n");
        chown(pw);
        asPostgres(List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--pwfile=" + pw,
                "--auth-local=peer", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"), Map.of()).requireOk("initdb");
        StringBuilder conf = new StringBuilder("\n# monitor test\n")
                .append("port = ").append(port).append('\n')
                .append("listen_addresses = '127.0.0.1'\n")
                .append("unix_socket_directories = '").append(dir).append("'\n")
                .append("shared_preload_libraries = 'pg_stat_statements'\n")
                .append("track_io_timing = on\ntrack_functions = all\nwal_level = replica\nmax_wal_senders = 5\n")
                .append("shared_buffers = 32MB\nfsync = off\n");
        settings.forEach((k, v) -> conf.append(k).append(" = '").append(v).append("'\n"));
        Files.writeString(data.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Instance i = new Instance(data, port);
        instances.add(i);
        i.start();
        i.psql("CREATE EXTENSION pg_stat_statements", "postgres");
        return i;
    }

    /**
     * A streaming replica of {@code primary} made by pg_basebackup -R with a physical slot.
     * @param primary the primary
     * @param slot    replication slot to create and use
     * @return the running replica
     * @throws Exception when a step fails
     */
    public Instance replica(Instance primary, String slot) throws Exception {
        int port = freePort();
        Path data = dir.resolve("pg" + port);
        asPostgres(List.of(BIN.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", String.valueOf(primary.port),
                "-U", "postgres", "-D", data.toString(), "-R", "-C", "-S", slot, "-X", "stream", "-c", "fast"),
                Map.of("PGPASSWORD", PASSWORD, "PGAPPNAME", "replica" + port)).requireOk("pg_basebackup");
        Files.writeString(data.resolve("postgresql.auto.conf"), "port = " + port + "\nprimary_conninfo = 'host=127.0.0.1 port="
                + primary.port + " user=postgres password=" + PASSWORD + " application_name=replica" + port + "'\n"
                + "primary_slot_name = '" + slot + "'\nhot_standby_feedback = on\n", StandardOpenOption.APPEND);
        Instance i = new Instance(data, port);
        instances.add(i);
        i.start();
        return i;
    }

    /**
     * Starts PgBouncer in front of {@code pg} with {@code postgres} as admin user.
     * @param pg the server behind it
     * @return PgBouncer's port
     * @throws Exception when it does not come up
     */
    public int pgbouncer(Instance pg) throws Exception {
        int port = freePort();
        Path ini = dir.resolve("pgbouncer" + port + ".ini");
        Path users = dir.resolve("userlist" + port + ".txt");
        Files.writeString(users, "\"postgres\" \"" + PASSWORD + "\"\n");
        Files.writeString(ini, String.join("\n",
                "[databases]",
                "postgres = host=127.0.0.1 port=" + pg.port + " dbname=postgres",
                "app = host=127.0.0.1 port=" + pg.port + " dbname=app pool_size=5",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir = " + dir,
                "auth_type = scram-sha-256",
                "auth_file = " + users,
                "admin_users = postgres",
                "stats_users = postgres",
                "pool_mode = transaction",
                "ignore_startup_parameters = extra_float_digits",
                "logfile = " + dir.resolve("pgbouncer" + port + ".log"),
                "pidfile = " + dir.resolve("pgbouncer" + port + ".pid"),
                ""));
        chown(ini);
        chown(users);
        ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=" + OS_USER, "--regid=" + OS_USER, "--init-groups", "--",
                "/usr/sbin/pgbouncer", ini.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("pgbouncer" + port + ".out").toFile());
        Process p = pb.start();
        processes.add(p);
        waitForPort(port, p, "pgbouncer");
        return port;
    }

    /**
     * Starts a process the fixture stops on close.
     * @param cmd  argv
     * @param log  where stdout and stderr go
     * @return the process
     * @throws IOException when it cannot start
     */
    public Process spawn(List<String> cmd, Path log) throws IOException {
        return spawn(cmd, log, Map.of());
    }

    /**
     * @param cmd argv @param log output file @param env extra environment
     * @return the process
     * @throws IOException when it cannot start
     */
    public Process spawn(List<String> cmd, Path log, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /**
     * Starts a process with exactly this environment (nothing inherited), as systemd starts a unit.
     *
     * @param cmd argv @param log output file @param env the whole environment
     * @return the process, stopped on close
     * @throws IOException when it cannot start
     */
    public Process spawnExactEnv(List<String> cmd, Path log, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** @return the fixture's temp directory */
    public Path dir() {
        return dir;
    }

    /**
     * @param port a TCP port on 127.0.0.1
     * @param p    the process that should open it
     * @param what name for the error
     * @throws Exception when the process dies or 30 s pass
     */
    public static void waitForPort(int port, Process p, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError(what + " exited with " + p.exitValue());
            }
            try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError(what + " did not listen on " + port + " within 30 s");
    }

    /**
     * @return a free loopback port
     * @throws IOException on failure
     */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    Result asPostgres(List<String> argv, Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + OS_USER, "--regid=" + OS_USER, "--init-groups", "--"));
        cmd.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(new java.io.File("/"));
        pb.environment().putAll(env);
        Path out = Files.createTempFile("pgfx", ".out");
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + argv);
        }
        String text = Files.readString(out);
        Files.delete(out);
        return new Result(p.exitValue(), text);
    }

    record Result(int exit, String stdout) {
        Result requireOk(String what) {
            if (exit != 0) {
                throw new AssertionError(what + " failed (" + exit + "): " + stdout);
            }
            return this;
        }
    }

    private static void chown(Path p) throws IOException {
        var lookup = p.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        v.setOwner(lookup.lookupPrincipalByName(OS_USER));
        v.setGroup(lookup.lookupPrincipalByGroupName(OS_USER));
    }

    /** Stops every process and server started here and deletes the temp directory. */
    @Override
    public void close() throws Exception {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        for (int k = instances.size() - 1; k >= 0; k--) {
            Instance i = instances.get(k);
            if (i.running) {
                asPostgres(List.of(BIN.resolve("pg_ctl").toString(), "-D", i.data.toString(), "-m", "immediate", "-w", "stop"),
                        Map.of());
                i.running = false;
            }
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
