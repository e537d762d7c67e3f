package io.pigsty.api.pgsql.internal;

import io.pigsty.api.internal.Unvalidated;
import io.pigsty.api.quote.SqlQuote;

import io.pigsty.model.PigstyException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Data for {@code pgsql/pg-db.sql.ftl} and its convergence query. Every identifier and literal
 * goes through {@link SqlQuote}.
 */
public final class DatabaseSql {
    private static final Set<String> STRATEGIES = Set.of("FILE_COPY", "WAL_LOG");

    private DatabaseSql() {
    }

    /**
     * An extension to create in a database.
     *
     * @param name    extension name
     * @param schema  WITH SCHEMA
     * @param version VERSION
     */
    public record Extension(String name, Optional<String> schema, Optional<String> version) {
    }

    /**
     * A database as the inventory describes it (the model's {@code PgDatabase}, flattened).
     *
     * @param name        database name
     * @param state       create, absent or recreate
     * @param owner       owner (defaults to the dbsu)
     * @param comment     COMMENT ON DATABASE
     * @param template    TEMPLATE (creation only)
     * @param strategy    STRATEGY (creation only)
     * @param encoding    ENCODING (creation only)
     * @param locale      LOCALE (creation only)
     * @param lcCollate   LC_COLLATE (creation only)
     * @param lcCtype     LC_CTYPE (creation only)
     * @param tablespace  TABLESPACE
     * @param isTemplate  IS_TEMPLATE
     * @param allowconn   ALLOW_CONNECTIONS
     * @param revokeconn  revoke CONNECT from PUBLIC
     * @param connlimit   CONNECTION LIMIT
     * @param schemas     schemas to create (owned by the owner)
     * @param extensions  extensions to create
     * @param parameters  ALTER DATABASE SET (value {@code DEFAULT} resets)
     */
    public record Database(String name, String state, String owner, String comment, Optional<String> template,
                           Optional<String> strategy, Optional<String> encoding, Optional<String> locale,
                           Optional<String> lcCollate, Optional<String> lcCtype, Optional<String> tablespace,
                           boolean isTemplate, boolean allowconn, boolean revokeconn, int connlimit,
                           List<String> schemas, List<Extension> extensions, Map<String, String> parameters) {
        /** Canonical constructor: copies collections. */
        public Database {
            Objects.requireNonNull(name, "name");
            schemas = List.copyOf(schemas);
            extensions = List.copyOf(extensions);
            parameters = Map.copyOf(new LinkedHashMap<>(parameters));
        }
    }

    /**
     * @param d           the database
     * @param connectTo   roles that keep CONNECT when {@code revokeconn} (replication, monitor, admin users)
     * @param privileges  ALTER DEFAULT PRIVILEGES statements applied inside the database
     * @return Freemarker data under key {@code d}
     */
    public static Map<String, Object> data(Database d, List<String> connectTo, List<String> privileges) {
        String where = "pg_databases[" + d.name() + "]";
        if (!UserSql.FILE_SAFE.matcher(d.name()).matches()) {
            throw Unvalidated.at(where + ".name", d.name());
        }
        if (!Set.of("create", "absent", "recreate").contains(d.state())) {
            throw Unvalidated.at(where + ".state", d.state());
        }
        if (Set.of("postgres", "template0", "template1").contains(d.name()) && !d.state().equals("create")) {
            throw Unvalidated.at(where + ".state", "drop of system database " + d.name());
        }
        String ident = SqlQuote.identifier(d.name());
        String owner = SqlQuote.identifier(d.owner());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ident", ident);
        m.put("nameLit", SqlQuote.literal(d.name()));
        m.put("drop", !d.state().equals("create"));
        m.put("create", !d.state().equals("absent"));
        StringBuilder create = new StringBuilder("CREATE DATABASE ").append(ident).append(" OWNER ").append(owner);
        d.template().ifPresent(t -> create.append(" TEMPLATE ").append(SqlQuote.identifier(t)));
        d.strategy().ifPresent(s -> {
            if (!STRATEGIES.contains(s.toUpperCase(java.util.Locale.ROOT))) {
                throw Unvalidated.at(where + ".strategy", s);
            }
            create.append(" STRATEGY ").append(s.toUpperCase(java.util.Locale.ROOT));
        });
        d.encoding().ifPresent(e -> create.append(" ENCODING ").append(SqlQuote.literal(e)));
        d.locale().ifPresent(e -> create.append(" LOCALE ").append(SqlQuote.literal(e)));
        d.lcCollate().ifPresent(e -> create.append(" LC_COLLATE ").append(SqlQuote.literal(e)));
        d.lcCtype().ifPresent(e -> create.append(" LC_CTYPE ").append(SqlQuote.literal(e)));
        d.tablespace().ifPresent(e -> create.append(" TABLESPACE ").append(SqlQuote.identifier(e)));
        m.put("createLit", SqlQuote.literal(create.toString()));
        m.put("owner", owner);
        m.put("isTemplate", d.isTemplate());
        m.put("allowconn", d.allowconn());
        m.put("revokeconn", d.revokeconn());
        m.put("connlimit", d.connlimit());
        m.put("tablespace", d.tablespace().map(SqlQuote::identifier).orElse(""));
        m.put("commentLit", SqlQuote.literal(d.comment()));
        m.put("connectTo", connectTo.stream().distinct().map(SqlQuote::identifier).toList());
        List<Map<String, String>> params = new ArrayList<>();
        d.parameters().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("key", UserSql.guc(e.getKey(), where + ".parameters"));
            p.put("reset", String.valueOf(e.getValue().equalsIgnoreCase("DEFAULT")));
            p.put("valueLit", SqlQuote.literal(e.getValue()));
            params.add(p);
        });
        m.put("parameters", params);
        m.put("schemas", d.schemas().stream().map(SqlQuote::identifier).toList());
        List<String> exts = new ArrayList<>();
        for (Extension x : d.extensions()) {
            StringBuilder s = new StringBuilder("CREATE EXTENSION IF NOT EXISTS ").append(SqlQuote.identifier(x.name()));
            x.schema().ifPresent(v -> s.append(" WITH SCHEMA ").append(SqlQuote.identifier(v)));
            x.version().ifPresent(v -> s.append(" VERSION ").append(SqlQuote.literal(v)));
            exts.add(s.append(" CASCADE;").toString());
        }
        m.put("extensions", exts);
        m.put("privileges", List.copyOf(privileges));
        return m;
    }

    /**
     * @param d the database
     * @return a query (run in database {@code postgres}) printing {@code t} when the database's
     *         catalog attributes already match; schemas and extensions are checked by
     *         {@link #objectsQuery}
     */
    public static String convergedQuery(Database d) {
        String lit = SqlQuote.literal(d.name());
        if (d.state().equals("absent")) {
            return "SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = " + lit + ");";
        }
        if (d.state().equals("recreate")) {
            return "SELECT false;"; // recreate is destructive by request: always a change
        }
        StringBuilder q = new StringBuilder("SELECT EXISTS (SELECT FROM pg_catalog.pg_database d WHERE d.datname = ")
                .append(lit)
                .append(" AND pg_catalog.pg_get_userbyid(d.datdba) = ").append(SqlQuote.literal(d.owner()))
                .append(" AND d.datistemplate = ").append(d.isTemplate())
                .append(" AND d.datallowconn = ").append(d.allowconn())
                .append(" AND d.datconnlimit = ").append(d.connlimit())
                .append(" AND pg_catalog.shobj_description(d.oid, 'pg_database') IS NOT DISTINCT FROM ")
                .append(SqlQuote.literal(d.comment()))
                .append(" AND pg_catalog.has_database_privilege('public', d.oid, 'CONNECT') = ").append(!d.revokeconn());
        String cfg = "coalesce((SELECT s.setconfig FROM pg_catalog.pg_db_role_setting s WHERE s.setdatabase = d.oid"
                + " AND s.setrole = 0), '{}'::text[])";
        SettingProbe.append(q, cfg, d.parameters());
        return q.append(");").toString();
    }

    /**
     * @param d the database
     * @return a query to run inside the database printing {@code t} when its schemas and
     *         extensions exist
     */
    public static String objectsQuery(Database d) {
        StringBuilder q = new StringBuilder("SELECT true");
        for (String s : d.schemas()) {
            q.append(" AND EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = ").append(SqlQuote.literal(s)).append(')');
        }
        for (Extension x : d.extensions()) {
            q.append(" AND EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = ").append(SqlQuote.literal(x.name())).append(')');
        }
        return q.append(';').toString();
    }
}
