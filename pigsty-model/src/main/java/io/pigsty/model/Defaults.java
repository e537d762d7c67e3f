package io.pigsty.model;

import java.util.List;

/**
 * Pigsty's defaults for the list-valued parameters: default roles and system users, services,
 * HBA rules, schemas, extensions, credentials. Values copied from Pigsty's role defaults.
 */
public final class Defaults {
    private Defaults() {
    }

    /** Pigsty's default admin password; validation warns when it is kept outside the sandbox. */
    public static final String ADMIN_PASSWORD = "DBUser.DBA";
    /** Pigsty's default monitor password. */
    public static final String MONITOR_PASSWORD = "DBUser.Monitor";
    /** Pigsty's default replication password. */
    public static final String REPLICATION_PASSWORD = "DBUser.Replicator";
    /** Pigsty's default Patroni REST password. */
    public static final String PATRONI_PASSWORD = "Patroni.API";
    /** Pigsty's default HAProxy admin password. */
    public static final String HAPROXY_PASSWORD = "pigsty";
    /** Users that can never be dropped. */
    public static final List<String> SYSTEM_USERS = List.of("postgres", "replicator", "dbuser_dba", "dbuser_monitor");

    /** @return the four NOLOGIN roles and four system users, in creation order */
    public static List<PgUser> defaultRoles() {
        return List.of(
                PgUser.named("dbrole_readonly").login(false).comment("role for global read-only access").build(),
                PgUser.named("dbrole_offline").login(false).comment("role for restricted read-only access").build(),
                PgUser.named("dbrole_readwrite").login(false).roles("dbrole_readonly")
                        .comment("role for global read-write access").build(),
                PgUser.named("dbrole_admin").login(false).roles("pg_monitor", "dbrole_readwrite")
                        .comment("role for object creation").build(),
                PgUser.named("postgres").superuser(true).comment("system superuser").build(),
                PgUser.named("replicator").replication(true).roles("pg_monitor", "dbrole_readonly")
                        .comment("system replicator").build(),
                PgUser.named("dbuser_dba").superuser(true).roles("dbrole_admin").pgbouncer(true)
                        .poolMode(PoolMode.SESSION).poolConnlimit(16).comment("pgsql admin user").build(),
                PgUser.named("dbuser_monitor").roles("pg_monitor", "dbrole_readonly").pgbouncer(true)
                        .parameter("log_min_duration_statement", "1000").poolMode(PoolMode.SESSION).poolConnlimit(8)
                        .comment("pgsql monitor user").build());
    }

    /** @return primary 5433, replica 5434, default 5436, offline 5438 */
    public static List<PgService> defaultServices() {
        return List.of(
                PgService.named("primary", 5433).dest("default").check("/primary").selector("[]").build(),
                PgService.named("replica", 5434).dest("default").check("/read-only").selector("[]")
                        .backup("[? pg_role == `primary` || pg_role == `offline` ]").build(),
                PgService.named("default", 5436).dest("postgres").check("/primary").selector("[]").build(),
                PgService.named("offline", 5438).dest("postgres").check("/replica")
                        .selector("[? pg_role == `offline` || pg_offline_query ]")
                        .backup("[? pg_role == `replica` && !pg_offline_query]").build());
    }

    /** @return PostgreSQL's default HBA rules, orders 100-650 */
    public static List<HbaRule> defaultHbaRules() {
        return List.of(
                rule("${dbsu}", "all", "local", "ident", 100, "dbsu access via local os user ident"),
                rule("${dbsu}", "replication", "local", "ident", 150, "dbsu replication from local os ident"),
                rule("${repl}", "replication", "localhost", "pwd", 200, "replicator replication from localhost"),
                rule("${repl}", "replication", "intra", "pwd", 250, "replicator replication from intranet"),
                rule("${repl}", "postgres", "intra", "pwd", 300, "replicator postgres db from intranet"),
                rule("${monitor}", "all", "localhost", "pwd", 350, "monitor from localhost with password"),
                rule("${monitor}", "all", "infra", "pwd", 400, "monitor from infra host with password"),
                rule("${admin}", "all", "intra", "pwd", 450, "admin @ intranet with password"),
                rule("${admin}", "all", "world", "ssl", 500, "admin @ everywhere with ssl & pwd"),
                rule("+dbrole_readonly", "all", "localhost", "pwd", 550, "pgbouncer read/write via local socket"),
                rule("+dbrole_readonly", "all", "intra", "pwd", 600, "read/write biz user via password"),
                HbaRule.of("+dbrole_offline", "all", "intra", "pwd").role("offline").order(650)
                        .title("allow etl offline tasks from intranet").build());
    }

    /** @return PgBouncer's default HBA rules, orders 100-400 */
    public static List<HbaRule> defaultPgbHbaRules() {
        return List.of(
                rule("${dbsu}", "pgbouncer", "local", "peer", 100, "dbsu local admin access with os ident"),
                rule("all", "all", "localhost", "pwd", 150, "allow all user local access with pwd"),
                rule("${monitor}", "pgbouncer", "intra", "pwd", 200, "monitor access via intranet with pwd"),
                rule("${monitor}", "all", "world", "deny", 250, "reject all other monitor access addr"),
                rule("${admin}", "all", "intra", "pwd", 300, "admin access via intranet with pwd"),
                rule("${admin}", "all", "world", "deny", 350, "reject all other admin access addr"),
                rule("all", "all", "intra", "pwd", 400, "allow all user intra access with pwd"));
    }

    /** @return {@code [monitor]} */
    public static List<String> defaultSchemas() {
        return List.of("monitor");
    }

    /**
     * @return Pigsty's default extensions that ship with Debian's postgresql-15/contrib
     *         (pg_repack is not in Debian's PostgreSQL packages and is left out)
     */
    public static List<PgExtension> defaultExtensions() {
        return List.of(
                PgExtension.of("pg_stat_statements", "monitor"), PgExtension.of("pgstattuple", "monitor"),
                PgExtension.of("pg_buffercache", "monitor"), PgExtension.of("pageinspect", "monitor"),
                PgExtension.of("pg_prewarm", "monitor"), PgExtension.of("pg_visibility", "monitor"),
                PgExtension.of("pg_freespacemap", "monitor"), PgExtension.of("postgres_fdw", "public"),
                PgExtension.of("file_fdw", "public"), PgExtension.of("btree_gist", "public"),
                PgExtension.of("btree_gin", "public"), PgExtension.of("pg_trgm", "public"),
                PgExtension.of("intagg", "public"), PgExtension.of("intarray", "public"));
    }

    private static HbaRule rule(String user, String db, String addr, String auth, int order, String title) {
        return HbaRule.of(user, db, addr, auth).order(order).title(title).build();
    }
}
