package io.pigsty.api.pgsql;

import io.pigsty.model.Secret;
import io.pigsty.api.pgsql.internal.DatabaseSql;
import io.pigsty.api.pgsql.internal.HbaRules;
import io.pigsty.api.pgsql.internal.PgbouncerConfigs;
import io.pigsty.api.pgsql.internal.Pgpass;
import io.pigsty.api.pgsql.internal.PgsqlFileSet;
import io.pigsty.api.pgsql.internal.UserSql;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A hand-built spec with Pigsty's defaults (reference 1.4, 1.7, 1.10), independent of the model. */
final class Fixture {
    static final String APP_PASSWORD = "App.Secret'1:\"x";
    static final String TEST_PASSWORD = "Test.Secret-42";

    private Fixture() {
    }

    static HbaRules.Rule rule(String user, String db, String addr, String auth, String title, String role, int order) {
        return new HbaRules.Rule(user, db, Optional.of(addr), auth, Optional.of(title), role, order, List.of());
    }

    static UserSql.User user(String name, Optional<String> pwd, boolean login, boolean superuser, boolean replication,
                             int connlimit, String comment, List<String> roles, Map<String, String> params) {
        return new UserSql.User(name, pwd.map(x -> stored(name, x)), false, login, true, superuser, false, false, replication, false, connlimit,
                Optional.empty(), Optional.empty(), comment, roles, params);
    }

    static PgsqlFileSet.Spec spec() {
        List<HbaRules.Rule> hba = List.of(
                rule("${dbsu}", "all", "local", "ident", "dbsu access via local os user ident", "default", 100),
                rule("${dbsu}", "replication", "local", "ident", "dbsu replication from local os ident", "default", 150),
                rule("${repl}", "replication", "localhost", "pwd", "replicator replication from localhost", "default", 200),
                rule("${repl}", "replication", "intra", "pwd", "replicator replication from intranet", "default", 250),
                rule("${repl}", "postgres", "intra", "pwd", "replicator postgres db from intranet", "default", 300),
                rule("${monitor}", "all", "localhost", "pwd", "monitor from localhost with password", "default", 350),
                rule("${monitor}", "all", "infra", "pwd", "monitor from infra host with password", "default", 400),
                rule("${admin}", "all", "infra", "ssl", "admin @ infra nodes with pwd & ssl", "default", 450),
                rule("${admin}", "all", "world", "ssl", "admin @ everywhere with ssl & pwd", "default", 500),
                rule("+dbrole_readonly", "all", "localhost", "pwd", "pgbouncer read/write via local socket", "default", 550),
                rule("+dbrole_readonly", "all", "intra", "pwd", "read/write biz user via password", "default", 600),
                rule("+dbrole_offline", "all", "intra", "pwd", "allow etl offline tasks from intranet", "default", 650),
                // user rules: a deny that must win over the defaults, and a replica-only rule (commented on a primary)
                rule("dbuser_app", "all", "localhost", "deny", "no app login on loopback", "common", 10),
                rule("all", "all", "localhost", "trust", "replica only: trust loopback", "replica", 20));
        List<HbaRules.Rule> pgbHba = List.of(
                rule("${dbsu}", "pgbouncer", "local", "peer", "dbsu local admin access with os ident", "default", 100),
                rule("all", "all", "localhost", "pwd", "allow all user local access with pwd", "default", 150),
                rule("${monitor}", "pgbouncer", "intra", "pwd", "monitor access via intranet with pwd", "default", 200),
                rule("${monitor}", "all", "world", "deny", "reject all other monitor access addr", "default", 250),
                rule("${admin}", "all", "intra", "pwd", "admin access via intranet with pwd", "default", 300),
                rule("${admin}", "all", "world", "deny", "reject all other admin access addr", "default", 350),
                rule("all", "all", "intra", "pwd", "allow all user intra access with pwd", "default", 400),
                rule("dbuser_app", "all", "localhost", "deny", "no app via pgbouncer on loopback", "common", 10));
        List<UserSql.User> users = new ArrayList<>(List.of(
                user("dbrole_readonly", Optional.empty(), false, false, false, -1, "role for global read-only access", List.of(), Map.of()),
                user("dbrole_offline", Optional.empty(), false, false, false, -1, "role for restricted read-only access", List.of(), Map.of()),
                user("dbrole_readwrite", Optional.empty(), false, false, false, -1, "role for global read-write access", List.of("dbrole_readonly"), Map.of()),
                user("dbrole_admin", Optional.empty(), false, false, false, -1, "role for object creation", List.of("pg_monitor", "dbrole_readwrite"), Map.of()),
                user("postgres", Optional.empty(), true, true, false, -1, "system superuser", List.of(), Map.of()),
                user("replicator", Optional.of("DBUser.Replicator"), true, false, true, -1, "system replicator", List.of("pg_monitor", "dbrole_readonly"), Map.of()),
                user("dbuser_dba", Optional.of("DBUser.DBA"), true, true, false, 16, "pgsql admin user", List.of("dbrole_admin"), Map.of()),
                user("dbuser_monitor", Optional.of("DBUser.Monitor"), true, false, false, 8, "pgsql monitor user", List.of("pg_monitor", "dbrole_readonly"), Map.of("log_min_duration_statement", "1000")),
                user("dbuser_app", Optional.of(APP_PASSWORD), true, false, false, -1, "it's the app", List.of("dbrole_readwrite"), Map.of("search_path", "public")),
                user("test", Optional.of(TEST_PASSWORD), true, false, false, -1, "business user test", List.of("dbrole_readwrite"), Map.of())));
        List<PgbouncerConfigs.User> pgbUsers = List.of(
                new PgbouncerConfigs.User("dbuser_dba", Optional.of(stored("dbuser_dba", "DBUser.DBA")), true, false, Optional.of("session"), 16),
                new PgbouncerConfigs.User("dbuser_monitor", Optional.of(stored("dbuser_monitor", "DBUser.Monitor")), true, false, Optional.of("session"), 8),
                new PgbouncerConfigs.User("dbuser_app", Optional.of(stored("dbuser_app", APP_PASSWORD)), true, false, Optional.empty(), -1),
                new PgbouncerConfigs.User("test", Optional.of(stored("test", TEST_PASSWORD)), true, false, Optional.empty(), -1),
                new PgbouncerConfigs.User("replicator", Optional.of(stored("replicator", "DBUser.Replicator")), false, false, Optional.empty(), -1));
        List<DatabaseSql.Database> dbs = List.of(
                new DatabaseSql.Database("test", "create", "test", "business database test", Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), false, true, false, -1, List.of("app"),
                        List.of(new DatabaseSql.Extension("pg_trgm", Optional.empty(), Optional.empty())),
                        Map.of("work_mem", "64MB")),
                new DatabaseSql.Database("app", "create", "dbuser_app", "it's app's db", Optional.of("template1"),
                        Optional.of("FILE_COPY"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), false, true, true, 50, List.of(), List.of(), Map.of()));
        List<PgbouncerConfigs.Db> pgbDbs = List.of(
                new PgbouncerConfigs.Db("test", false, true, Optional.empty(), 64, 0, 32, 100, Optional.empty()),
                new PgbouncerConfigs.Db("app", false, true, Optional.of("session"), 64, 0, 32, 100, Optional.empty()));
        List<String> privs = List.of(
                "GRANT USAGE      ON SCHEMAS   TO dbrole_readonly",
                "GRANT SELECT     ON TABLES    TO dbrole_readonly",
                "GRANT SELECT     ON SEQUENCES TO dbrole_readonly",
                "GRANT EXECUTE    ON FUNCTIONS TO dbrole_readonly",
                "GRANT USAGE      ON SCHEMAS   TO dbrole_offline",
                "GRANT SELECT     ON TABLES    TO dbrole_offline",
                "GRANT INSERT, UPDATE, DELETE ON TABLES TO dbrole_readwrite",
                "GRANT USAGE, UPDATE ON SEQUENCES TO dbrole_readwrite",
                "GRANT TRUNCATE, REFERENCES, TRIGGER ON TABLES TO dbrole_admin",
                "GRANT CREATE     ON SCHEMAS   TO dbrole_admin");
        List<DatabaseSql.Extension> exts = new ArrayList<>();
        for (String e : List.of("pg_stat_statements", "pgstattuple", "pg_buffercache", "pageinspect", "pg_prewarm",
                "pg_visibility", "pg_freespacemap")) {
            exts.add(new DatabaseSql.Extension(e, Optional.of("monitor"), Optional.empty()));
        }
        for (String e : List.of("postgres_fdw", "file_fdw", "btree_gist", "btree_gin", "pg_trgm", "intagg", "intarray", "pg_repack")) {
            exts.add(new DatabaseSql.Extension(e, Optional.empty(), Optional.empty()));
        }
        return new PgsqlFileSet.Spec("pg-test-1", "primary", false, 5432, "postgres", "replicator", "dbuser_monitor",
                "dbuser_dba", List.of(new Pgpass.Credential("dbuser_dba", Secret.of("DBUser.DBA")),
                new Pgpass.Credential("dbuser_monitor", Secret.of("DBUser.Monitor")), new Pgpass.Credential("replicator", Secret.of("DBUser.Replicator"))),
                "10.213.0.10", List.of("10.213.0.10"), List.of("10.213.0.11", "10.213.0.12", "10.213.0.13"),
                List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"), "scram-sha-256", hba, pgbHba, users, pgbUsers,
                dbs, pgbDbs, privs, List.of("monitor"), exts, 6432, "*", "transaction", "disable",
                List.of("extra_float_digits", "application_name", "TimeZone", "DateStyle", "IntervalStyle", "search_path"),
                false, PgsqlFileSet.Layout.standard());
    }

    /** What ModelSpecs hands on: the verifier PostgreSQL and PgBouncer both store, never the plain text. */
    static Secret stored(String user, String password) {
        return Secret.of(io.pigsty.api.pgsql.internal.Scram.stored(user, password, "scram-sha-256"));
    }
}
