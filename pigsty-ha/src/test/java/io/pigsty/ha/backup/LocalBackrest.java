package io.pigsty.ha.backup;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.Host;
import io.pigsty.api.exec.LocalExecutor;
import io.pigsty.api.facts.HostFacts;
import io.pigsty.api.step.StepContext;
import io.pigsty.api.template.Templates;
import io.pigsty.ha.backup.internal.BackupFiles;
import io.pigsty.model.BackupRepo;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.Role;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL 15 (Debian's binaries) in a temp dir, run as {@code postgres} on a free
 * loopback port, archiving with the SDK's {@code archive_command} through the SDK's rendered
 * {@code pgbackrest.conf} (repository, log and spool in the temp dir; {@code PGBACKREST_CONFIG}
 * points pgBackRest at it, so the archive command is exactly the rendered one). Test helper.
 */
final class LocalBackrest implements AutoCloseable {
    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    static final String STANZA = "pg-local";

    final Path dir;
    final Path data;
    final Path repo;
    final Path conf;
    final int port;
    final Executor exec = new LocalExecutor();
    final Host host = new Host("127.0.0.1", "local");

    private LocalBackrest(Path dir, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.repo = dir.resolve("repo");
        this.conf = dir.resolve("pgbackrest.conf");
        this.port = port;
    }

    static void requireHost() {
        boolean ok = Files.isExecutable(BIN.resolve("postgres")) && Files.isExecutable(Path.of(Backup.BIN))
                && "root".equals(System.getProperty("user.name"));
        if (!ok && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI must run these tests as root with postgresql-15 and pgbackrest (.ci/install-host-packages)");
        }
        Assumptions.assumeTrue(ok, "needs root, postgresql-15 and pgbackrest (run .ci/install-host-packages)");
    }

    /** The inventory the rendered config comes from: one member whose paths point into the temp dir. */
    Inventory inventory() {
        PgCluster c = PgCluster.named(STANZA).instance(1, "127.0.0.1", Role.PRIMARY)
                .var(Params.PG_DATA.name(), data.toString()).var(Params.PG_PORT.name(), port)
                .var(Params.PG_LOCALHOST.name(), dir.toString()).var(Params.PGBACKREST_LOG_DIR.name(), dir.resolve("log").toString())
                .var(Params.PGBACKREST_REPO.name(), Map.of("local", BackupRepo.named("local").option("path", repo.toString())
                        .option("retention_full_type", "count").option("retention_full", "2").build()))
                .build();
        return Inventory.builder().cluster(c).build();
    }

    static LocalBackrest start() throws Exception {
        return start(null, t -> t);
    }

    /**
     * @param inventory builds the inventory from the helper (null: {@link #inventory()})
     * @param edit      last edits of the rendered member config (test-only paths and ports)
     * @return a started server
     */
    static LocalBackrest start(java.util.function.Function<LocalBackrest, Inventory> inventory,
                               java.util.function.UnaryOperator<String> edit) throws Exception {
        requireHost();
        Path d = Files.createTempDirectory("pigsty-backrest-");
        LocalBackrest pg = new LocalBackrest(d, freePort());
        for (String sub : List.of("log", "spool", "repo")) {
            Files.createDirectories(d.resolve(sub));
        }
        pg.root("chown -R postgres:postgres " + d + " && chmod 0750 " + d);
        pg.pg(BIN + "/initdb -D " + pg.data + " -U postgres --auth-local=peer --auth-host=reject -E UTF8 --locale=C.UTF-8"
                + " --data-checksums >/dev/null");
        Inventory inv = inventory == null ? pg.inventory() : inventory.apply(pg);
        PgCluster c = inv.requireCluster(STANZA);
        PgInstance i = c.instances().get(0);
        String text = BackupFiles.render(Templates.bundled(), "local test", BackupFiles.memberSections(inv, c, i, 2))
                // the one fixed path of the rendered file (Pigsty's /pg/spool) moves into the temp dir too
                .replace("spool-path=" + Backup.SPOOL, "spool-path=" + d.resolve("spool"));
        text = edit.apply(text);
        Files.writeString(pg.conf, text, StandardCharsets.UTF_8);
        String settings = "\nport = " + pg.port + "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '" + d + "'\n"
                + "wal_level = replica\narchive_mode = on\narchive_timeout = 300\n"
                + "archive_command = '" + Backup.archiveCommand(STANZA) + "'\n";
        Files.writeString(pg.data.resolve("postgresql.conf"), settings, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        pg.root("chown -R postgres:postgres " + d);
        pg.startPg();
        return pg;
    }

    void startPg() {
        pg(BIN + "/pg_ctl -D " + data + " -l " + dir.resolve("postgres.log") + " -w -t 120 start >/dev/null");
    }

    void stopPg() {
        pg(BIN + "/pg_ctl -D " + data + " -w -t 120 stop -m fast >/dev/null");
    }

    /** @return a psql prefix ending in {@code -c } */
    String psql() {
        return BIN + "/psql -X -A -t -h " + dir + " -p " + port + " -d postgres -c ";
    }

    String sql(String sql) {
        return pg(psql() + io.pigsty.api.quote.ShellQuote.quote(sql)).stdout().strip();
    }

    /** Runs a shell line as postgres with PGBACKREST_CONFIG set; fails with its output when it fails. */
    ExecResult pg(String line) {
        return ok(run(line), line);
    }

    ExecResult run(String line) {
        return exec.run(host, Command.shell("export PGBACKREST_CONFIG=" + conf + "; " + line).user("postgres")
                .timeout(Duration.ofMinutes(30)).build());
    }

    void root(String line) {
        ok(exec.run(host, Command.shell(line).build()), line);
    }

    private ExecResult ok(ExecResult r, String line) {
        if (!r.ok()) {
            throw new AssertionError(line + " -> exit " + r.exitCode() + "\n" + r.stdout() + r.stderr() + "\n" + log());
        }
        return r;
    }

    String log() {
        try {
            Path l = dir.resolve("postgres.log");
            return Files.exists(l) ? Files.readString(l) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Runs a step the way a plan does: check, apply, then check again. */
    StepContext ctx() {
        return new StepContext() {
            @Override
            public Host host() {
                return host;
            }

            @Override
            public Executor executor() {
                return new Executor() {
                    @Override
                    public ExecResult run(Host h, Command c) {
                        return exec.run(h, c.toBuilder().env("PGBACKREST_CONFIG", conf.toString()).build());
                    }

                    @Override
                    public void putFile(Host h, io.pigsty.api.exec.FileSpec file) {
                        exec.putFile(h, file);
                    }

                    @Override
                    public java.util.Optional<byte[]> readFile(Host h, String path) {
                        return exec.readFile(h, path);
                    }

                    @Override
                    public io.pigsty.api.exec.FileFacts stat(Host h, String path) {
                        return exec.stat(h, path);
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public HostFacts facts() {
                throw new UnsupportedOperationException("backup steps need no facts");
            }
        };
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        run(BIN + "/pg_ctl -D " + data + " -w -t 60 stop -m immediate >/dev/null 2>&1; true");
        exec.run(host, Command.shell("rm -rf " + dir).build());
    }
}
