package io.pigsty.api.pgsql;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.pgsql.internal.DatabaseSql;
import io.pigsty.api.pgsql.internal.PgsqlFileSet;
import io.pigsty.api.pgsql.internal.UserSql;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import io.pigsty.api.pgsql.internal.ModelSpecs;
import io.pigsty.model.HbaRule;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PgUser;
import io.pigsty.model.Resolved;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real readers for the PGSQL-core templates: a real PostgreSQL 15 runs with the rendered
 * pg_hba.conf and the rendered role/database/privilege SQL (applied twice), and a real
 * PgBouncer runs with the rendered pgbouncer.ini, database.txt, userlist.txt, useropts.txt and
 * pgb_hba.conf. Only ports and file locations are adapted to the test (loopback, temp dir).
 */
class PgsqlRealReadersIT {

    @Test
    void fixtureSpecIsAcceptedByRealPostgresAndPgbouncer() throws Exception {
        exercise(Fixture.spec(), "test", Fixture.TEST_PASSWORD, "test", "dbuser_app", Fixture.APP_PASSWORD,
                List.of(Fixture.TEST_PASSWORD, Fixture.APP_PASSWORD));
    }

    @Test
    void sandboxSampleIsAcceptedByRealPostgresAndPgbouncer() throws Exception {
        sample("sandbox", "pg-test", "test", "test");
    }

    @Test
    void metaSampleIsAcceptedByRealPostgresAndPgbouncer() throws Exception {
        sample("meta", "pg-meta", "dbuser_meta", "meta");
    }

    /**
     * Renders the primary of a shipped sample (random passwords, plus one user the HBA rules
     * deny on loopback, so that a rejection can be observed) and runs it for real.
     */
    private static void sample(String sample, String cluster, String user, String db) throws Exception {
        Inventory inv = Inventory.sample(sample).withGeneratedPasswords(new SecureRandom());
        PgCluster c = inv.requireCluster(cluster);
        String deniedPwd = Inventory.randomPassword(new SecureRandom());
        PgCluster withDenied = c.toBuilder()
                .user(PgUser.named("dbuser_denied").password(deniedPwd).roles("dbrole_readonly").pgbouncer(true))
                .hbaRule(HbaRule.of("dbuser_denied", "all", "localhost", "deny").order(10).title("deny on loopback").build())
                .pgbHbaRule(HbaRule.of("dbuser_denied", "all", "localhost", "deny").order(10).title("deny on loopback").build())
                .build();
        List<PgCluster> clusters = inv.clusters().stream().map(x -> x.name().equals(cluster) ? withDenied : x).toList();
        Inventory adapted = new Inventory(inv.vars(), inv.infra(), inv.etcd(), clusters, inv.nodeGroups());
        PgInstance primary = withDenied.primary().orElseThrow();
        Resolved vars = adapted.resolve(withDenied, primary);
        PgsqlFileSet.Spec spec = ModelSpecs.spec(adapted, withDenied, primary, vars);
        String pwd = vars.get(Params.PG_USERS).stream().filter(u -> u.name().equals(user)).findFirst()
                .orElseThrow().password().orElseThrow().reveal();
        List<String> secrets = new ArrayList<>(List.of(pwd, deniedPwd, vars.get(Params.PG_ADMIN_PASSWORD).reveal(),
                vars.get(Params.PG_MONITOR_PASSWORD).reveal(), vars.get(Params.PG_REPLICATION_PASSWORD).reveal()));
        exercise(spec, user, pwd, db, "dbuser_denied", deniedPwd, secrets);
    }

    /**
     * @param spec      what to render
     * @param okUser    a user HBA lets in from 127.0.0.1 (and PgBouncer pools)
     * @param okPwd     its password
     * @param okDb      a database it may use
     * @param denied    a user a rendered rule rejects from 127.0.0.1
     * @param deniedPwd its (correct) password
     * @param secrets   passwords that must not reach the server log or pg_stat_statements
     */
    static void exercise(PgsqlFileSet.Spec spec, String okUser, String okPwd, String okDb, String denied,
                         String deniedPwd, List<String> secrets) throws Exception {
        LocalPostgres.requireHost();
        PgsqlFileSet hbaOnly = new PgsqlFileSet(spec, Ftl::render);
        try (LocalPostgres pg = LocalPostgres.start(hbaOnly.pgHba(), Map.of())) {
            Path sql = pg.dir.resolve("sql");
            Files.createDirectories(sql);
            LocalPostgres.chown(sql);
            int pgbPort = LocalPostgres.freePort();
            PgsqlFileSet.Layout layout = new PgsqlFileSet.Layout(pg.dir.resolve("pgbouncer").toString(), pg.dir.toString(),
                    pg.dir.resolve("pgbouncer.pid").toString(), pg.dir.toString(), pg.dir.toString(),
                    pg.dir.resolve("pg_hba.conf").toString(), sql.toString());
            PgsqlFileSet files = new PgsqlFileSet(spec.withLayout(layout).withPorts(pg.port, pgbPort, "127.0.0.1"), Ftl::render);

            // provisioning SQL, twice: the second run must succeed and change nothing
            for (int round = 1; round <= 2; round++) {
                for (UserSql.User u : spec.users()) {
                    Path f = Path.of(files.userSqlPath(u));
                    pg.writeOwned(f, files.userSql(u), "rw-------");
                    pg.psqlFile(f, "postgres").requireOk("round " + round + " " + f);
                    assertThat(pg.query(UserSql.convergedQuery(u, spec.dbsu()), "postgres")).as("role %s converged", u.name()).isEqualTo("t");
                }
                Path tpl = Path.of(files.templateSqlPath());
                pg.writeOwned(tpl, files.templateSql(), "rw-r-----");
                for (String db : List.of("template1", "postgres")) {
                    pg.psqlFile(tpl, db).requireOk("round " + round + " template sql in " + db);
                    assertThat(pg.query(files.templateConvergedQuery(), db)).as("template sql in %s", db).isEqualTo("t");
                }
                for (DatabaseSql.Database d : spec.databases()) {
                    Path f = Path.of(files.dbSqlPath(d));
                    pg.writeOwned(f, files.dbSql(d), "rw-r-----");
                    pg.psqlFile(f, "postgres").requireOk("round " + round + " " + f);
                    assertThat(pg.query(DatabaseSql.convergedQuery(d), "postgres")).as("db %s", d.name()).isEqualTo("t");
                    assertThat(pg.query(DatabaseSql.objectsQuery(d), d.name())).as("db %s objects", d.name()).isEqualTo("t");
                }
            }
            // the monitor schema holds the contrib extensions; pg_repack is not in Debian's contrib: where the
            // spec asks for it, it is created exactly when its package (postgresql-15-repack) is installed
            assertThat(pg.query("select string_agg(extname, ',' order by extname) from pg_extension e join pg_namespace n"
                    + " on n.oid = e.extnamespace where nspname = 'monitor'", "postgres"))
                    .contains("pg_stat_statements", "pg_buffercache", "pgstattuple");
            boolean repackAsked = spec.defaultExtensions().stream().anyMatch(x -> x.name().equals("pg_repack"));
            String repackAvailable = pg.query("select count(*) from pg_available_extensions where name = 'pg_repack'", "postgres");
            assertThat(pg.query("select count(*) from pg_extension where extname = 'pg_repack'", "postgres"))
                    .isEqualTo(repackAsked ? repackAvailable : "0");
            // PgBouncer's auth_query function answers a login role's verifier, never a superuser's, to the dbsu only
            assertThat(pg.query("select password from monitor.pgbouncer_auth('" + okUser + "')", okDb)).startsWith("SCRAM-SHA-256$");
            assertThat(pg.query("select count(*) from monitor.pgbouncer_auth('" + spec.dbsu() + "')", "postgres")).isEqualTo("0");
            assertThat(pg.query("select has_function_privilege('" + okUser + "', 'monitor.pgbouncer_auth(text)', 'execute')", "postgres"))
                    .isEqualTo("f");
            // the bootstrap superuser keeps what initdb gave it
            assertThat(pg.query("select rolreplication and rolcreatedb and rolbypassrls from pg_roles where rolname = 'postgres'",
                    "postgres")).isEqualTo("t");

            // the read-only password check agrees with the server's verifier
            String verifier = pg.query("select rolpassword from pg_authid where rolname = '" + okUser + "'", "postgres");
            assertThat(io.pigsty.api.pgsql.internal.Scram.matches(verifier, okUser, okPwd)).isTrue();
            assertThat(io.pigsty.api.pgsql.internal.Scram.matches(verifier, okUser, okPwd + "x")).isFalse();

            // PostgreSQL parsed every rendered HBA line without error
            assertThat(pg.query("select coalesce(string_agg(line_number || ': ' || error, E'\\n'), '') from pg_hba_file_rules where error is not null", "postgres")).isEmpty();
            assertThat(Integer.parseInt(pg.query("select count(*) from pg_hba_file_rules", "postgres"))).isGreaterThan(10);

            // HBA: allowed and rejected logins over TCP from 127.0.0.1
            LocalPostgres.Result ok = LocalPostgres.login("127.0.0.1", pg.port, okUser, okPwd, okDb);
            assertThat(ok.exit()).as("login %s: %s", okUser, ok.stderr()).isZero();
            assertThat(ok.stdout().strip()).isEqualTo(okUser);
            LocalPostgres.Result no = LocalPostgres.login("127.0.0.1", pg.port, denied, deniedPwd, okDb);
            assertThat(no.exit()).isNotZero();
            assertThat(no.stderr()).contains("pg_hba.conf rejects connection");
            LocalPostgres.Result bad = LocalPostgres.login("127.0.0.1", pg.port, okUser, okPwd + "x", okDb);
            assertThat(bad.stderr()).contains("password authentication failed");

            // secrets never reached the server log nor pg_stat_statements (log_statement = all in this test)
            String statements = pg.query("select coalesce(string_agg(query, E'\\n'), '') from monitor.pg_stat_statements", "postgres");
            for (String s : secrets) {
                assertThat(pg.log()).doesNotContain(s);
                assertThat(statements).doesNotContain(s);
            }

            // role filter, live: the same rules rendered for a replica enable the replica-only rule; reload picks it up
            if (spec.hbaRules().stream().anyMatch(r -> r.role().equals("replica") && r.auth().equals("trust"))) {
                PgsqlFileSet asReplica = new PgsqlFileSet(new PgsqlFileSet.Spec(spec.instance(), "replica", false, spec.pgPort(),
                        spec.dbsu(), spec.repl(), spec.monitor(), spec.admin(), spec.credentials(), spec.adminIp(),
                        spec.infraIps(), spec.clusterIps(), spec.intranet(), spec.pwdEnc(), spec.hbaRules(), spec.pgbHbaRules(),
                        spec.users(), spec.pgbUsers(), spec.databases(), spec.pgbDbs(), spec.defaultPrivileges(),
                        spec.defaultSchemas(), spec.defaultExtensions(), spec.pgbouncerPort(), spec.pgbouncerListen(),
                        spec.poolMode(), spec.sslMode(), spec.ignoreParams(), spec.authQuery(), layout), Ftl::render);
                pg.writeOwned(pg.dir.resolve("pg_hba.conf"), asReplica.pgHba(), "rw-------");
                assertThat(pg.query("select pg_reload_conf()", "postgres")).isEqualTo("t");
                Thread.sleep(300);
                assertThat(LocalPostgres.login("127.0.0.1", pg.port, okUser, "wrong", okDb).exit()).as("trusted on a replica").isZero();
                pg.writeOwned(pg.dir.resolve("pg_hba.conf"), files.pgHba(), "rw-------");
                assertThat(pg.query("select pg_reload_conf()", "postgres")).isEqualTo("t");
                Thread.sleep(300);
                assertThat(LocalPostgres.login("127.0.0.1", pg.port, okUser, "wrong", okDb).exit()).as("not on the primary").isNotZero();
            }

            // .pgpass: the dbsu logs in as the admin user over TCP with the rendered file and no other password
            pg.writeOwned(pg.dir.resolve("pgpass"), files.pgpass(), "rw-------");
            LocalPostgres.Result viaPgpass = pg.asPostgres(List.of(LocalPostgres.BIN.resolve("psql").toString(), "-X", "-A", "-t", "-w",
                    "host=127.0.0.1 port=" + pg.port + " user=" + spec.admin() + " dbname=postgres sslmode=disable",
                    "-c", "select current_user"), Map.of("PGPASSFILE", pg.dir.resolve("pgpass").toString()));
            assertThat(viaPgpass.exit()).as("login with .pgpass: %s", viaPgpass.stderr()).isZero();
            assertThat(viaPgpass.stdout().strip()).isEqualTo(spec.admin());

            // PgBouncer with the rendered files
            Path conf = Path.of(layout.pgbConfDir());
            Files.createDirectories(conf);
            LocalPostgres.chown(conf);
            pg.writeOwned(conf.resolve("pgbouncer.ini"), files.pgbouncerIni(), "rw-r-----");
            pg.writeOwned(conf.resolve("database.txt"), files.databaseTxt(), "rw-r-----");
            pg.writeOwned(conf.resolve("useropts.txt"), files.useropts(), "rw-r-----");
            pg.writeOwned(conf.resolve("userlist.txt"), files.userlist(), "rw-------");
            pg.writeOwned(conf.resolve("pgb_hba.conf"), files.pgbHba(), "rw-r-----");
            Process pgb = new ProcessBuilder("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--",
                    "/usr/sbin/pgbouncer", conf.resolve("pgbouncer.ini").toString())
                    .directory(new java.io.File("/")).redirectErrorStream(true)
                    .redirectOutput(pg.dir.resolve("pgbouncer.out").toFile()).start();
            try {
                waitForPort(pgbPort, pgb, pg.dir);
                LocalPostgres.Result viaPgb = LocalPostgres.login("127.0.0.1", pgbPort, okUser, okPwd, okDb);
                assertThat(viaPgb.exit()).as("pgbouncer login %s: %s\n%s", okUser, viaPgb.stderr(),
                        Files.readString(pg.dir.resolve("pgbouncer.log"))).isZero();
                assertThat(viaPgb.stdout().strip()).isEqualTo(okUser);
                // userlist.txt holds SCRAM verifiers (identical to PostgreSQL's, or the login above
                // could not reach the server), never the password; a wrong password is refused
                String userlist = files.userlist();
                assertThat(userlist).contains("\"" + okUser + "\" \"SCRAM-SHA-256$4096:").doesNotContain(okPwd);
                LocalPostgres.Result wrong = LocalPostgres.login("127.0.0.1", pgbPort, okUser, okPwd + "x", okDb);
                assertThat(wrong.exit()).as("wrong password through pgbouncer").isNotZero();
                assertThat(wrong.stderr()).contains("SASL authentication failed");
                // the dbsu reaches the admin console over the unix socket by peer auth (pgb_hba order 100)
                LocalPostgres.Result admin = pg.asPostgres(List.of(LocalPostgres.BIN.resolve("psql").toString(), "-X", "-A", "-t",
                        "-h", pg.dir.toString(), "-p", String.valueOf(pgbPort), "-U", spec.dbsu(), "-d", "pgbouncer",
                        "-c", "SHOW DATABASES"), Map.of());
                assertThat(admin.exit()).as("pgbouncer admin console: %s\n%s\n%s", admin.stderr(), Files.readString(pg.dir.resolve("pgbouncer.log")), files.pgbHba()).isZero();
                assertThat(admin.stdout()).contains(okDb + "|");
                // the dbsu's empty auth_file entry never lets a password login through
                for (String pw : List.of("", "x")) {
                    LocalPostgres.Result su = LocalPostgres.login("127.0.0.1", pgbPort, spec.dbsu(), pw, "pgbouncer");
                    assertThat(su.exit()).as("dbsu over TCP with password '%s'", pw).isNotZero();
                }
                LocalPostgres.Result deniedPgb = LocalPostgres.login("127.0.0.1", pgbPort, denied, deniedPwd, okDb);
                assertThat(deniedPgb.exit()).isNotZero();
                String log = Files.readString(pg.dir.resolve("pgbouncer.log"));
                // rejected by the rendered pgb_hba rule, and PgBouncer had nothing to say about the config
                assertThat(log).contains(denied + "@127.0.0.1").contains("login rejected")
                        .doesNotContain("unknown parameter").doesNotContain("syntax error").doesNotContain("invalid");
                for (String s : secrets) {
                    assertThat(log).doesNotContain(s);
                }
            } finally {
                pgb.destroy();
                pgb.waitFor();
            }
            // the systemd unit as systemd reads it (production paths: /usr/sbin/pgbouncer must exist)
            Path unitDir = pg.dir.resolve("units");
            Files.createDirectories(unitDir);
            Files.writeString(unitDir.resolve("pgbouncer.service"), new PgsqlFileSet(spec, Ftl::render).pgbouncerUnit());
            LocalPostgres.Result verify = LocalPostgres.run(List.of("systemd-analyze", "verify",
                    unitDir.resolve("pgbouncer.service").toString()), Map.of());
            assertThat(verify.exit()).as("systemd-analyze verify: %s", verify.stderr() + verify.stdout()).isZero();
            assertThat(verify.stderr() + verify.stdout()).doesNotContain("Unknown key").doesNotContain("ignoring");
        }
    }

    private static void waitForPort(int port, Process p, Path dir) throws IOException, InterruptedException {
        Instant end = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(end)) {
            if (!p.isAlive()) {
                throw new AssertionError("pgbouncer exited " + p.exitValue() + ": " + Files.readString(dir.resolve("pgbouncer.out"))
                        + (Files.exists(dir.resolve("pgbouncer.log")) ? Files.readString(dir.resolve("pgbouncer.log")) : ""));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("pgbouncer did not listen on " + port);
    }
}
