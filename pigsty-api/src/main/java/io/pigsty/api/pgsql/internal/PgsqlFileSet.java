package io.pigsty.api.pgsql.internal;

import io.pigsty.api.quote.SqlQuote;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Renders every PGSQL-core file of one instance from a flattened {@link Spec}. Pure: no host,
 * no clock, no randomness, so two renders are byte-identical. The model is flattened into the
 * spec by {@code ModelSpecs}; templates are rendered through the given function (the engine's
 * {@code Templates::render}).
 */
public final class PgsqlFileSet {
    /**
     * Where files live on a host; tests point these into a temp directory.
     *
     * @param pgbConfDir   {@code /etc/pgbouncer}
     * @param pgbSocketDir PgBouncer's unix socket dir
     * @param pgbPidFile   PgBouncer's pid file
     * @param pgbLogDir    {@code pgbouncer_log_dir}
     * @param pgLocalhost  where PgBouncer reaches PostgreSQL (unix socket dir)
     * @param hbaPath      the pg_hba.conf PostgreSQL reads ({@code hba_file})
     * @param tmpDir       where SQL files are written ({@code /pg/tmp})
     */
    public record Layout(String pgbConfDir, String pgbSocketDir, String pgbPidFile, String pgbLogDir,
                         String pgLocalhost, String hbaPath, String tmpDir) {
        /** @return the production layout (Pigsty FHS on Debian) */
        public static Layout standard() {
            return new Layout("/etc/pgbouncer", "/var/run/postgresql", "/var/run/postgresql/pgbouncer.pid",
                    "/pg/log/pgbouncer", "/var/run/postgresql", "/pg/conf/pg_hba.conf", "/pg/tmp");
        }
    }

    /**
     * Everything the PGSQL-core files of one instance depend on.
     *
     * @param instance          {@code pg-test-1}
     * @param role              {@code pg_role}
     * @param offlineQuery      {@code pg_offline_query}
     * @param pgPort            {@code pg_port}
     * @param dbsu              {@code pg_dbsu}
     * @param repl              {@code pg_replication_username}
     * @param monitor           {@code pg_monitor_username}
     * @param admin             {@code pg_admin_username}
     * @param credentials       passwords the dbsu's .pgpass holds (admin, monitor, replication)
     * @param adminIp           {@code admin_ip}
     * @param infraIps          infra group IPs
     * @param clusterIps        cluster member IPs
     * @param intranet          {@code node_firewall_intranet}
     * @param pwdEnc            {@code pg_pwd_enc}
     * @param hbaRules          {@code pg_default_hba_rules + pg_hba_rules}
     * @param pgbHbaRules       {@code pgb_default_hba_rules + pgb_hba_rules}
     * @param users             {@code pg_default_roles + pg_users}
     * @param pgbUsers          the same users as PgBouncer sees them
     * @param databases         {@code pg_databases}
     * @param pgbDbs            the same databases as PgBouncer sees them
     * @param defaultPrivileges {@code pg_default_privileges}
     * @param defaultSchemas    {@code pg_default_schemas}
     * @param defaultExtensions {@code pg_default_extensions}
     * @param pgbouncerPort     {@code pgbouncer_port}
     * @param pgbouncerListen   listen address ({@code pg_listen} with placeholders resolved)
     * @param poolMode          {@code pgbouncer_poolmode}
     * @param sslMode           {@code pgbouncer_sslmode}
     * @param ignoreParams      {@code pgbouncer_ignore_param}
     * @param authQuery         {@code pgbouncer_auth_query}
     * @param layout            file locations
     */
    public record Spec(String instance, String role, boolean offlineQuery, int pgPort, String dbsu, String repl,
                       String monitor, String admin, List<Pgpass.Credential> credentials, String adminIp,
                       List<String> infraIps, List<String> clusterIps, List<String> intranet, String pwdEnc,
                       List<HbaRules.Rule> hbaRules, List<HbaRules.Rule> pgbHbaRules, List<UserSql.User> users,
                       List<PgbouncerConfigs.User> pgbUsers, List<DatabaseSql.Database> databases,
                       List<PgbouncerConfigs.Db> pgbDbs, List<String> defaultPrivileges, List<String> defaultSchemas,
                       List<DatabaseSql.Extension> defaultExtensions, int pgbouncerPort, String pgbouncerListen,
                       String poolMode, String sslMode, List<String> ignoreParams, boolean authQuery, Layout layout) {
        /** Canonical constructor: copies lists. */
        public Spec {
            credentials = List.copyOf(credentials);
            infraIps = List.copyOf(infraIps);
            clusterIps = List.copyOf(clusterIps);
            intranet = List.copyOf(intranet);
            hbaRules = List.copyOf(hbaRules);
            pgbHbaRules = List.copyOf(pgbHbaRules);
            users = List.copyOf(users);
            pgbUsers = List.copyOf(pgbUsers);
            databases = List.copyOf(databases);
            pgbDbs = List.copyOf(pgbDbs);
            defaultPrivileges = List.copyOf(defaultPrivileges);
            defaultSchemas = List.copyOf(defaultSchemas);
            defaultExtensions = List.copyOf(defaultExtensions);
            ignoreParams = List.copyOf(ignoreParams);
            Objects.requireNonNull(layout, "layout");
        }

        /** @return this spec with another layout */
        public Spec withLayout(Layout l) {
            return new Spec(instance, role, offlineQuery, pgPort, dbsu, repl, monitor, admin, credentials, adminIp,
                    infraIps, clusterIps, intranet, pwdEnc, hbaRules, pgbHbaRules, users, pgbUsers, databases, pgbDbs,
                    defaultPrivileges, defaultSchemas, defaultExtensions, pgbouncerPort, pgbouncerListen, poolMode,
                    sslMode, ignoreParams, authQuery, l);
        }

        /** @return this spec with other ports (tests use free loopback ports) */
        public Spec withPorts(int pg, int pgbouncer, String listen) {
            return new Spec(instance, role, offlineQuery, pg, dbsu, repl, monitor, admin, credentials, adminIp,
                    infraIps, clusterIps, intranet, pwdEnc, hbaRules, pgbHbaRules, users, pgbUsers, databases, pgbDbs,
                    defaultPrivileges, defaultSchemas, defaultExtensions, pgbouncer, listen, poolMode,
                    sslMode, ignoreParams, authQuery, layout);
        }
    }

    /**
     * Extensions of Pigsty's default list that Debian 12's {@code postgresql-contrib} (PG 15)
     * does not ship; the template creates an extension only when the server has it, and the
     * plan notes these.
     */
    public static final Set<String> NOT_IN_DEBIAN_CONTRIB = Set.of("pg_repack");

    private final Spec spec;
    private final BiFunction<String, Map<String, Object>, String> templates;

    /**
     * @param spec      the instance
     * @param templates renders a template name (e.g. {@code pgsql/pg_hba.conf.ftl}) with a data model
     */
    public PgsqlFileSet(Spec spec, BiFunction<String, Map<String, Object>, String> templates) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.templates = Objects.requireNonNull(templates, "templates");
    }

    /** @return the spec */
    public Spec spec() {
        return spec;
    }

    private HbaRules.Context hbaContext(boolean pgbouncer) {
        return new HbaRules.Context(spec.dbsu(), spec.repl(), spec.monitor(), spec.admin(), spec.adminIp(),
                spec.infraIps(), spec.clusterIps(), spec.intranet(), spec.pwdEnc(), spec.role(), spec.offlineQuery(),
                pgbouncer);
    }

    private Map<String, Object> base() {
        Map<String, Object> m = new HashMap<>();
        m.put("instance", spec.instance());
        m.put("role", spec.role());
        return m;
    }

    /** @return {@code pg_hba.conf} */
    public String pgHba() {
        Map<String, Object> m = base();
        m.put("path", spec.layout().hbaPath());
        m.put("adminIp", spec.adminIp());
        m.put("infraIps", spec.infraIps());
        m.put("intranet", spec.intranet());
        m.put("clusterIps", spec.clusterIps());
        m.put("dbsu", spec.dbsu());
        m.put("repl", spec.repl());
        m.put("monitor", spec.monitor());
        m.put("admin", spec.admin());
        m.put("rules", HbaRules.expand(spec.hbaRules(), hbaContext(false), "pg_hba_rules"));
        return templates.apply("pgsql/pg_hba.conf.ftl", m);
    }

    /** @return {@code pgb_hba.conf} */
    public String pgbHba() {
        Map<String, Object> m = base();
        m.put("path", spec.layout().pgbConfDir() + "/pgb_hba.conf");
        m.put("rules", HbaRules.expand(spec.pgbHbaRules(), hbaContext(true), "pgb_hba_rules"));
        return templates.apply("pgbouncer/pgb_hba.conf.ftl", m);
    }

    /** @return {@code pgbouncer.ini} */
    public String pgbouncerIni() {
        Map<String, Object> m = base();
        Layout l = spec.layout();
        m.put("confDir", l.pgbConfDir());
        m.put("socketDir", l.pgbSocketDir());
        m.put("pidFile", l.pgbPidFile());
        m.put("logDir", l.pgbLogDir());
        m.put("poolMode", spec.poolMode());
        m.put("listenAddr", spec.pgbouncerListen());
        m.put("port", spec.pgbouncerPort());
        m.put("authQuery", spec.authQuery());
        m.put("dbsu", spec.dbsu());
        m.put("adminUsers", List.copyOf(new LinkedHashSet<>(List.of(spec.dbsu(), spec.admin()))));
        m.put("statsUsers", List.copyOf(new LinkedHashSet<>(List.of(spec.dbsu(), spec.monitor()))));
        m.put("ignoreParams", spec.ignoreParams());
        m.put("sslMode", spec.sslMode());
        return templates.apply("pgbouncer/pgbouncer.ini.ftl", m);
    }

    /** @return {@code database.txt} */
    public String databaseTxt() {
        Map<String, Object> m = base();
        m.put("databases", PgbouncerConfigs.databases(spec.pgbDbs(), spec.layout().pgLocalhost(), spec.pgPort()));
        return templates.apply("pgbouncer/database.txt.ftl", m);
    }

    /** @return {@code useropts.txt} */
    public String useropts() {
        Map<String, Object> m = base();
        m.put("users", PgbouncerConfigs.userOptions(spec.pgbUsers()));
        return templates.apply("pgbouncer/useropts.txt.ftl", m);
    }

    /** @return {@code userlist.txt} (holds passwords: mode 0600) */
    public String userlist() {
        Map<String, Object> m = base();
        m.put("users", PgbouncerConfigs.userList(spec.pgbUsers(), spec.dbsu()));
        return templates.apply("pgbouncer/userlist.txt.ftl", m);
    }

    /** @return the systemd unit {@code pgbouncer.service} */
    public String pgbouncerUnit() {
        Map<String, Object> m = base();
        m.put("dbsu", spec.dbsu());
        m.put("confDir", spec.layout().pgbConfDir());
        return templates.apply("pgbouncer/pgbouncer.service.ftl", m);
    }

    /** @return the dbsu's {@code .pgpass} (holds passwords: mode 0600) */
    public String pgpass() {
        Map<String, Object> m = base();
        m.put("entries", Pgpass.entries(spec.credentials()));
        return templates.apply("pgsql/pgpass.ftl", m);
    }

    /** @return names that are never dropped */
    public Set<String> systemRoles() {
        return Set.copyOf(List.of(spec.dbsu(), spec.repl(), spec.monitor(), spec.admin(), "postgres", "replicator",
                "dbuser_dba", "dbuser_monitor"));
    }

    /** @param u a role @return its SQL file path */
    public String userSqlPath(UserSql.User u) {
        return spec.layout().tmpDir() + "/pg-user-" + u.name() + ".sql";
    }

    /** @param u a role @return {@code pg-user-<name>.sql} */
    public String userSql(UserSql.User u) {
        Map<String, Object> m = base();
        m.put("path", userSqlPath(u));
        m.put("u", UserSql.data(u, systemRoles(), spec.dbsu()));
        return templates.apply("pgsql/pg-user.sql.ftl", m);
    }

    /** @param d a database @return its SQL file path */
    public String dbSqlPath(DatabaseSql.Database d) {
        return spec.layout().tmpDir() + "/pg-db-" + d.name() + ".sql";
    }

    /** @return roles whose new objects get the default privileges */
    public List<String> privilegeOwners() {
        return List.copyOf(new LinkedHashSet<>(List.of(spec.dbsu(), spec.admin(), "dbrole_admin")));
    }

    /** @param d a database @return {@code pg-db-<name>.sql} */
    public String dbSql(DatabaseSql.Database d) {
        Map<String, Object> m = base();
        m.put("path", dbSqlPath(d));
        m.put("d", DatabaseSql.data(d, List.of(spec.repl(), spec.monitor(), spec.admin()),
                PrivilegeSql.statements(spec.defaultPrivileges(), privilegeOwners())));
        return templates.apply("pgsql/pg-db.sql.ftl", m);
    }

    /** @return path of the template-database init SQL */
    public String templateSqlPath() {
        return spec.layout().tmpDir() + "/pg-init-template.sql";
    }

    /**
     * The template-database SQL and its converged query, made once per file set: a cluster's primary gets
     * one step per template database ({@code template1}, {@code postgres}) with the same file and query.
     * Neither holds a secret.
     */
    private String templateSql;
    private String templateConvergedQuery;

    /** @return {@code pg-init-template.sql}: default schemas, extensions and privileges */
    public String templateSql() {
        if (templateSql == null) {
            templateSql = renderTemplateSql();
        }
        return templateSql;
    }

    private String renderTemplateSql() {
        Map<String, Object> m = base();
        m.put("path", templateSqlPath());
        m.put("monitor", SqlQuote.identifier(spec.monitor()));
        List<Map<String, String>> schemas = new ArrayList<>();
        for (String s : spec.defaultSchemas()) {
            schemas.add(Map.of("ident", SqlQuote.identifier(s)));
        }
        m.put("schemas", schemas);
        m.put("pgbouncerAuth", pgbouncerAuthFunction());
        List<Map<String, String>> exts = new ArrayList<>();
        for (DatabaseSql.Extension x : spec.defaultExtensions()) {
            StringBuilder s = new StringBuilder("CREATE EXTENSION IF NOT EXISTS ").append(SqlQuote.identifier(x.name()));
            x.schema().ifPresent(v -> s.append(" WITH SCHEMA ").append(SqlQuote.identifier(v)));
            x.version().ifPresent(v -> s.append(" VERSION ").append(SqlQuote.literal(v)));
            s.append(" CASCADE");
            Map<String, String> e = new LinkedHashMap<>();
            e.put("createLit", SqlQuote.literal(s.toString()));
            e.put("nameLit", SqlQuote.literal(x.name()));
            exts.add(e);
        }
        m.put("extensions", exts);
        m.put("privileges", PrivilegeSql.statements(spec.defaultPrivileges(), privilegeOwners()));
        return templates.apply("pgsql/pg-init-template.sql.ftl", m);
    }

    /**
     * Pigsty bakes {@code monitor.pgbouncer_auth} into every database with its monitor schema; PgBouncer's
     * {@code auth_query} calls it, in whichever database the client asks for.
     */
    private boolean pgbouncerAuthFunction() {
        return spec.authQuery() || spec.defaultSchemas().contains("monitor");
    }

    /** @return a query printing {@code t} when the template SQL has been applied to the current database */
    public String templateConvergedQuery() {
        if (templateConvergedQuery == null) {
            templateConvergedQuery = buildTemplateConvergedQuery();
        }
        return templateConvergedQuery;
    }

    private String buildTemplateConvergedQuery() {
        // sized for the privileges condition and a few hundred characters per schema and extension
        String condition = PrivilegeSql.condition(spec.defaultPrivileges(), privilegeOwners());
        StringBuilder q = new StringBuilder(condition.length() + 256 * (spec.defaultSchemas().size() + spec.defaultExtensions().size() + 2))
                .append("SELECT (");
        q.append(condition);
        for (String s : spec.defaultSchemas()) {
            q.append(" AND EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = ").append(SqlQuote.literal(s)).append(')');
        }
        if (pgbouncerAuthFunction()) {
            q.append(" AND EXISTS (SELECT FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE n.nspname = 'monitor' AND p.proname = 'pgbouncer_auth' AND p.prosecdef)");
        }
        for (DatabaseSql.Extension x : spec.defaultExtensions()) {
            q.append(" AND (EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = ").append(SqlQuote.literal(x.name()))
                    .append(") OR NOT EXISTS (SELECT FROM pg_catalog.pg_available_extensions WHERE name = ")
                    .append(SqlQuote.literal(x.name())).append("))");
        }
        return q.append(");").toString();
    }

    /** @return default extensions this host's packages will not provide (for plan notes) */
    public List<String> skippedExtensions() {
        return spec.defaultExtensions().stream().map(DatabaseSql.Extension::name)
                .filter(NOT_IN_DEBIAN_CONTRIB::contains).toList();
    }
}
